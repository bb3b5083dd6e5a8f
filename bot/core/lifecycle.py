"""Which status changes are allowed, and what to say when one is not."""

from __future__ import annotations

from bot.core.model import Status

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.LET_GO}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.LET_GO}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.LET_GO: frozenset({Status.IN_PROGRESS}),
}

_HINTS: dict[tuple[Status, Status], str] = {
    (Status.NEW, Status.CLOSED): "resolve it first, or let it go",
    (Status.IN_PROGRESS, Status.CLOSED): "resolve it first, or let it go",
    (Status.NEW, Status.NEW): "it is already open",
    (Status.IN_PROGRESS, Status.IN_PROGRESS): "it is already open",
}

LABELS: dict[Status, str] = {
    Status.NEW: "new",
    Status.IN_PROGRESS: "in progress",
    Status.RESOLVED: "resolved",
    Status.CLOSED: "closed",
    Status.LET_GO: "let go",
}


def refusal(current: Status, target: Status, verb: str) -> str | None:
    """Return why `current -> target` is impossible, or None when it is allowed."""
    if target in _ALLOWED[current]:
        return None
    hint = _HINTS.get((current, target))
    message = f"Can't {verb} a case that is {LABELS[current]}"
    return f"{message}: {hint}." if hint else f"{message}."
