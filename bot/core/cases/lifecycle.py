"""Which status changes are allowed, and what to say when one is not."""

from __future__ import annotations

from bot.core.base.model import Status
from bot.core.texts import FALLBACK, name, t

_ALLOWED: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.LET_GO, Status.DISMISSED}),
    Status.IN_PROGRESS: frozenset({Status.RESOLVED, Status.LET_GO, Status.DISMISSED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.LET_GO: frozenset({Status.IN_PROGRESS}),
    Status.DISMISSED: frozenset({Status.IN_PROGRESS}),
}

#: Steps whose work comes after the resolution (seed advice: show it, document it, follow
#: up, offer more, tell what improved): they may be marked on a resolved or closed case.
AFTER_RESOLUTION = frozenset(
    {"show-resolution", "document", "follow-up", "offer-more", "share-improvements"}
)
_RESOLVED = frozenset({Status.RESOLVED, Status.CLOSED})

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
    Status.DISMISSED: "dismissed",
}


def may_mark_step(status: Status, step_id: str) -> bool:
    """Whether a step of a case in `status` may be marked: any step of an open case, and
    the post-resolution ones once it is resolved."""
    if status in (Status.NEW, Status.IN_PROGRESS):
        return True
    return status in _RESOLVED and step_id in AFTER_RESOLUTION


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


def reopen_flag(previous: Status) -> str | None:
    """The flag a reopened case gets, which unlocks the step that says what to do now:
    the fix did not hold (resolved, closed), or a let-go gets another chance. A dismissed
    message reopened is a complaint after all, and simply starts."""
    if previous in _RESOLVED:
        return "reopened"
    return "reconsidered" if previous is Status.LET_GO else None
