"""Catch-up after downtime through the served process (issue 10, item 3).

Sereno is stopped; customers go on posting in a complaints channel (the fake keeps
the messages in the channel's history and delivers no event, as Slack gives up
and Discord never redelivers to a new session); Sereno starts again and opens
each of them, once: a second restart opens nothing more. Installing Sereno never
turns old history into cases: the first start reads nothing from before it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import discord
import pytest
import pytest_asyncio

from tests.acceptance.chat import GUIDANCE_WITHIN, Chat, timing_settings
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import Served, stays, until
from tests.acceptance.slack_chat import USERS, SlackChat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
MISSED = 3
CUSTOMERS = ("U-ines", "U-marta", "U-pablo")
COMPLAINT = "My order arrived broken and nobody answers my emails. I want a refund now."


@pytest_asyncio.fixture(loop_scope="session", params=["slack-http", "slack-socket", "discord"])
async def away(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Chat]:
    """A platform and its own `sereno run`, on a database no other test shares."""
    name: str = request.param
    workdir = tmp_path_factory.mktemp(f"catch-up-{name}")
    async with contextlib.AsyncExitStack() as stack:
        chat: Chat
        if name == "discord":
            chat = DiscordChat(await stack.enter_async_context(FakeDiscord()))
            for customer in CUSTOMERS:  # one customer's own messages would join her case
                chat.fake.world.add_user(customer, customer[2:])
        else:
            users = {**USERS, **{c: c[2:] for c in CUSTOMERS}}
            fake = await stack.enter_async_context(FakeSlack(users=users))
            chat = SlackChat(fake, socket_mode=name == "slack-socket")
        config = {**chat.settings(), **timing_settings(), "SERENO_DB": str(workdir / "x.db")}
        chat.attach(Served(workdir, config))
        stack.push_async_callback(chat.served.close)
        yield chat


def _post_while_away(chat: Chat, room: str, text: str, n: int) -> str:
    """A customer's message that reaches only the channel's history; its id."""
    if isinstance(chat, SlackChat):
        ts = f"{time.time() + n * 0.001:.6f}"
        chat.fake.add_history(room, f"{text} ({n})", user=CUSTOMERS[n % len(CUSTOMERS)], ts=ts)
        return ts
    assert isinstance(chat, DiscordChat)
    snowflake = discord.utils.time_snowflake(datetime.now(UTC)) + n
    author = CUSTOMERS[n % len(CUSTOMERS)]
    data = chat.fake.add_history(f"{text} ({n})", author=author, channel=room, message_id=snowflake)
    return str(data["id"])


def _opening(title: str) -> bool:
    """A case's opening posts (its header and first step); pings come later, by design."""
    return title.startswith(("Case #", "Step 1/"))


def _count(chat: Chat, sql: str) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{chat.served.db}?mode=ro", uri=True)) as db:
        return int(db.execute(sql).fetchone()[0])


def _cases(chat: Chat) -> int:
    return _count(chat, "SELECT count(*) FROM cases")


def _undelivered(chat: Chat) -> int:
    return _count(chat, "SELECT count(*) FROM outbox WHERE status = 'pending'")


async def test_a_restart_opens_every_complaint_posted_while_away_exactly_once(
    away: Chat,
) -> None:
    room = away.new_room()
    old = _post_while_away(away, room, "Posted before Sereno was installed", 0)
    await away.start()
    first = await away.complain(COMPLAINT, room=room)  # live: Sereno is serving
    assert away.posts(old) == []  # the first start read nothing from before it
    assert await away.served.stop() in (0, 143)

    missed = [_post_while_away(away, room, COMPLAINT, n) for n in range(1, MISSED + 1)]
    await away.start()
    for thread in missed:
        posts = await away.wait_posts(thread, count=3, timeout=GUIDANCE_WITHIN * 3)
        assert posts[0].title.startswith("Case #"), posts[0].title
    await until(
        lambda: _cases(away) == 1 + MISSED, timeout=5, what="four cases", served=away.served
    )

    await away.served.stop()
    await away.start()
    threads = [first.id, *missed]

    def opened_once() -> bool:
        firsts = [[p.title for p in away.posts(t) if _opening(p.title)] for t in threads]
        return _cases(away) == 1 + MISSED and all(len(f) == 2 for f in firsts)

    await stays(
        opened_once,
        seconds=2.0,
        what=lambda: f"each case opened once: {[away.titles(t) for t in threads]}",
        served=away.served,
    )
    assert away.posts(old) == []
