"""Correcting the reading from Discord (issue 14 item 4), through `sereno run` on Discord
as a team runs it (environment variables only), against FakeDiscord (which refuses
selects and command syncs Discord would refuse, and lets people choose only options a
message shows).

A customer complains in a public #community; the case is worked in a private thread.
An agent picks "kind: rude" in the header's "Correct the reading…" select: only they
are told, with the re-planned steps, and the header is edited to say so, the select
still on it. `/complaint reading intensity 3 threats legal` in the thread corrects
again through the same core path. The customer choosing in the select is refused
politely; the customer reads nothing of all this, at any point.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.acceptance.chat import ANSWER_WITHIN, COMPLAINT, GUIDANCE_WITHIN
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import Served, until
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_access import CREATE_PRIVATE_THREADS
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_objects import PRIVATE_THREAD, text_channel

pytestmark = pytest.mark.asyncio(loop_scope="session")
GUIDANCE = 4  # the opener, the header, the first step, the first suggestion
STRING_SELECT = 3


@pytest_asyncio.fixture(loop_scope="session")
async def community(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DiscordChat]:
    """A guild with a public #community worked in private threads, and its `sereno run`."""
    workdir = tmp_path_factory.mktemp("corrections-discord")
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
            "SERENO_DB": str(workdir / "x.db"),
            "SERENO_FIRST_RESPONSE": "1h",
            "SERENO_DISCORD_CHANNELS": f"{settings['SERENO_DISCORD_CHANNELS']},{public['id']}",
        }
        chat.attach(Served(workdir, config))
        stack.push_async_callback(chat.served.close)
        await chat.start()
        yield chat


def select_of(message: dict[str, Any]) -> dict[str, Any] | None:
    for row in message.get("components") or []:
        for item in row["components"]:
            if item["type"] == STRING_SELECT:
                return dict(item)
    return None


async def answer_to(chat: DiscordChat, sent: dict[str, Any]) -> dict[str, Any]:
    [callback, *_] = await chat.fake.wait_for(
        "POST", f"/interactions/{sent['id']}/", timeout=ANSWER_WITHIN
    )
    return dict(callback.json)


async def header_edited(chat: DiscordChat, thread: str, header: str, needle: str) -> dict:
    """The latest edit of the header whose text holds `needle`."""
    path = f"/channels/{thread}/messages/{header}"

    def found() -> dict | None:
        edits = [
            r.json
            for r in chat.fake.requests("PATCH", path)
            if r.status == 200 and r.json and needle in str(r.json.get("embeds"))
        ]
        return edits[-1] if edits else None

    return await until(
        found,
        timeout=ANSWER_WITHIN,
        what=f"the header edited to say {needle!r}",
        served=chat.served,
    )


async def test_an_agent_corrects_from_the_select_and_the_subcommand_and_the_customer_sees_nothing(
    community: DiscordChat,
) -> None:
    fake, served = community.fake, community.served
    w = fake.world
    public = str(w.channel_id("community"))
    complaint = await fake.user_message(COMPLAINT, author="customer", channel=public)
    [thread] = await until(
        lambda: [
            c
            for c in w.channels.values()
            if c["type"] == PRIVATE_THREAD and c["parent_id"] == public
        ],
        timeout=GUIDANCE_WITHIN,
        what="a private thread",
        served=served,
    )
    thread_id = str(thread["id"])
    posts = await until(
        lambda: community.posts(thread_id) if len(community.posts(thread_id)) >= GUIDANCE else None,
        timeout=GUIDANCE_WITHIN,
        what=lambda: f"guidance in the private thread: {community.titles(thread_id)}",
        served=served,
    )
    header = next(p for p in posts if re.match(r"Case #\d+ · ", p.title))
    case = int(re.match(r"Case #(\d+)", header.title).group(1))  # type: ignore[union-attr]
    [first_step] = [p for p in posts if p.title.startswith("Step 1/")]
    steps = re.match(r"Step 1/(\d+) ", first_step.title)
    assert steps, first_step.title
    select = select_of(fake.messages[int(header.id)])
    assert select is not None and select["custom_id"] == f"sereno:reading/{case}"
    assert select["placeholder"] == "Correct the reading…"

    # the menu: one choice, told to the agent alone, the header edited
    chosen = await answer_to(community, await fake.choose(header.id, f"{case}:kind=rude"))
    assert chosen["data"]["flags"] & dp.EPHEMERAL
    told = chosen["data"]["content"]
    assert f"Reading of #{case} corrected: kind unknown → rude" in told, told
    assert "New steps: Rude customer: never insult back" in told
    edited = await header_edited(community, thread_id, header.id, "rude (corrected by")
    again = select_of(edited)
    assert again is not None
    assert any(o["label"] == "kind: rude ✓" for o in again["options"]), again["options"]

    # ✅ on the step shown: the next card counts the step the correction added
    await fake.react(first_step.id, "✅", user="agent")
    [following] = await community.wait_posts(
        thread_id, lambda p: p.title.startswith("Step ") and p.id != first_step.id
    )
    assert f"/{int(steps[1]) + 1} · " in following.title, following.title

    # the subcommand, in the thread (the case implied), the same core path
    sent = await fake.invoke_command(
        "complaint",
        {"intensity": 3, "threats": "legal"},
        subcommand="reading",
        user="agent",
        channel=thread_id,
    )
    typed = await answer_to(community, sent)
    assert typed["data"]["flags"] & dp.EPHEMERAL
    assert "intensity" in typed["data"]["content"] and "legal" in typed["data"]["content"]
    await header_edited(community, thread_id, header.id, "3/3")

    # the customer tries the select: refused politely, nothing changes
    refused = await answer_to(
        community, await fake.choose(header.id, f"{case}:kind=talkative", user="customer")
    )
    assert refused["data"]["flags"] & dp.EPHEMERAL
    assert "Only the support team can do that." in refused["data"]["content"]
    shown = await community.command(thread_id, "reading")
    assert "talkative" not in shown and "rude" in shown

    # the customer reads nothing of Sereno's, and nothing was written where they read
    assert fake.visible_to("customer") == []
    touched = (f"/channels/{public}/messages", f"/channels/{complaint['id']}")
    sent_there = [
        f"{r.method} {r.path}"
        for r in fake.recorded
        if r.method in ("POST", "PATCH", "PUT") and r.path.startswith(touched)
    ]
    assert sent_there == [], sent_there
