"""Which status changes are allowed, and what to say when one is not."""

from __future__ import annotations

from bot.core.base.model import Status
from bot.core.texts import FALLBACK, name, t

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.LET_GO}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.LET_GO}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.LET_GO: frozenset({Status.IN_PROGRESS}),
}

_HINTS: dict[tuple[Status, Status], str] = {
    (Status.NEW, Status.CLOSED): "hint.resolve_first",
    (Status.IN_PROGRESS, Status.CLOSED): "hint.resolve_first",
    (Status.NEW, Status.NEW): "hint.already_open",
    (Status.IN_PROGRESS, Status.IN_PROGRESS): "hint.already_open",
}

LABELS: dict[Status, str] = {
    Status.NEW: "new",
    Status.IN_PROGRESS: "in progress",
    Status.RESOLVED: "resolved",
    Status.CLOSED: "closed",
    Status.LET_GO: "let go",
}


def refusal(current: Status, target: Status, verb: str, lang: str = FALLBACK) -> str | None:
    """Return why `current -> target` is impossible (in `lang`), or None when it is allowed."""
    if target in _ALLOWED[current]:
        return None
    hint = _HINTS.get((current, target))
    said = {"verb": verb, "label": LABELS[current]}
    if lang != FALLBACK:
        said = {
            "verb": name("verb", verb.replace(" ", "_"), lang),
            "label": name("status", current.value, lang),
        }
    if hint:
        return t("refusal.hint", lang, hint=t(hint, lang), **said)
    return t("refusal.plain", lang, **said)
