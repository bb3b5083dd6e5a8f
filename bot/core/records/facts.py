"""Facts about a case that reports, lists and stories share: times, money, outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from bot.core.base.case import Case, Event, EventKind
from bot.core.base.model import Status

OPEN = (Status.NEW, Status.IN_PROGRESS)


class CaseTimes(Protocol):
    """What times and marks need of a case: a `Case`, or a list's `CaseLine`."""

    @property
    def status(self) -> str: ...
    @property
    def flags(self) -> frozenset[str]: ...
    @property
    def opened_at(self) -> datetime: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def closed_at(self) -> datetime | None: ...


_ENDINGS = (EventKind.RESOLVED, EventKind.CLOSED, EventKind.LET_GO, EventKind.DISMISSED)


def iso(moment: datetime | None) -> str | None:
    """A time as ISO-8601 UTC with a Z, to the second; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_iso(text: str | None) -> str | None:
    """`iso` of a time stored as UTC ISO text ('2026-11-05T09:30:00.000000+00:00'), without
    parsing it: a long export formats two a case."""
    if not text:
        return None
    if text.endswith("+00:00") and len(text) >= 19:
        return text[:19] + "Z"
    return iso(datetime.fromisoformat(text))


def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole seconds from start to end (rounded); None when either is missing."""
    if start is None or end is None:
        return None
    return round((end - start).total_seconds())


def amount_text(raw: Any) -> str | None:
    """A money amount as exact decimal text, or None when it is not a number."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return str(value) if value.is_finite() else None


def remedies(events: list[Event]) -> list[dict[str, Any]]:
    """What was given to the customer, who approved it, who recorded it."""
    return [
        {
            "at": iso(e.at),
            "recorded_by": e.actor_name,
            "type": e.details.get("type"),
            "amount": amount_text(e.details.get("amount")),
            "currency": e.details.get("currency"),
            "note": e.details.get("note") or "",
            "approved_by": e.details.get("approved_by"),
        }
        for e in events
        if e.kind is EventKind.REMEDY
    ]


def remedies_total(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The sum of remedies per currency, in order of first appearance."""
    totals: dict[str, Decimal] = {}
    for item in items:
        if item["amount"] is not None:
            currency = str(item["currency"] or "")
            totals[currency] = totals.get(currency, Decimal(0)) + Decimal(item["amount"])
    return [{"currency": c, "amount": str(a)} for c, a in totals.items()]


def satisfaction(events: list[Event]) -> dict[str, Any] | None:
    """The customer's latest answer (1-5), or None if never asked."""
    answers = [e for e in events if e.kind is EventKind.SATISFACTION]
    if not answers:
        return None
    e = answers[-1]
    return {
        "score": _score(e.details.get("score")),
        "comment": e.details.get("comment") or "",
        "at": iso(e.at),
        "recorded_by": e.actor_name,
    }


def _score(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def story_marked(case: CaseTimes, events: list[Event]) -> bool:
    """Whether the case is a success story (marked on its timeline or flagged)."""
    return "story" in case.flags or any(e.kind is EventKind.STORY_MARKED for e in events)


def story(case: CaseTimes, events: list[Event]) -> dict[str, Any]:
    """Whether the case is a success story, and who marked it when."""
    marks = [e for e in events if e.kind is EventKind.STORY_MARKED]
    first = marks[0] if marks else None
    return {
        "marked": story_marked(case, events),
        "at": iso(first.at) if first else None,
        "by": first.actor_name if first else None,
    }


def outcome(case: Case, events: list[Event]) -> dict[str, Any]:
    """How the case ended (or that it has not), with the last closing words."""
    if case.status in OPEN:
        result = "open"
    elif case.status is Status.LET_GO:
        result = "let go"
    elif case.status is Status.DISMISSED:
        result = "dismissed"
    elif case.status is Status.RESOLVED or case.resolved_at is not None:
        result = "resolved"
    else:
        result = "closed"
    ends = [e for e in events if e.kind in _ENDINGS] if result != "open" else []
    last = ends[-1] if ends else None
    return {
        "result": result,
        "at": iso(last.at) if last else None,
        "by": last.actor_name if last else None,
        "text": (last.details.get("text") or "") if last else None,
    }


_RESOLVED = frozenset({Status.RESOLVED, Status.CLOSED})
_CLOSED = frozenset({Status.CLOSED, Status.LET_GO, Status.DISMISSED})
_OPEN = frozenset(OPEN)


def spans(case: CaseTimes, now: datetime) -> tuple[int | None, int | None, int | None, int | None]:
    """`durations` as a tuple (first response, resolution, close, open for), for a long list."""
    opened, status = case.opened_at, case.status
    return (
        seconds_between(opened, case.first_response_at),
        seconds_between(opened, case.resolved_at) if status in _RESOLVED else None,
        seconds_between(opened, case.closed_at) if status in _CLOSED else None,
        seconds_between(opened, now) if status in _OPEN else None,
    )


def durations(case: CaseTimes, now: datetime) -> dict[str, int | None]:
    """Seconds to first response, resolution and close; None when not (or no longer) so."""
    first, resolution, close, open_for = spans(case, now)
    return {
        "first_response_seconds": first,
        "resolution_seconds": resolution,
        "close_seconds": close,
        "open_for_seconds": open_for,
    }
