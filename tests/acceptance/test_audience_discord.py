"""A Discord complaints channel customers can read, through the served process (issue 11,
items 1 and 2's refusal).

One `sereno run` serves two complaint channels of one guild: one `@everyone` can view (a
community channel) and one hidden from everyone but the agents. A customer complaining
in the public one gets nothing from Sereno — no thread, no header, no step, no
suggestion — and the lead gets one direct message naming the channel and the settings;
a complaint in the internal one, in the same process, is guided as usual. The refusal
needs both: no SERENO_DISCORD_STAFF_CHANNEL, and no private thread possible (Sereno lacks
Create Private Threads, as in the fake's default world); tests/acceptance/
test_staff_discord.py has the private thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.acceptance.chat import COMPLAINT, GUIDANCE_WITHIN, timing_settings
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import Served, stays, until
from tests.fakes.discord_api import FakeDiscord, RecordedRequest
from tests.fakes.discord_objects import text_channel

pytestmark = pytest.mark.asyncio(loop_scope="session")
QUIET_FOR = 2.0  # how long the public channel is watched for anything Sereno might post


@pytest_asyncio.fixture(loop_scope="session")
async def community(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DiscordChat]:
    """A guild with the driver's internal rooms and a public #community, and its own
    `sereno run` (the lead is the owner, a person, so refusals reach them by DM)."""
    workdir = tmp_path_factory.mktemp("audience-discord")
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeDiscord())
        chat = DiscordChat(fake)
        w = fake.world
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


def _told(fake: FakeDiscord, channel_id: str) -> list[RecordedRequest]:
    """Direct messages about `channel_id` (to the lead: the only person Sereno DMs here)."""
    return [
        r
        for r in fake.requests("POST", "/messages")
        if int(r.path.split("/")[2]) in fake.dm_channels
        and r.status == 200
        and channel_id in (r.json or {}).get("embeds", [{}])[0].get("title", "")
    ]


def _anything_for(fake: FakeDiscord, message_id: str, channel_id: str) -> list[str]:
    """What Sereno sent for a message: a thread on it, posts in it or in its channel."""
    touched = (f"/channels/{channel_id}/messages", f"/channels/{message_id}")
    return [
        f"{r.method} {r.path}"
        for r in fake.recorded
        if r.method in ("POST", "PATCH", "PUT") and r.path.startswith(touched)
    ]


async def test_a_channel_everyone_can_view_gets_nothing_and_the_lead_one_message(
    community: DiscordChat,
) -> None:
    fake, served = community.fake, community.served
    public = str(fake.world.channel_id("community"))

    first = await fake.user_message(COMPLAINT, author="customer", channel=public)
    [dm] = await until(
        lambda: _told(fake, public), timeout=GUIDANCE_WITHIN, what="the lead told", served=served
    )
    description = dm.json["embeds"][0]["description"]
    assert "@everyone can view it" in description
    assert "SERENO_DISCORD_INTERNAL_CHANNELS" in description
    assert "SERENO_DISCORD_STAFF_CHANNEL" in description
    assert "Sereno lacks Create Private Threads" in description
    second = await fake.user_message("Still nothing?! Refund me now.", channel=public)

    # an internal channel of the same process is guided as usual
    thread = await community.complain()
    assert community.titles(thread.id)[0].startswith(f"Case #{thread.case} · ")

    def nothing_public() -> bool:
        sent = [_anything_for(fake, m["id"], public) for m in (first, second)]
        return sent == [[], []] and len(_told(fake, public)) == 1

    await stays(
        nothing_public,
        seconds=QUIET_FOR,
        what=lambda: f"nothing in #community, one DM: {_anything_for(fake, first['id'], public)}",
        served=served,
    )
    refusals = [line for line in served.stderr().splitlines() if "opens no case;" in line]
    assert len(refusals) == 1 and public in refusals[0], refusals
