"""An event the inbox set aside is told to the lead once, in a direct message.

Never in a channel: the channel may be one customers read. The log always has
the line, and `sereno doctor` lists the event until it is tried again.
"""

from __future__ import annotations

from bot.core.cards import Card, CardKind
from bot.core.engine import Engine
from bot.core.inbox import Parked
from bot.core.inbox_rows import InboxRow
from bot.core.refusals import DIRECT


def parked_reporter(engine: Engine, platform: str, lead: str | None) -> Parked:
    """What the inbox worker calls when it parks a row; `lead` is a user id or None."""

    def report(row: InboxRow, error: str) -> None:
        if not lead:
            return
        card = Card(
            CardKind.NOTICE,
            engine.say("inbox.parked_title"),
            (
                engine.say(
                    "inbox.parked_why",
                    kind=row.kind,
                    received=row.received_at.strftime("%Y-%m-%d %H:%M UTC"),
                    attempts=row.attempts + 1,
                    error=error[:200],
                ),
                engine.say("inbox.parked_next"),
            ),
        )
        with engine.store.atomic():
            engine.store.enqueue_to(platform, DIRECT + lead, None, card, engine.clock.now())
        engine.notify()

    return report
