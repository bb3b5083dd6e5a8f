"""Build a case report: one JSON-ready dict holding everything recorded about a case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.base.case import Case, CaseStep, Event, EventKind
from bot.core.base.clocks import AUTO_DONE, ReminderKind
from bot.core.base.model import Reading, Signal
from bot.core.base.reminder import Reminder
from bot.core.base.store_port import CaseStore
from bot.core.guidance.corrections import correction_sentence
from bot.core.guidance.playbook import Playbook, ReadingRules
from bot.core.records.facts import (
    durations,
    iso,
    outcome,
    remedies,
    remedies_total,
    satisfaction,
    story,
)

SCHEMA_VERSION = 1
_FINISHERS = {"done": EventKind.REMINDER_DONE, "cancelled": EventKind.REMINDER_CANCELLED}
#: Timeline entries of an agent acting on the case (each stops the response clocks).
_AGENT_ACTIONS = frozenset(
    {
        EventKind.CLAIMED,
        EventKind.ASSIGNED,
        EventKind.STEP_DONE,
        EventKind.STEP_SKIPPED,
        EventKind.STEP_UNDONE,
        EventKind.NOTE,
        EventKind.AGENT_MESSAGE,
        EventKind.RESOLVED,
    }
)


def case_report(
    store: CaseStore,
    case_id: int,
    now: datetime,
    rules: ReadingRules | None = None,
    playbook: Playbook | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """Everything recorded about one case, JSON-ready (see docs/case-report-schema.md)."""
    case = store.get_case(case_id)
    if case is None:
        raise KeyError(f"no case #{case_id}")
    events = store.events(case_id)
    given = remedies(events)
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": iso(now),
        "case": case_section(case, playbook, language),
        "complaint": {"text": case.text, "at": iso(case.opened_at), "by": case.customer_name},
        "reading": reading_section(case.reading, rules, language),
        "steps": [step_section(s, playbook, language) for s in store.steps(case_id)],
        "notes": [_note(e) for e in events if e.kind is EventKind.NOTE],
        "messages": [_message(e) for e in events if _is_message(e)],
        "changes": [_change(e) for e in events if _is_change(e)],
        "corrections": [
            correction_entry(e, language) for e in events if e.kind is EventKind.READING_CORRECTED
        ],
        "reminders": reminder_section(store.reminders_for(case_id, open_only=False), case, events),
        "remedies": given,
        "remedies_total": remedies_total(given),
        "satisfaction": satisfaction(events),
        "story": story(case, events),
        "outcome": outcome(case, events),
        "durations": durations(case, now),
        "timeline": [timeline_entry(e) for e in events],
    }


def case_section(case: Case, playbook: Playbook | None, language: str) -> dict[str, Any]:
    """Who, where and when: the case's own fields."""
    assignee = {"id": case.assignee_id, "name": case.assignee_name} if case.assignee_id else None
    return {
        "id": case.id,
        "ref": case.ref,
        "platform": case.platform,
        "channel": case.channel_id,
        "thread": case.thread_id,
        "message_id": case.message_id,
        "status": case.status.value,
        "customer": {"id": case.customer_id, "name": case.customer_name},
        "assignee": assignee,
        "opened_at": iso(case.opened_at),
        "first_response_at": iso(case.first_response_at),
        "resolved_at": iso(case.resolved_at),
        "closed_at": iso(case.closed_at),
        "followup_at": iso(case.followup_at),
        "updated_at": iso(case.updated_at),
        "flags": sorted(case.flags),
        "playbook": {
            "id": case.playbook_id,
            "name": playbook.name.get(language) if playbook else None,
        },
    }


def _signals(signals: tuple[Signal, ...]) -> list[dict[str, str]]:
    return [{"name": s.name, "detail": s.detail} for s in signals]


def reading_section(reading: Reading, rules: ReadingRules | None, language: str) -> dict[str, Any]:
    """What Sereno read in the complaint, each part with its evidence."""
    rule = rules.kinds.get(reading.kind) if rules else None
    h = reading.history
    return {
        "language": reading.language,
        "language_confidence": reading.language_confidence,
        "reason": reading.reason.value,
        "reason_evidence": _signals(reading.reason_evidence),
        "kind": reading.kind.value,
        "kind_evidence": _signals(reading.kind_evidence),
        "treatment": rule.treatment.get(language) if rule else None,
        "treatment_advice": list(rule.advice) if rule else [],
        "intensity": reading.intensity,
        "intensity_evidence": _signals(reading.intensity_evidence),
        "impact": reading.impact.value,
        "impact_evidence": _signals(reading.impact_evidence),
        "order_ref": reading.order_ref,
        "history": {
            "earlier_cases": h.earlier_cases,
            "resolved": h.resolved,
            "let_go": h.let_go,
            "still_open": h.still_open,
            "chronic": h.chronic,
        },
        "flags": sorted(reading.flags),
        "subject": reading.subject.value,
        "subject_evidence": _signals(reading.subject_evidence),
        "corrected": [{"part": part, "by": by} for part, by in reading.corrected],
    }


def step_section(step: CaseStep, playbook: Playbook | None, language: str) -> dict[str, Any]:
    """One checklist step with who changed it last, how and when."""
    known = playbook.step(step.step_id) if playbook else None
    return {
        "id": step.step_id,
        "position": step.position,
        "title": known.title.get(language) if known else None,
        "state": step.state.value,
        "by": step.actor_name,
        "by_id": step.actor_id,
        "via": step.via.value if step.via else None,
        "at": iso(step.at),
    }


def _note(event: Event) -> dict[str, Any]:
    return {"at": iso(event.at), "by": event.actor_name, "text": event.details.get("text", "")}


def _is_message(event: Event) -> bool:
    return event.kind in (EventKind.CUSTOMER_MESSAGE, EventKind.AGENT_MESSAGE)


def _message(event: Event) -> dict[str, Any]:
    d = event.details
    role = "agent" if event.kind is EventKind.AGENT_MESSAGE else d.get("role") or "customer"
    return {
        "at": iso(event.at),
        "role": role,
        "author": event.actor_name,
        "author_id": event.actor_id,
        "text": d.get("text", ""),
        "message_id": d.get("message_id"),
        "intensity": d.get("intensity"),
    }


def _is_change(event: Event) -> bool:
    return event.kind in (EventKind.MESSAGE_EDITED, EventKind.MESSAGE_DELETED)


def _change(event: Event) -> dict[str, Any]:
    d = event.details
    return {
        "at": iso(event.at),
        "action": "edited" if event.kind is EventKind.MESSAGE_EDITED else "deleted",
        "by": event.actor_name,
        "message_id": d.get("message_id"),
        "complaint": bool(d.get("complaint", False)),
        "old_text": d.get("old_text"),
        "new_text": d.get("new_text"),
    }


def correction_entry(event: Event, language: str) -> dict[str, Any]:
    """An agent's correction of one part of the reading, with its timeline sentence."""
    d = event.details
    return {
        "at": iso(event.at),
        "by": event.actor_name,
        "part": d.get("part"),
        "from": d.get("from"),
        "to": d.get("to"),
        "said": correction_sentence(event.actor_name, d, language),
    }


def reminder_section(
    reminders: list[Reminder], case: Case, events: list[Event]
) -> list[dict[str, Any]]:
    """Every reminder of the case, soonest due first, with who finished it and when."""
    used: set[int] = set()
    finished = {
        r.id: _finished(r, case, events, used) for r in sorted(reminders, key=lambda r: r.id)
    }
    rows = []
    for r in sorted(reminders, key=lambda r: (r.due_at, r.id)):
        at, by = finished[r.id]
        rows.append(
            {
                "id": r.id,
                "kind": r.kind.value,
                "due_at": iso(r.due_at),
                "status": r.status,
                "note": r.note,
                "created_by": r.created_by,
                "sent_at": iso(r.sent_at),
                "escalated_at": iso(r.escalated_at),
                "finished_at": iso(at),
                "finished_by": by,
            }
        )
    return rows


def _finished(
    r: Reminder, case: Case, events: list[Event], used: set[int]
) -> tuple[datetime | None, str | None]:
    """When and by whom a reminder was finished: the store, its event, or what implies it."""
    if r.status not in _FINISHERS:
        return None, None
    stored_at = getattr(r, "done_at", None)
    if stored_at is not None:
        by = getattr(r, "done_by", "") or ""
        return stored_at, {e.actor_id: e.actor_name for e in events}.get(by, by or None)
    for e in events:
        if (
            e.kind is _FINISHERS[r.status]
            and e.id not in used
            and e.details.get("kind") == r.kind.value
            and (r.sent_at is None or e.at >= r.sent_at)
        ):
            used.add(e.id)
            return e.at, e.actor_name
    return _implied(r, case, events)


def _implied(r: Reminder, case: Case, events: list[Event]) -> tuple[datetime | None, str | None]:
    """Closing a case cancels its clocks; an agent acting stops the response clocks."""
    if r.status == "cancelled":
        ends = [e for e in events if e.kind in (EventKind.CLOSED, EventKind.LET_GO)]
        return (ends[-1].at, ends[-1].actor_name) if ends else (None, None)
    if r.kind not in AUTO_DONE:
        return None, None
    since = case.first_response_at if r.kind is ReminderKind.FIRST_RESPONSE else r.sent_at
    acts = [e for e in events if since is not None and e.at >= since and e.kind in _AGENT_ACTIONS]
    return (acts[0].at, acts[0].actor_name) if acts else (None, None)


def timeline_entry(event: Event) -> dict[str, Any]:
    """One timeline event as it was recorded."""
    return {
        "id": event.id,
        "at": iso(event.at),
        "actor": event.actor_name,
        "actor_id": event.actor_id,
        "kind": event.kind.value,
        "details": event.details,
    }
