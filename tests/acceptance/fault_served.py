"""What the Slack tests of the fault battery share: Sereno served on a FakeSlack, one
complaint served end to end before a fault, complaints sent during a fault."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from tests.acceptance.chat import GUIDANCE_WITHIN
from tests.acceptance.faults import (
    CARDS,
    Complaint,
    SlackSender,
    Tally,
    complaint,
    later,
    served,
    slack_config,
    slack_threads,
)
from tests.acceptance.served import START_WITHIN, until
from tests.acceptance.slack_chat import SlackChat
from tests.fakes.slack_api import FakeSlack

FAULT_COMPLAINTS = 5  # sent while the lock is held / the disk is full
RECOVER = GUIDANCE_WITHIN + 30.0  # after a fault ends: backoffs of the outbox and the inbox


@contextlib.asynccontextmanager
async def slack_served(
    workdir: Path, users: dict[str, str], db_dir: Path | None = None, **extra: str
) -> AsyncIterator[tuple[SlackChat, Path]]:
    """A FakeSlack with `users`, and `sereno run` serving it over HTTP (started)."""
    async with FakeSlack(users=users) as fake:
        chat = SlackChat(fake, socket_mode=False)
        db = (db_dir or workdir / "db") / "x.db"
        chat.attach(served(workdir, slack_config(chat.settings(), db, **extra)))
        try:
            await chat.start()
            yield chat, db
        finally:
            await chat.served.close()


async def warm_up(chat: SlackChat, sender: SlackSender, user: str) -> None:
    """One complaint served end to end before the fault (the reading models are loaded)."""
    c = complaint(chat.fake, -1, chat.rooms[-1], user)
    assert await sender.deliver(c), f"warm-up complaint not acknowledged: {c.answers}"
    await until(
        lambda: set(CARDS) <= set(slack_threads(chat.fake).get(c.ts, [])),
        timeout=GUIDANCE_WITHIN + START_WITHIN,
        what="the warm-up complaint's guidance",
        served=chat.served,
    )


async def faulty_period(
    chat: SlackChat, sender: SlackSender, ids: list[str], seconds: float
) -> tuple[list[Complaint], list[asyncio.Task[bool]]]:
    """FAULT_COMPLAINTS complaints posted over `seconds`, each delivered as Slack does."""
    sent: list[Complaint] = []
    room = chat.new_room()

    async def post(n: int) -> bool:
        c = complaint(chat.fake, n, room, ids[n])
        sent.append(c)
        return await sender.deliver(c)

    tasks = [
        asyncio.create_task(later(n * seconds / FAULT_COMPLAINTS, lambda n=n: post(n)))
        for n in range(FAULT_COMPLAINTS)
    ]
    return sent, tasks


def bit(tally: Tally, log: str, words: tuple[str, ...]) -> bool:
    """Did the fault reach Sereno: an answer other than 200, or its error in the log?"""
    return any(a != "200" for a in tally.answers) or any(w in log for w in words)
