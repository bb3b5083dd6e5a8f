"""Row <-> value conversions: UTC timestamps as sortable ISO text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.core.base.cards import Card
from bot.core.base.case import Case, CaseStep, Event, EventKind
from bot.core.base.model import Status, StepState, Via
from bot.core.base.outbox import OutboxItem
from bot.core.base.reading_json import reading_from_compact


def ts(value: datetime | None) -> str | None:
    """Store a timezone-aware time as UTC ISO text (lexically sortable)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; use an aware UTC clock")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def dt(value: str | None) -> datetime | None:
    """Read a time stored by `ts`."""
    return datetime.fromisoformat(value) if value else None


def case_from_row(row: dict[str, Any]) -> Case:
    """Build a Case from a `cases` row."""
    return Case(
        id=row["id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        customer_id=row["customer_id"],
        customer_name=row["customer_name"] or "",
        text=row["text"] or "",
        status=Status(row["status"]),
        assignee_id=row["assignee_id"],
        assignee_name=row["assignee_name"],
        playbook_id=row["playbook_id"],
        reading=reading_from_compact(row["reading"]),
        flags=frozenset(json.loads(row["flags"] or "[]")),
        opened_at=dt(row["opened_at"]),  # type: ignore[arg-type]
        updated_at=dt(row["updated_at"]),  # type: ignore[arg-type]
        first_response_at=dt(row["first_response_at"]),
        resolved_at=dt(row["resolved_at"]),
        closed_at=dt(row["closed_at"]),
        followup_at=dt(row["followup_at"]),
        staff_channel_id=row.get("staff_channel_id"),
        staff_thread_id=row.get("staff_thread_id"),
    )


def step_from_row(row: dict[str, Any]) -> CaseStep:
    """Build a CaseStep from a `case_steps` row."""
    return CaseStep(
        case_id=row["case_id"],
        step_id=row["step_id"],
        position=row["position"],
        state=StepState(row["state"]),
        actor_id=row["actor_id"],
        actor_name=row["actor_name"],
        via=Via(row["via"]) if row["via"] else None,
        at=dt(row["at"]),
    )


def event_from_row(row: dict[str, Any]) -> Event:
    """Build an Event from an `events` row."""
    return Event(
        id=row["id"],
        case_id=row["case_id"],
        at=dt(row["at"]),  # type: ignore[arg-type]
        actor_id=row["actor_id"] or "",
        actor_name=row["actor_name"] or "",
        kind=EventKind(row["kind"]),
        details=json.loads(row["details"] or "{}"),
    )


def outbox_from_row(row: dict[str, Any]) -> OutboxItem:
    """Build an OutboxItem from an `outbox` row joined with its edit target."""
    return OutboxItem(
        id=row["id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        thread_id=row["thread_id"] or row.get("thread_target"),
        case_id=row["case_id"],
        card=Card.from_json(row["payload"]),
        step_id=row["step_id"],
        edit_of=row["edit_of"],
        edit_target=row.get("edit_target"),
        attempts=row["attempts"] or 0,
        platform_message_id=row["platform_message_id"],
        created_at=dt(row.get("created_at")),
        first_failed_at=dt(row.get("first_failed_at")),
    )
