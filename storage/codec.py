"""Row <-> value conversions: UTC timestamps as sortable ISO text; the outbox's next-row
query with the columns `outbox_from_values` reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.core.base.cards import Card
from bot.core.base.case import Case, CaseStep, Event, EventKind
from bot.core.base.model import Status, StepState, Via
from bot.core.base.outbox import OutboxItem
from bot.core.base.reading_json import reading_from_compact

#: The latest times written, as text: a new case writes the same few times a dozen times
#: over (its row, steps, timeline entry, clocks and cards); an aware time is its instant.
_WRITTEN: dict[datetime, str] = {}
_WRITTEN_MAX = 64


def ts(value: datetime | None) -> str | None:
    """Store a timezone-aware time as UTC ISO text (lexically sortable)."""
    if value is None:
        return None
    text = _WRITTEN.get(value)  # (a naive time equals no aware one: it is never found)
    if text is None:
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC clock")
        text = value.astimezone(UTC).isoformat(timespec="microseconds")
        if len(_WRITTEN) >= _WRITTEN_MAX:
            _WRITTEN.clear()
        _WRITTEN[value] = text
    return text


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


#: The columns `outbox_from_values` reads, in its order (o: the row, t: the row it edits,
#: p: the row whose message its thread is).
OUTBOX_VALUES = (
    "o.id, o.platform, o.channel_id, coalesce(nullif(o.thread_id, ''), p.platform_message_id), "
    "o.case_id, "
    "o.payload, o.step_id, o.edit_of, t.platform_message_id, o.attempts, "
    "o.platform_message_id, o.created_at, o.first_failed_at"
)

#: The id heading a queue of `next_in_channel`'s row o (?1 its platform, ?3 now), given the
#: queue's own term: a case's rows, or a channel's rows of no case. An edit held back does
#: not head it. One term per branch, so each search walks (platform, case_id, id).
_HEAD = (
    "SELECT min(h.id) FROM outbox h WHERE h.platform = ?1 AND h.status = 'pending' "
    "AND NOT (h.edit_of IS NOT NULL AND coalesce(h.not_before, '') > ?3) AND"
)


#: `SqliteStore.next_in_channel`'s query: the columns `outbox_from_values` takes, in its order.
NEXT_IN_CHANNEL = (
    f"SELECT {OUTBOX_VALUES} FROM outbox o "
    "LEFT JOIN outbox t ON t.id = o.edit_of LEFT JOIN outbox p ON p.id = o.thread_of "
    "WHERE o.platform = ?1 AND o.channel_id = ?2 "
    "AND o.status = 'pending' AND (o.not_before IS NULL OR o.not_before <= ?3) "
    f"AND o.id = CASE WHEN o.case_id IS NULL THEN ({_HEAD} h.case_id IS NULL "
    f"AND h.channel_id = o.channel_id) ELSE ({_HEAD} h.case_id = o.case_id) END "
    "ORDER BY o.priority, o.id LIMIT 1"
)


def outbox_from_values(row: tuple[Any, ...], card: Card | None = None) -> OutboxItem:
    """`outbox_from_row` from the columns of `OUTBOX_VALUES`, by position; `card` when the
    caller has the row's card already (its payload left unparsed)."""
    created, failed = row[11], row[12]
    return OutboxItem(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        card if card is not None else Card.from_json(row[5]),
        row[6],
        row[7],
        row[8],
        row[9] or 0,
        row[10],
        datetime.fromisoformat(created) if created else None,
        datetime.fromisoformat(failed) if failed else None,
    )
