"""Complaints on Discord: threads, forum posts, timeline messages, edits, deletes, replays."""

from __future__ import annotations

import pytest

from bot.core.base.case import EventKind
from bot.wiring import App
from tests.discord_harness import (
    ENGLISH,
    SPANISH,
    custom_ids,
    eventually,
    guidance,
    kinds,
    open_complaint,
)
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_api import FakeDiscord


@pytest.mark.parametrize(("text", "language"), [(SPANISH, "es"), (ENGLISH, "en")])
async def test_complaint_opens_thread_with_header_step_and_suggestion(
    fake: FakeDiscord, app: App, text: str, language: str
) -> None:
    msg = await fake.user_message(text)
    support = fake.world.channel_id("support")
    [thread] = await fake.wait_for("POST", f"/channels/{support}/messages/{msg['id']}/threads")
    assert thread.json["name"].startswith("Case #1 · ")
    header, step, suggestion = await guidance(fake, msg["id"])
    assert header.startswith("Case #1 · ") and header.endswith(f"· {language}")
    assert step.startswith("Step 1/")
    assert suggestion.startswith(f"Suggested reply ({language})")
    posted = [
        fake.messages[int(r.response["id"])]
        for r in fake.requests("POST", f"/channels/{msg['id']}/messages")
    ]
    assert custom_ids(posted[0]) == [  # the buttons, then the reading's menu (issue 14)
        "sereno:claim|1",
        "sereno:resolve|1",
        "sereno:letgo|1",
        "sereno:reading/1",
    ]
    assert custom_ids(posted[1])[0].startswith("sereno:step-done|1:")
    await fake.wait_for("PUT", "/reactions/⏩/@me")  # step messages offer ✅ and ⏩
    case = app.store.get_case(1)
    assert case is not None and case.reading.language == language
    assert (case.channel_id, case.message_id, case.thread_id) == (
        str(support),
        msg["id"],
        msg["id"],
    )


async def test_forum_post_is_its_own_thread(fake: FakeDiscord, app: App) -> None:
    w = fake.world
    forum = w.channel_id("escalations")
    post_id = fake.ids.next()
    thread = w.add_channel(dp.thread(post_id, w.guild_id, forum, w.user_id("customer"), "Refund"))
    await fake.dispatch("THREAD_CREATE", dp.thread_create(thread))
    starter = dp.message_create(
        post_id,
        post_id,
        w.users["customer"],
        ENGLISH,
        guild_id=w.guild_id,
        roles=w.role_ids("customer"),
    )
    fake.messages[post_id] = starter
    await fake.dispatch("MESSAGE_CREATE", starter)
    header, _, _ = await guidance(fake, post_id)
    assert header.startswith("Case #1")
    assert not fake.requests("POST", "/threads")
    case = app.store.get_case(1)
    assert case is not None and (case.channel_id, case.thread_id) == (str(forum), str(post_id))
    await fake.user_message("Still waiting!!", channel=post_id)
    await eventually(lambda: EventKind.CUSTOMER_MESSAGE in kinds(app, 1))


async def test_thread_messages_join_the_timeline_and_bots_are_ignored(
    fake: FakeDiscord, app: App
) -> None:
    msg, case_id = await open_complaint(fake, app)
    await fake.user_message("Any news???", channel=msg["id"])
    await fake.user_message("On it, checking with the carrier.", author="agent", channel=msg["id"])
    await eventually(lambda: EventKind.AGENT_MESSAGE in kinds(app, case_id))
    await fake.user_message("beep: order 48213 is late!!!", author="helper")
    await fake.user_message("Team: couriers are late today, expect complaints", author="agent")
    await fake.user_message("I am a bot in the thread", author="helper", channel=msg["id"])
    await fake.user_message("the bot itself", author="bot")
    await fake.user_message("sync point", author="agent", channel=msg["id"])
    await eventually(
        lambda: len([k for k in kinds(app, case_id) if k is EventKind.AGENT_MESSAGE]) == 2
    )
    assert app.store.get_case(2) is None
    events = app.store.events(case_id)
    assert {e.actor_name for e in events} == {"Casey", "Alex"}
    assert [e.kind for e in events if e.actor_name == "Casey"] == [
        EventKind.OPENED,
        EventKind.CUSTOMER_MESSAGE,
    ]


async def test_edits_and_deletes_are_recorded(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    edited = {
        **msg,
        "content": "My order arrived broken. Please help.",
        "edited_timestamp": dp.timestamp(fake.ids.next()),
    }
    await fake.dispatch("MESSAGE_UPDATE", edited)
    reply = await fake.user_message("Hello?", channel=msg["id"])
    await fake.dispatch(
        "MESSAGE_DELETE",
        {"id": reply["id"], "channel_id": msg["id"], "guild_id": str(fake.world.guild_id)},
    )
    await eventually(lambda: EventKind.MESSAGE_DELETED in kinds(app, case_id))
    [change] = [e for e in app.store.events(case_id) if e.kind is EventKind.MESSAGE_EDITED]
    assert change.details["new_text"] == edited["content"] and change.details["complaint"]
    assert app.store.get_case(case_id).text == ENGLISH  # type: ignore[union-attr]


async def test_a_message_delivered_twice_opens_one_case(fake: FakeDiscord, app: App) -> None:
    msg = await fake.user_message(ENGLISH)
    await fake.dispatch("MESSAGE_CREATE", msg)  # a gateway resume replays it
    await guidance(fake, msg["id"])
    fake.world.add_user("robin", "robin")  # casey's own second message would join her case
    second = await fake.user_message("Another problem: billing twice!!", author="robin")
    await guidance(fake, second["id"])
    assert len(fake.requests("POST", f"/messages/{msg['id']}/threads")) == 1
    assert app.store.get_case(2) is not None and app.store.get_case(3) is None
    assert kinds(app, 1).count(EventKind.OPENED) == 1
