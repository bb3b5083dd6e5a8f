"""The Discord adapter end to end: the real discord.py client against FakeDiscord."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.core.cards import Card, CardKind
from bot.core.case import EventKind
from bot.core.commands import USAGE
from bot.core.model import StepState
from bot.core.ports import LanguageDetector
from bot.settings import Settings, SettingsError
from bot.wiring import App, build
from handlers.discord import render, serve
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_api import FakeDiscord, RecordedRequest, running_fake_discord
from tests.support import FakeClock

T = TypeVar("T")
SPANISH = (
    "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! "
    "Si no me devuelven el dinero no vuelvo a comprar."
)
ENGLISH = (
    "My order 48213 arrived broken and nobody answers my emails. "
    "This is unacceptable, I want a refund now!"
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No unclosed aiohttp sessions, no exception escaping an event handler."""
    yield
    gc.collect()  # aiohttp reports unclosed sessions from __del__
    bad = ("Unclosed", "Ignoring exception", "outbox loop failed")
    assert not [r.getMessage() for r in caplog.records if r.getMessage().startswith(bad)]


def discord_settings(fake: FakeDiscord, db_path: Path, **extra: str) -> Settings:
    """Settings as an operator would write them in .env, pointed at the fake."""
    w = fake.world
    channels = f"{w.channel_id('support')},{w.channel_id('escalations')}"
    return Settings.from_env(
        {
            "SERENO_DB": str(db_path),
            "DISCORD_BOT_TOKEN": fake.token,
            "DISCORD_API_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "SERENO_DISCORD_CHANNELS": channels,
            "SERENO_DISCORD_READY_TIMEOUT": "50ms",
            **extra,
        }
    )


@contextlib.asynccontextmanager
async def sereno(
    fake: FakeDiscord, settings: Settings, detector: LanguageDetector
) -> AsyncIterator[App]:
    """Run `serve(app)` until the block ends, as `sereno discord` would."""
    app = build(settings, clock=FakeClock(), detector=detector)
    starts = len(fake.requests("PUT", "/commands"))
    task = asyncio.create_task(serve(app))
    try:
        await fake.wait_for("PUT", "/commands", count=starts + 1, timeout=5)
        await fake.wait_until_live(timeout=5)
        yield app
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        app.close()


@pytest.fixture
def settings_for(fake: FakeDiscord, db_path: Path) -> Callable[..., Settings]:
    return lambda **extra: discord_settings(fake, db_path, **extra)


@pytest.fixture
async def app(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> AsyncIterator[App]:
    async with sereno(fake, settings_for(), detector) as running:
        yield running


async def eventually(check: Callable[[], T], timeout: float = 3.0) -> T:
    """Poll `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still {value!r} after {timeout}s")
        await asyncio.sleep(0.02)


def titles(posts: list[RecordedRequest]) -> list[str]:
    return [p.json["embeds"][0]["title"] for p in posts if p.json and p.json.get("embeds")]


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


async def guidance(fake: FakeDiscord, thread_id: int | str, count: int = 3) -> list[str]:
    """Wait for `count` posts in a thread; their embed titles."""
    posts = await fake.wait_for("POST", f"/channels/{thread_id}/messages", count=count, timeout=4)
    return titles(posts)


def step_message(app: App, case_id: int, index: int = 0) -> str:
    """The Discord id of the `index`-th step message of a case."""
    steps = [
        i
        for i in app.store.outbox_for_case(case_id)
        if i.card.kind == "step" and i.platform_message_id
    ]
    return steps[index].platform_message_id  # type: ignore[return-value]


def kinds(app: App, case_id: int) -> list[EventKind]:
    return [e.kind for e in app.store.events(case_id)]


async def open_complaint(fake: FakeDiscord, app: App, text: str = ENGLISH) -> tuple[dict, int]:
    """A customer complains in #support; returns the message and the case id, guidance out."""
    msg = await fake.user_message(text)
    await guidance(fake, msg["id"])
    case = await eventually(lambda: app.store.find_case_by_thread("discord", msg["id"]))
    return msg, case.id


# -- startup --------------------------------------------------------------------------------


async def test_a_rejected_token_stops_startup_with_one_line(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    app = build(settings_for(DISCORD_BOT_TOKEN="not-the-token"), FakeClock(), detector)
    try:
        with pytest.raises(SettingsError, match=r"^DISCORD_BOT_TOKEN: Discord rejected"):
            await asyncio.wait_for(serve(app), 5)
    finally:
        app.close()


async def test_a_missing_message_content_intent_is_explained(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    app = build(settings_for(), FakeClock(), detector)
    task = asyncio.create_task(serve(app))
    try:
        await fake.wait_until_live(timeout=5)
        assert fake.intents is not None and fake.intents & (1 << 15)  # Message Content
        await fake.drop_connection(4014)  # Discord: disallowed intents
        with pytest.raises(SettingsError, match="Message Content Intent"):
            await asyncio.wait_for(task, 5)
    finally:
        app.close()


# -- complaints ---------------------------------------------------------------------------


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
    assert custom_ids(posted[0]) == ["sereno:claim|1", "sereno:resolve|1", "sereno:letgo|1"]
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
    second = await fake.user_message("Another problem: billing twice!!")
    await guidance(fake, second["id"])
    assert len(fake.requests("POST", f"/messages/{msg['id']}/threads")) == 1
    assert app.store.get_case(2) is not None and app.store.get_case(3) is None
    assert kinds(app, 1).count(EventKind.OPENED) == 1


# -- reactions ----------------------------------------------------------------------------


async def test_reactions_by_agent_and_customer(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    step = step_message(app, case_id)
    await fake.react(step, "✅", user="customer")
    await eventually(lambda: EventKind.REACTION_IGNORED in kinds(app, case_id))
    assert app.store.steps(case_id)[0].state is StepState.PENDING
    await fake.react(step, "✅", user="agent")
    await eventually(lambda: app.store.steps(case_id)[0].state is StepState.DONE)
    header = app.store.outbox_for_case(case_id)[0].platform_message_id
    await fake.wait_for("PATCH", f"/channels/{msg['id']}/messages/{header}")
    assert (await guidance(fake, msg["id"], count=4))[3].startswith("Step 2/")
    await fake.react(step, "✅", user="agent", remove=True)
    await eventually(lambda: app.store.steps(case_id)[0].state is StepState.PENDING)
    await fake.react(step_message(app, case_id, 1), "⏩", user="agent")
    await eventually(lambda: app.store.steps(case_id)[1].state is StepState.SKIPPED)
    assert kinds(app, case_id).count(EventKind.STEP_UNDONE) == 1


async def test_restart_then_reaction_on_an_earlier_step(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, settings_for(), detector) as app:
        msg, case_id = await open_complaint(fake, app)
        step = step_message(app, case_id)
    async with sereno(fake, settings_for(), detector) as app:
        await fake.react(step, "✅", user="agent")
        await eventually(lambda: app.store.steps(case_id)[0].state is StepState.DONE)
        assert (await guidance(fake, msg["id"], count=4))[3].startswith("Step 2/")
        assert len(fake.requests("POST", "/threads")) == 1


# -- buttons ------------------------------------------------------------------------------


async def test_buttons_work_after_a_restart(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, settings_for(), detector) as app:
        _, case_id = await open_complaint(fake, app)
        header = app.store.outbox_for_case(case_id)[0].platform_message_id
        step = step_message(app, case_id)
    async with sereno(fake, settings_for(), detector) as app:
        clicked = await fake.click(f"sereno:claim|{case_id}", header, user="customer")
        [refused] = await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
        assert refused.json["data"]["flags"] & dp.EPHEMERAL
        assert "support team" in refused.json["data"]["content"]
        clicked = await fake.click(f"sereno:claim|{case_id}", header, user="agent")
        [claimed] = await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
        assert claimed.json["data"]["content"] == f"#{case_id} is now assigned to Alex."
        assert app.store.get_case(case_id).assignee_name == "Alex"  # type: ignore[union-attr]
        done_id = custom_ids(fake.messages[int(step)])[0]
        clicked = await fake.click(done_id, step, user="agent")
        await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
        assert app.store.steps(case_id)[0].state is StepState.DONE


# -- outbox failures ----------------------------------------------------------------------


async def test_429_is_waited_out(fake: FakeDiscord, app: App) -> None:
    fake.fail_next("POST", r"/channels/\d+/messages$", 429, retry_after=0.3)
    started = time.monotonic()
    msg = await fake.user_message(ENGLISH)
    await guidance(fake, msg["id"], count=4)
    assert time.monotonic() - started >= 0.3
    statuses = [r.status for r in fake.requests("POST", f"/channels/{msg['id']}/messages")]
    assert statuses == [429, 200, 200, 200]


async def test_403_on_thread_creation_is_reported_once_and_the_case_kept(
    fake: FakeDiscord, app: App
) -> None:
    fake.fail_next("POST", r"/threads$", 403, times=6)
    support = fake.world.channel_id("support")
    msg = await fake.user_message(ENGLISH)
    in_channel = f"/channels/{support}/messages"
    [notice] = await fake.wait_for(lambda r: r.path == in_channel, timeout=4)
    assert "missing a permission" in notice.json["content"]
    assert "/complaint show #1" in notice.json["content"]
    await fake.user_message("Second complaint, also angry!!!")
    await eventually(lambda: len(fake.requests("POST", "/threads")) == 6)
    await asyncio.sleep(0.1)
    assert [r.path for r in fake.requests("POST")].count(in_channel) == 1
    assert not fake.requests("POST", f"/channels/{msg['id']}/messages")
    case = app.store.get_case(1)
    assert case is not None and case.is_open and app.store.get_case(2) is not None
    shown = await command(fake, "show", {"case": 1})
    assert shown["data"]["content"].startswith("Case #1")
    # once the permission is granted, the next header update brings the case back on screen
    await command(fake, "claim", {"case": 1})
    [header] = await guidance(fake, msg["id"], count=1)
    assert header.startswith("Case #1")
    await command(fake, "resolve", {"case": 1})
    [edit] = await fake.wait_for("PATCH", f"/channels/{msg['id']}/messages/")
    assert "Status: resolved" in edit.json["embeds"][0]["description"]
    assert edit.json["components"] == []  # a closed case offers no buttons


# -- /complaint -----------------------------------------------------------------------------


async def command(
    fake: FakeDiscord,
    sub: str,
    options: dict[str, Any] | None = None,
    *,
    focused: str | None = None,
    user: str = "agent",
    channel: int | str = "support",
) -> dict:
    """Invoke `/complaint <sub>`; the JSON of its interaction callback."""
    sent = await fake.invoke_command(
        "complaint", options or {}, subcommand=sub, focused=focused, user=user, channel=channel
    )
    [callback] = await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    return callback.json


async def test_complaint_subcommands_inside_and_outside_a_thread(
    fake: FakeDiscord, app: App
) -> None:
    msg, case_id = await open_complaint(fake, app)
    step_id = app.store.steps(case_id)[0].step_id
    done = await command(fake, "done", {"step": step_id}, channel=msg["id"])
    assert done["type"] == 4 and done["data"]["flags"] & dp.EPHEMERAL
    assert done["data"]["content"] == f"✓ Step '{step_id}' done by Alex on #1."
    unsure = await command(fake, "note", {"text": "called her"})
    assert unsure["data"]["content"].startswith("⚠ Which case?")
    noted = await command(fake, "note", {"text": "called her", "case": case_id})
    assert noted["data"]["content"] == "Noted on #1."
    later = await command(
        fake, "followup", {"when": "in 3 days", "note": "ring back"}, channel=msg["id"]
    )
    assert later["data"]["content"].startswith("Follow-up for #1 set for")
    listed = await command(fake, "list", {"status": "all", "here": True})
    assert listed["data"]["content"].startswith("#1 · ")
    skipped = await command(fake, "skip", {"step": "2", "case": case_id})
    assert "skipped by Alex" in skipped["data"]["content"]
    flagged = await command(fake, "flag", {"flag": "refused"}, channel=msg["id"])
    assert flagged["data"]["content"] == "#1 flagged 'refused'."
    resolved = await command(fake, "resolve", {"summary": "refund sent"}, channel=msg["id"])
    assert resolved["data"]["content"] == "#1 resolved by Alex."
    timeline = [e.kind for e in app.store.events(case_id)]
    assert EventKind.NOTE in timeline and EventKind.RESOLVED in timeline
    for _ in range(12):
        await command(fake, "note", {"text": "left a voicemail " * 8}, channel=msg["id"])
    sent = await fake.invoke_command("complaint", {}, subcommand="timeline", channel=msg["id"])
    [long] = await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    text = long.json["data"]["content"]
    assert len(text) <= 2000 and text.endswith("(the full text is attached)")
    assert long.files[0].filename == "sereno.txt"
    assert long.files[0].data.decode().startswith("Timeline of #1:")


async def test_every_core_command_is_a_subcommand(fake: FakeDiscord, app: App) -> None:
    [synced] = fake.requests("PUT", "/commands")[-1].json
    assert synced["name"] == "complaint"
    records = next(o for o in synced["options"] if o["name"] == "records")
    top = {o["name"] for o in synced["options"]} - {"records"}
    nested = {o["name"] for o in records["options"]}
    assert top | nested == set(USAGE) and not top & nested
    assert len(synced["options"]) <= 25  # Discord's limit per group
    assert all(len(o["description"]) <= 100 for o in synced["options"] + records["options"])


def test_pings_mention_people_and_roles_never_here() -> None:
    card = Card(CardKind.PING, "⏰ First response due · #1", mentions=("agents", "lead"))
    assert render.content(card, "111", "role:222") == "<@&111> <@&222>"
    assert render.content(card, "111", None) == "<@&111>"
    assert render.content(card, None, None) is None
    mine = Card(CardKind.PING, "⏰", mentions=("user:333", "lead"))
    assert render.content(mine, None, "444") == "<@333> <@444>"
    assert render.content(Card(CardKind.STEP, "Step 1"), "111") is None


async def test_autocomplete_case_numbers_steps_and_suggestions(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    await open_complaint(fake, app, SPANISH)
    cases = await command(fake, "show", {"case": ""}, focused="case")
    assert cases["type"] == 8
    assert [c["value"] for c in cases["data"]["choices"]] == [1, 2]
    assert cases["data"]["choices"][0]["name"].startswith("#1 · Casey · ")
    typed = await command(fake, "show", {"case": "2"}, focused="case")
    assert [c["value"] for c in typed["data"]["choices"]] == [2]
    inside = await command(fake, "claim", {"case": ""}, focused="case", channel=msg["id"])
    assert inside["data"]["choices"][0]["value"] == case_id
    step_ids = [s.step_id for s in app.store.steps(case_id)]
    steps = await command(fake, "done", {"step": ""}, focused="step", channel=msg["id"])
    assert [c["value"] for c in steps["data"]["choices"]] == step_ids[:25]
    outside = await command(fake, "undo", {"case": 2, "step": step_ids[0][:3]}, focused="step")
    assert outside["data"]["choices"][0]["value"] == app.store.steps(2)[0].step_id
    nothing = await command(fake, "skip", {"step": ""}, focused="step")
    assert nothing["data"]["choices"] == []
    replies = await command(
        fake, "suggest", {"suggestion": ""}, focused="suggestion", channel=msg["id"]
    )
    assert "first-reply" in [c["value"] for c in replies["data"]["choices"]]


async def test_a_customer_cannot_run_agent_commands(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    refused = await command(fake, "claim", user="customer", channel=msg["id"])
    assert refused["data"]["content"].startswith("⚠ Only the support team")
    assert refused["data"]["flags"] & dp.EPHEMERAL
    helped = await command(fake, "help", {"command": "done"}, user="customer")
    assert helped["data"]["content"].startswith("/complaint done")
    assert app.store.get_case(case_id).assignee_id is None  # type: ignore[union-attr]


async def test_the_agent_role_decides_who_is_an_agent(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    helper_role = str(fake.world.role_id("Helper"))  # a role no human member has
    settings = settings_for(SERENO_DISCORD_AGENT_ROLE=helper_role)
    async with sereno(fake, settings, detector) as app:
        msg, case_id = await open_complaint(fake, app)
        refused = await command(fake, "claim", channel=msg["id"])
        assert refused["data"]["content"].startswith("⚠ Only the support team")
        await fake.react(step_message(app, case_id), "✅", user="agent")
        await eventually(lambda: EventKind.REACTION_IGNORED in kinds(app, case_id))


async def test_a_ping_mentions_the_agent_role_and_a_reaction_finishes_it(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    agents = str(fake.world.role_id("Agents"))
    settings = settings_for(SERENO_FIRST_RESPONSE="0s", SERENO_DISCORD_AGENT_ROLE=agents)
    async with sereno(fake, settings, detector) as app:
        msg, case_id = await open_complaint(fake, app)
        assert app.scheduler.tick() == 1
        app.engine.notify()
        posts = await fake.wait_for("POST", f"/channels/{msg['id']}/messages", count=4)
        ping = posts[3].json
        assert ping["content"] == f"<@&{agents}>"
        assert ping["embeds"][0]["title"] == f"⏰ First response due · #{case_id}"
        ping_id = await eventually(
            lambda: [
                i.platform_message_id
                for i in app.store.outbox_for_case(case_id)
                if i.card.kind == "ping" and i.platform_message_id
            ]
        )
        await fake.react(ping_id[0], "✅", user="agent")
        await eventually(
            lambda: (
                not [
                    r for r in app.store.reminders_for(case_id) if r.kind.value == "first-response"
                ]
            )
        )
        assert EventKind.REMINDER_DONE in kinds(app, case_id)


async def test_case_report_and_team_report_are_uploaded_as_files(
    fake: FakeDiscord, app: App
) -> None:
    msg, case_id = await open_complaint(fake, app)
    sent = await fake.invoke_command("complaint", {"format": "md"}, subcommand="export",
                                     group="records", channel=msg["id"])
    [callback] = await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    assert callback.json["type"] == 5  # deferred at once: files can take a while
    [followup] = await fake.wait_for("POST", f"/webhooks/{fake.world.application_id}/")
    assert "posted in its thread" in followup.json["content"]
    posts = await fake.wait_for(lambda r: r.method == "POST" and any(
        f.filename == f"case-{case_id}.md" for f in r.files))
    [report] = [f for f in posts[-1].files if f.filename == f"case-{case_id}.md"]
    assert posts[-1].path == f"/channels/{msg['id']}/messages"
    assert report.data.startswith(f"# Case #{case_id}".encode())
    sent = await fake.invoke_command("complaint", {"period": "7d"}, subcommand="report",
                                     group="records")
    await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    charts = await fake.wait_for(lambda r: r.method == "POST" and any(
        (f.filename or "").endswith(".png") for f in r.files))
    [png] = [f for f in charts[-1].files if (f.filename or "").endswith(".png")]
    assert png.data.startswith(b"\x89PNG")
