"""A staff-only place for each case of a complaints channel customers can read (issue 11,
item 2): the real discord.py client against FakeDiscord.

#general is a channel `@everyone` can view. Without SERENO_DISCORD_STAFF_CHANNEL each
case gets a private thread (type 12, not invitable) in #general, holding its opener,
header, steps and suggestion; with it, the opener goes top-level to the staff channel
and the rest to a thread on the opener. Either way nothing reaches #general itself or a
public thread, and the customer can read no message of Sereno's. Sereno lacking Create
Private Threads, with no staff channel set, refuses the channel and tells the lead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.core.base.case import EventKind
from bot.core.base.ports import LanguageDetector
from bot.core.delivery.drainer import EDIT_GAP
from bot.settings import Settings
from tests.discord_harness import ENGLISH, command, eventually, kinds, sereno, step_message, titles
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_access import CREATE_PRIVATE_THREADS, MANAGE_THREADS
from tests.fakes.discord_api import FakeDiscord, RecordedRequest
from tests.fakes.discord_objects import text_channel
from tests.support import wait_delivered

Settings_for = Callable[..., Settings]
GUIDANCE = 4  # the opener, the header, the first step, the first suggestion


def _grant(fake: FakeDiscord, role: str, permission: int) -> None:
    found = fake.world.roles[role]
    found["permissions"] = str(int(found["permissions"]) | permission)


def _settings(fake: FakeDiscord, settings_for: Settings_for, **extra: str) -> Settings:
    w = fake.world
    return settings_for(
        SERENO_DISCORD_CHANNELS=str(w.channel_id("general")),
        SERENO_DISCORD_LEAD=str(w.owner_id),
        SERENO_DISCORD_AGENT_ROLE=str(w.role_id("Agents")),
        **extra,
    )


def _posted(fake: FakeDiscord, channel_id: int | str) -> list[RecordedRequest]:
    path = f"/channels/{channel_id}/messages"
    return [r for r in fake.requests("POST", path) if r.path == path and r.status == 200]


def _private_threads(fake: FakeDiscord) -> list[dict]:
    return [c for c in fake.world.channels.values() if c["type"] == dp.PRIVATE_THREAD]


def _nothing_where_customers_read(fake: FakeDiscord, msg: dict) -> None:
    general = fake.world.channel_id("general")
    assert _posted(fake, general) == [] and _posted(fake, msg["id"]) == []
    assert fake.requests("POST", f"/messages/{msg['id']}/threads") == []
    assert fake.visible_to("customer") == []


def _lead_dms(fake: FakeDiscord) -> list[RecordedRequest]:
    return [r for r in _all_posts(fake) if int(r.path.split("/")[2]) in fake.dm_channels]


def _all_posts(fake: FakeDiscord) -> list[RecordedRequest]:
    return [r for r in fake.requests("POST", "/messages") if r.path.endswith("/messages")]


async def test_a_private_thread_holds_the_case_where_customers_read_the_channel(
    fake: FakeDiscord,
    settings_for: Settings_for,
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = fake.world
    _grant(fake, "Sereno", CREATE_PRIVATE_THREADS)
    caplog.set_level(logging.INFO)
    async with sereno(fake, _settings(fake, settings_for), detector) as app:
        msg = await fake.user_message(ENGLISH, channel="general")
        thread = (await eventually(lambda: _private_threads(fake)))[0]
        posts = await fake.wait_for("POST", f"/channels/{thread['id']}/messages", count=GUIDANCE)
        case = await eventually(lambda: app.store.find_case_by_thread("discord", thread["id"]))
        await wait_delivered(app.store, "discord")
        assert case.message_id == msg["id"] and case.staff_thread_id == thread["id"]
    assert thread["parent_id"] == str(w.channel_id("general"))
    assert thread["thread_metadata"]["invitable"] is False
    assert thread["name"].startswith("Case #1") and len(thread["name"]) <= 100
    opener, header, *_ = titles(posts)
    assert opener.startswith("Case #1") and header.startswith("Case #1 · ")
    jump = f"https://discord.com/channels/{w.guild_id}/{w.channel_id('general')}/{msg['id']}"
    assert posts[0].json["embeds"][0]["url"] == jump
    assert ENGLISH[:40] in str(posts[0].json["embeds"][0])
    assert w.user_id("owner") in w.thread_members[int(thread["id"])]  # the lead, added
    _nothing_where_customers_read(fake, msg)
    assert {int(m["id"]) for m in fake.visible_to("agent")} == set()  # not added, no Manage
    said = [r.getMessage() for r in caplog.records if "private thread" in r.getMessage()]
    assert any("Manage Threads" in line for line in said), said


async def test_a_staff_channel_holds_the_case_where_customers_read_the_channel(
    fake: FakeDiscord, settings_for: Settings_for, detector: LanguageDetector
) -> None:
    w = fake.world
    room = w.add_channel(
        text_channel(w.ids.next(), w.guild_id, "team-room", position=5, overwrites=w.staff_only())
    )
    settings = _settings(fake, settings_for, SERENO_DISCORD_STAFF_CHANNEL=room["id"])
    async with sereno(fake, settings, detector) as app:
        msg = await fake.user_message(ENGLISH, channel="general")
        [opener] = await fake.wait_for("POST", f"/channels/{room['id']}/messages")
        opener_id = opener.response["id"]
        posts = await fake.wait_for("POST", f"/channels/{opener_id}/messages", count=GUIDANCE - 1)
        case = await eventually(lambda: app.store.find_case_by_thread("discord", opener_id))
        await wait_delivered(app.store, "discord")
        # an agent's message and a ✅ in the staff thread work as in a case thread
        await fake.user_message("On it, checking the order", author="agent", channel=opener_id)
        await fake.react(step_message(app, case.id), "✅", user="agent")
        await eventually(lambda: EventKind.STEP_DONE in kinds(app, case.id))
        await eventually(lambda: EventKind.AGENT_MESSAGE in kinds(app, case.id))
    assert case.message_id == msg["id"]
    assert titles(posts)[0].startswith("Case #1 · ")
    assert fake.requests("POST", f"/channels/{room['id']}/messages/{opener_id}/threads")
    assert _private_threads(fake) == []
    _nothing_where_customers_read(fake, msg)


async def test_a_tick_on_a_step_in_the_private_thread_marks_it(
    fake: FakeDiscord, settings_for: Settings_for, detector: LanguageDetector
) -> None:
    _grant(fake, "Sereno", CREATE_PRIVATE_THREADS)
    async with sereno(fake, _settings(fake, settings_for), detector) as app:
        msg = await fake.user_message(ENGLISH, channel="general")
        thread = (await eventually(lambda: _private_threads(fake)))[0]
        await fake.wait_for("POST", f"/channels/{thread['id']}/messages", count=GUIDANCE)
        case = await eventually(lambda: app.store.find_case_by_thread("discord", msg["id"]))
        await wait_delivered(app.store, "discord")
        await fake.react(step_message(app, case.id), "✅", user="agent")
        await eventually(lambda: EventKind.STEP_DONE in kinds(app, case.id))
        await fake.user_message("Refund issued", author="agent", channel=thread["id"])
        await eventually(lambda: EventKind.AGENT_MESSAGE in kinds(app, case.id))
        # /complaint in the private thread finds its case without naming it
        await command(fake, "note", {"text": "called her"}, channel=thread["id"])
        await eventually(lambda: EventKind.NOTE in kinds(app, case.id))
        # the header is edited at most once every EDIT_GAP: its latest content, held back
        # since the ✅'s edit, goes once the gap has passed
        app.engine.clock.advance(seconds=EDIT_GAP.total_seconds())  # type: ignore[attr-defined]
        app.engine.notify()
        await wait_delivered(app.store, "discord")
    _nothing_where_customers_read(fake, msg)
    edits = fake.requests("PATCH", "/messages/")
    assert edits and all(r.path.startswith(f"/channels/{thread['id']}/") for r in edits), edits


@pytest.mark.parametrize("why", ["no-permission", "moderators-manage-threads"])
async def test_no_private_thread_and_no_staff_channel_refuses_the_channel(
    fake: FakeDiscord,
    settings_for: Settings_for,
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
    why: str,
) -> None:
    w = fake.world
    if why == "moderators-manage-threads":  # they would see every private thread
        _grant(fake, "Sereno", CREATE_PRIVATE_THREADS)
        w.add_role("Moderators", permissions=dp.MEMBER_PERMISSIONS | MANAGE_THREADS)
    async with sereno(fake, _settings(fake, settings_for), detector) as app:
        msg = await fake.user_message(ENGLISH, channel="general")
        [dm] = await eventually(lambda: _lead_dms(fake) or None)
        assert app.store.find_case_by_thread("discord", msg["id"]) is None
    description = dm.json["embeds"][0]["description"]
    assert "SERENO_DISCORD_STAFF_CHANNEL" in description
    expected = {
        "no-permission": "Sereno lacks Create Private Threads",
        "moderators-manage-threads": "role @Moderators has Manage Threads",
    }[why]
    assert expected in description
    assert fake.requests("POST", "/threads") == [] and _private_threads(fake) == []
    _nothing_where_customers_read(fake, msg)
    refusals = [r.getMessage() for r in caplog.records if r.name == "bot.core.cases.audience"]
    assert len(refusals) == 1 and "SERENO_DISCORD_STAFF_CHANNEL" in refusals[0]


async def test_a_staff_channel_customers_can_read_is_not_used(
    fake: FakeDiscord,
    settings_for: Settings_for,
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = fake.world
    lobby = w.add_channel(text_channel(w.ids.next(), w.guild_id, "lobby", position=6))
    settings = _settings(fake, settings_for, SERENO_DISCORD_STAFF_CHANNEL=lobby["id"])
    async with sereno(fake, settings, detector) as app:
        msg = await fake.user_message(ENGLISH, channel="general")
        await eventually(lambda: _lead_dms(fake) or None)
        assert app.store.find_case_by_thread("discord", msg["id"]) is None
    [line] = [
        r.getMessage() for r in caplog.records if "SERENO_DISCORD_STAFF_CHANNEL:" in r.getMessage()
    ]
    assert lobby["id"] in line and "@everyone can view it" in line
    assert _posted(fake, lobby["id"]) == []
    _nothing_where_customers_read(fake, msg)
