"""What goes wrong with Sereno itself is told to the lead once, in a direct message:
an event the inbox set aside, damage found in the database.

Never in a channel: the channel may be one customers read. The log always has
the line, and `sereno doctor` lists a set-aside event until it is tried again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.core.base.cards import Card, CardKind
from bot.core.cases.engine import Engine
from bot.core.delivery.inbox import Parked
from bot.core.delivery.inbox_rows import InboxRow
from bot.core.delivery.refusals import DIRECT


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
                    received=engine.config.show_time(row.received_at),
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


def damage_reporter(engine: Engine, leads: Mapping[str, str | None]) -> Callable[[str], None]:
    """What the database check calls when it finds damage: one notice per platform's lead."""

    def report(problem: str) -> None:
        card = Card(
            CardKind.NOTICE,
            engine.say("storage.damaged_title"),
            (
                engine.say("storage.damaged_why", problem=problem[:200]),
                engine.say("storage.damaged_next"),
            ),
        )
        now = engine.clock.now()
        try:
            with engine.store.atomic():
                for platform, lead in leads.items():
                    if lead:
                        engine.store.enqueue_to(platform, DIRECT + lead, None, card, now)
        except Exception:  # a damaged file may refuse the write too: the log has the line
            return
        engine.notify()

    return report
