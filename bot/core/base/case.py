"""A case and the records around it, as the core sees them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.core.base.memo import BoundedMemo
from bot.core.base.model import (
    CustomerKind,
    History,
    Impact,
    Reading,
    Reason,
    Signal,
    Status,
    StepState,
    Subject,
    Via,
)


class EventKind(StrEnum):
    """Every kind of timeline entry, in one place."""

    OPENED = "opened"
    CLAIMED = "claimed"
    ASSIGNED = "assigned"
    STEP_DONE = "step_done"
    STEP_UNDONE = "step_undone"
    STEP_SKIPPED = "step_skipped"
    NOTE = "note"
    CUSTOMER_MESSAGE = "customer_message"
    AGENT_MESSAGE = "agent_message"
    ANGER_RISING = "anger_rising"
    FOLLOWUP_SET = "followup_set"
    FLAG_SET = "flag_set"
    RESOLVED = "resolved"
    CLOSED = "closed"
    LET_GO = "let_go"
    REOPENED = "reopened"
    #: Not a complaint: closed without a reply, left out of the report's counts.
    DISMISSED = "dismissed"
    #: A message that had joined this case became a case of its own.
    SPLIT = "split"
    MESSAGE_EDITED = "message_edited"
    MESSAGE_DELETED = "message_deleted"
    REACTION_IGNORED = "reaction_ignored"
    SUGGESTION_SHOWN = "suggestion_shown"
    REMINDER_SENT = "reminder_sent"
    REMINDER_ESCALATED = "reminder_escalated"
    REMINDER_DONE = "reminder_done"
    REMINDER_SNOOZED = "reminder_snoozed"
    REMINDER_CANCELLED = "reminder_cancelled"
    REMEDY = "remedy"
    SATISFACTION = "satisfaction"
    STORY_MARKED = "story_marked"
    CUSTOMER_FORGOTTEN = "customer_forgotten"
    DELIVERY_FAILED = "delivery_failed"
    #: An agent sent a reply to the customer; it waits for the platform to accept it.
    REPLY_QUEUED = "reply_queued"
    #: The customer has the agent's reply (posted, or sent by the agent elsewhere).
    REPLY_SENT = "reply_sent"
    #: An agent corrected one part of the reading (details: part, from, to).
    READING_CORRECTED = "reading_corrected"


@dataclass(frozen=True)
class Case:
    id: int
    platform: str
    channel_id: str
    message_id: str
    thread_id: str | None
    customer_id: str
    customer_name: str
    text: str
    status: Status
    assignee_id: str | None
    assignee_name: str | None
    playbook_id: str
    reading: Reading
    flags: frozenset[str]
    opened_at: datetime
    updated_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    followup_at: datetime | None = None
    #: Where the team's guidance goes when customers read `channel_id` (a triage
    #: channel), and the thread there once its opener is posted; None: the case's thread.
    staff_channel_id: str | None = None
    staff_thread_id: str | None = None

    @property
    def ref(self) -> str:
        return f"#{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status in (Status.NEW, Status.IN_PROGRESS)


@dataclass(frozen=True)
class CaseStep:
    case_id: int
    step_id: str
    position: int
    state: StepState
    actor_id: str | None = None
    actor_name: str | None = None
    via: Via | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Event:
    """One timeline entry: who did what, when, with its details."""

    id: int
    case_id: int
    at: datetime
    actor_id: str
    actor_name: str
    kind: EventKind
    details: dict[str, Any]


def reading_to_json(reading: Reading) -> str:
    """Serialise a reading for storage (by hand: `dataclasses.asdict` deep-copies it all)."""
    r, h = reading, reading.history
    data = {
        "language": r.language,
        "language_confidence": r.language_confidence,
        "reason": r.reason.value,
        "reason_evidence": _signals(r.reason_evidence),
        "kind": r.kind.value,
        "kind_evidence": _signals(r.kind_evidence),
        "intensity": r.intensity,
        "intensity_evidence": _signals(r.intensity_evidence),
        "impact": r.impact.value,
        "impact_evidence": _signals(r.impact_evidence),
        "history": {
            "earlier_cases": h.earlier_cases,
            "resolved": h.resolved,
            "let_go": h.let_go,
            "still_open": h.still_open,
            "chronic": h.chronic,
        },
        "order_ref": r.order_ref,
        "flags": sorted(r.flags),
        "subject": r.subject.value,
        "subject_evidence": _signals(r.subject_evidence),
        "corrected": r.corrected,
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    _RECENT.keep(raw, reading)
    return raw


def _signals(signals: tuple[Signal, ...]) -> list[dict[str, str]]:
    return [{"name": s.name, "detail": s.detail} for s in signals]


def reading_from_json(raw: str) -> Reading:
    """Rebuild a reading stored by `reading_to_json` (one of the latest written or read is
    not decoded again: a reading is a frozen value, the same for the same text)."""
    found = _RECENT.get(raw)
    if found is None:
        found = _decoded(raw)
        _RECENT.keep(raw, found)
    return found


def _decoded(raw: str) -> Reading:
    data = json.loads(raw)
    get = data.get
    return Reading(
        language=data["language"],
        language_confidence=data["language_confidence"],
        reason=_REASONS.get(data["reason"]) or Reason(data["reason"]),
        reason_evidence=_signals_of(get("reason_evidence")),
        kind=_KINDS.get(data["kind"]) or CustomerKind(data["kind"]),
        kind_evidence=_signals_of(get("kind_evidence")),
        intensity=data["intensity"],
        intensity_evidence=_signals_of(get("intensity_evidence")),
        impact=_IMPACTS.get(data["impact"]) or Impact(data["impact"]),
        impact_evidence=_signals_of(get("impact_evidence")),
        history=History(**get("history", {})),
        order_ref=get("order_ref"),
        flags=frozenset(get("flags", ())),
        subject=Subject(get("subject", Subject.UNKNOWN.value)),
        subject_evidence=_signals_of(get("subject_evidence")),
        corrected=tuple((str(p), str(b)) for p, b in get("corrected", ())),
    )


def _signals_of(raw: list[dict[str, str]] | None) -> tuple[Signal, ...]:
    return tuple([Signal(s["name"], s["detail"]) for s in raw]) if raw else ()


_REASONS = {m.value: m for m in Reason}
_KINDS = {m.value: m for m in CustomerKind}
_IMPACTS = {m.value: m for m in Impact}


#: The readings last written or read, by their stored text.
_RECENT: BoundedMemo[str, Reading] = BoundedMemo(512)
