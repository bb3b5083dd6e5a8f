"""A Discord complaints channel customers can read, worked in a private thread per case,
through the served process (issue 11, item 2).

One `sereno run` serves a public #community (`@everyone` views it) with no
SERENO_DISCORD_STAFF_CHANNEL set, and Sereno may create private threads there. A customer
complaining in #community gets a case; its opener, header, step, suggestion and its
first-response ping all land in a private thread (type 12, not invitable) Sereno made in
#community, and the customer can read no message of Sereno's at any point: nothing in
#community itself, nothing in a public thread on their message.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.acceptance.chat import (
    ANSWER_WITHIN,
    COMPLAINT,
    FIRST_RESPONSE,
    GUIDANCE_WITHIN,
    PING_LATE_AT_MOST,
    first_response_ping,
    timing_settings,
)
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import Served, until
from tests.fakes.discord_access import CREATE_PRIVATE_THREADS
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_objects import PRIVATE_THREAD, text_channel

pytestmark = pytest.mark.asyncio(loop_scope="session")
GUIDANCE = 4  # the opener, the header, the first step, the first suggestion
MARGIN = 2.0


@pytest_asyncio.fixture(loop_scope="session")
async def community(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DiscordChat]:
    """A guild with a public #community Sereno may make private threads in, and its own
    `sereno run` (no staff channel: the default, private threads)."""
    workdir = tmp_path_factory.mktemp("staff-discord")
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeDiscord())
        chat = DiscordChat(fake)
        w = fake.world
        sereno = w.roles["Sereno"]
        sereno["permissions"] = str(int(sereno["permissions"]) | CREATE_PRIVATE_THREADS)
        public = w.add_channel(text_channel(w.ids.next(), w.guild_id, "community", position=8))
        settings = chat.settings()
        config = {
            **settings,
            **timing_settings(),
            "SERENO_DB": str(workdir / "x.db"),
            "SERENO_DISCORD_CHANNELS": f"{settings['SERENO_DISCORD_CHANNELS']},{public['id']}",
            "SERENO_DISCORD_LEAD": str(w.owner_id),
        }
        chat.attach(Served(workdir, config))
        stack.push_async_callback(chat.served.close)
        await chat.start()
        yield chat


async def test_the_customer_sees_nothing_and_the_ping_lands_in_the_private_thread(
    community: DiscordChat,
) -> None:
    fake, served = community.fake, community.served
    w = fake.world
    public = str(w.channel_id("community"))
    complaint = await fake.user_message(COMPLAINT, author="customer", channel=public)
    complained = time.monotonic()

    def private_threads() -> list[dict]:
        return [
            c
            for c in w.channels.values()
            if c["type"] == PRIVATE_THREAD and c["parent_id"] == public
        ]

    [thread] = await until(
        private_threads, timeout=GUIDANCE_WITHIN, what="a private thread", served=served
    )
    assert thread["thread_metadata"]["invitable"] is False
    await until(  # the lead is added right after the thread is made
        lambda: w.user_id("owner") in w.thread_members.get(int(thread["id"]), ()) or None,
        timeout=ANSWER_WITHIN,
        what="the lead added to the private thread",
        served=served,
    )
    posts = await until(
        lambda: (
            community.posts(thread["id"])
            if len(community.posts(thread["id"])) >= GUIDANCE
            else None
        ),
        timeout=GUIDANCE_WITHIN,
        what=lambda: f"guidance in the private thread: {community.titles(thread['id'])}",
        served=served,
    )
    assert posts[0].title.startswith("Case #") and posts[1].title.startswith("Case #")
    case = int(re.match(r"Case #(\d+)", posts[0].title).group(1))  # type: ignore[union-attr]
    assert fake.visible_to("customer") == []

    needle = first_response_ping(case)
    timeout = FIRST_RESPONSE + PING_LATE_AT_MOST + MARGIN - (time.monotonic() - complained)
    await community.wait_posts(thread["id"], lambda p: needle in p.text, timeout=max(timeout, 1))

    assert fake.visible_to("customer") == []  # the ping too: only in the private thread
    touched = (f"/channels/{public}/messages", f"/channels/{complaint['id']}")
    sent = [
        f"{r.method} {r.path}"
        for r in fake.recorded
        if r.method in ("POST", "PATCH", "PUT") and r.path.startswith(touched)
    ]
    assert sent == [], sent
