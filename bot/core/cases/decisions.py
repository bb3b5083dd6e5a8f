"""One reply suggestion per decision: the goodbye after a let-go is posted once for that
decision (by the "let go politely" step after `flag refused`, or by `letgo`), and again
only for a new let-go after the case was reopened."""

from __future__ import annotations

from bot.core.base.case import EventKind
from bot.core.base.store_port import CaseStore

GOODBYE = "let-go"


def goodbye_standing(store: CaseStore, case_id: int) -> bool:
    """Whether the goodbye was posted since the case was last reopened (or ever, if never)."""
    posted = [
        i.created_at
        for i in store.outbox_for_case(case_id)
        if i.card.kind == "suggestion" and i.step_id == GOODBYE and i.edit_of is None
    ]
    if not posted:
        return False
    reopened = store.last_event(case_id, EventKind.REOPENED)
    latest = max((at for at in posted if at is not None), default=None)
    # A goodbye at the very moment of the reopen belongs to the let-go it undid.
    return reopened is None or (latest is not None and latest > reopened.at)
