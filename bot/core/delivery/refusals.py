"""A message the platform refused for good: recorded on the case, told to the team once.

The notice goes only where customers cannot read it: a direct message to the
lead (when the lead is one person). The channel that refused the message may be
one customers read, so nothing is ever posted there about it. `/complaint show`
lists what was not delivered, and the log always has a line.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import EventKind
from bot.core.base.model import SERENO
from bot.core.base.outbox import DIRECT, OutboxItem
from bot.core.cases.engine import Engine

__all__ = ["DIRECT", "refusal_reporter", "undelivered_line"]


def refusal_reporter(engine: Engine, report_to: str | None) -> Callable[[OutboxItem, str], None]:
    """What the drainer calls when a row is refused; `report_to` is a user id or None."""

    def report(item: OutboxItem, error: str) -> None:
        if item.channel_id.startswith(DIRECT):
            return  # a notice that could not be delivered is only logged
        now = engine.clock.now()
        with engine.store.atomic():
            first = True
            if item.case_id is not None:
                earlier = engine.store.events(item.case_id)
                first = not any(e.kind is EventKind.DELIVERY_FAILED for e in earlier)
                engine.store.append_event(
                    item.case_id,
                    now,
                    SERENO,
                    EventKind.DELIVERY_FAILED,
                    {"message": item.card.kind.value, "error": error[:300]},
                )
            if first and report_to:
                engine.store.enqueue_to(
                    item.platform, DIRECT + report_to, None, _notice(engine, item, error), now
                )
        engine.notify()

    return report


def _notice(engine: Engine, item: OutboxItem, error: str) -> Card:
    ref = f"#{item.case_id}" if item.case_id is not None else ""
    title = (
        engine.say("delivery.refused_title", ref=ref)
        if ref
        else engine.say("delivery.refused_other_title")
    )
    lines = [engine.say("delivery.refused_why", kind=item.card.kind.value, error=error[:200])]
    if ref:
        lines.append(engine.say("delivery.refused_next", ref=ref))
    return Card(CardKind.NOTICE, title, tuple(lines))


def undelivered_line(engine: Engine, case_id: int) -> str | None:
    """For `/complaint show`: what the platform refused on this case, if anything."""
    failures = engine.store.outbox_failures(case_id)
    if not failures:
        return None
    items = ", ".join(f"{kind} ({error[:80]})" for kind, error in failures[:5])
    if len(failures) > 5:
        items += f", +{len(failures) - 5}"
    return engine.say("view.undelivered", items=items)
