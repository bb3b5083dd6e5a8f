"""Delivery to Discord: 429s and 403s in the outbox, pings and their mentions, files."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import EventKind
from bot.core.base.model import Actor
from bot.core.base.ports import LanguageDetector
from bot.core.delivery.drainer import EDIT_GAP
from bot.settings import Settings
from bot.wiring import App, build
from handlers.discord import render
from tests.discord_harness import (
    ENGLISH,
    command,
    eventually,
    guidance,
    kinds,
    open_complaint,
    sereno,
)
from tests.fakes.discord_api import FakeDiscord

# -- outbox failures ----------------------------------------------------------------------


async def test_429_is_waited_out(fake: FakeDiscord, app: App) -> None:
    fake.fail_next("POST", r"/channels/\d+/messages$", 429, retry_after=0.3)
    started = time.monotonic()
    msg = await fake.user_message(ENGLISH)
    await guidance(fake, msg["id"], count=4)
    assert time.monotonic() - started >= 0.3
    statuses = [r.status for r in fake.requests("POST", f"/channels/{msg['id']}/messages")]
    assert statuses == [429, 200, 200, 200]


async def test_403_on_thread_creation_is_told_to_the_lead_never_the_channel(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    lead = fake.world.user_id("owner")
    async with sereno(fake, settings_for(SERENO_DISCORD_LEAD=str(lead)), detector) as app:
        fake.fail_next("POST", r"/threads$", 403, times=6)
        support = fake.world.channel_id("support")
        msg = await fake.user_message(ENGLISH)
        [opened] = await fake.wait_for("POST", "/users/@me/channels", timeout=4)
        assert str(opened.json["recipient_id"]) == str(lead)
        dm = opened.response["id"]  # type: ignore[index]
        [notice] = await fake.wait_for("POST", f"/channels/{dm}/messages", timeout=4)
        embed = notice.json["embeds"][0]
        assert "#1" in embed["title"] and "/complaint show #1" in embed["description"]
        fake.world.add_user("robin", "robin")  # casey's own would join her open case
        await fake.user_message("Second complaint, also angry!!!", author="robin")
        await eventually(lambda: len(fake.requests("POST", "/threads")) == 6)
        await eventually(lambda: len(app.store.outbox_failures(2)) == 3)
        # nothing about it where customers may read; one notice per case
        posted = [r.path for r in fake.requests("POST")]
        assert f"/channels/{support}/messages" not in posted
        assert f"/channels/{msg['id']}/messages" not in posted
        await eventually(lambda: len(fake.requests("POST", f"/channels/{dm}/messages")) == 2)
        case = app.store.get_case(1)
        assert case is not None and case.is_open and app.store.get_case(2) is not None
        shown = await command(fake, "show", {"case": 1})
        assert shown["data"]["content"].startswith("Case #1")
        assert "Not delivered: header (403" in shown["data"]["content"]
        # once the permission is granted, the next header update brings the case back on screen
        await command(fake, "claim", {"case": 1})
        [header] = await guidance(fake, msg["id"], count=1)
        assert header.startswith("Case #1")
        await command(fake, "resolve", {"case": 1})
        # the header is written at most once every EDIT_GAP (the re-post at the claim was
        # its latest write): the resolved header goes once the gap has passed
        app.engine.clock.advance(seconds=EDIT_GAP.total_seconds())  # type: ignore[attr-defined]
        app.engine.notify()
        [edit] = await fake.wait_for("PATCH", f"/channels/{msg['id']}/messages/")
        assert "Status: resolved" in edit.json["embeds"][0]["description"]
        assert edit.json["components"] == []  # a closed case offers no buttons


# -- pings --------------------------------------------------------------------------------


def test_pings_mention_people_and_roles_never_here() -> None:
    card = Card(CardKind.PING, "⏰ First response due · #1", mentions=("agents", "lead"))
    assert render.content(card, "111", "role:222") == "<@&111> <@&222>"
    assert render.content(card, "111", None) == "<@&111>"
    assert render.content(card, None, None) is None
    mine = Card(CardKind.PING, "⏰", mentions=("user:333", "lead"))
    assert render.content(mine, None, "444") == "<@333> <@444>"
    assert render.content(Card(CardKind.STEP, "Step 1"), "111") is None
    # only the intended mentions may notify: never @everyone, never an id quoted in the text
    allowed = render.allowed_mentions
    assert allowed(card, "111", "role:222").to_dict() == {
        "parse": [],
        "users": [],
        "roles": [111, 222],
    }
    assert allowed(mine, None, "444").to_dict() == {"parse": [], "users": [333, 444], "roles": []}
    nobody = {"parse": [], "users": [], "roles": []}
    assert allowed(Card(CardKind.STEP, "Step 1"), "111").to_dict() == nobody
    assert allowed(card, None, None).to_dict() == nobody


async def test_a_stalled_ping_mentions_the_assignee_and_can_go_by_direct_message(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    settings = settings_for(SERENO_DISCORD_PING_DM="true")
    async with sereno(fake, settings, detector) as app:
        msg, case_id = await open_complaint(fake, app)
        agent = str(fake.world.user_id("agent"))
        case = app.store.get_case(case_id)
        assert case is not None
        app.engine.claim(case, Actor("discord", agent, "alex", is_agent=True))
        app.engine.clock.advance(hours=24)  # type: ignore[attr-defined]
        assert app.scheduler.tick() == 1
        app.engine.notify()
        [opened] = await fake.wait_for("POST", "/users/@me/channels")
        assert str(opened.json["recipient_id"]) == agent
        dm = opened.response["id"]
        [direct] = await fake.wait_for("POST", f"/channels/{dm}/messages")
        assert direct.json["embeds"][0]["title"] == f"⏰ Case stalled · #{case_id}"
        in_thread = fake.requests("POST", f"/channels/{msg['id']}/messages")
        [ping] = [r for r in in_thread if r.json.get("content") == f"<@{agent}>"]
        assert ping.json["allowed_mentions"] == {"parse": [], "users": [int(agent)], "roles": []}
        assert [u["id"] for u in fake.messages[int(ping.response["id"])]["mentions"]] == [agent]


async def test_a_ping_mentions_the_agent_role_and_a_reaction_finishes_it(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    agents = str(fake.world.role_id("Agents"))
    fake.world.roles["Agents"]["mentionable"] = True
    settings = settings_for(SERENO_FIRST_RESPONSE="0s", SERENO_DISCORD_AGENT_ROLE=agents)
    async with sereno(fake, settings, detector) as app:
        msg, case_id = await open_complaint(fake, app)
        assert app.scheduler.tick() == 1
        app.engine.notify()
        posts = await fake.wait_for("POST", f"/channels/{msg['id']}/messages", count=4)
        ping = posts[3].json
        assert ping["content"] == f"<@&{agents}>"
        assert ping["allowed_mentions"] == {"parse": [], "users": [], "roles": [int(agents)]}
        assert fake.messages[int(posts[3].response["id"])]["mention_roles"] == [agents]
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


# -- files --------------------------------------------------------------------------------


async def test_case_report_and_team_report_are_uploaded_as_files(
    fake: FakeDiscord, app: App
) -> None:
    msg, case_id = await open_complaint(fake, app)
    sent = await fake.invoke_command(
        "complaint", {"format": "md"}, subcommand="export", group="records", channel=msg["id"]
    )
    [callback] = await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    assert callback.json["type"] == 5  # deferred at once: files can take a while
    [followup] = await fake.wait_for("POST", f"/webhooks/{fake.world.application_id}/")
    assert "posted in its thread" in followup.json["content"]
    posts = await fake.wait_for(
        lambda r: r.method == "POST" and any(f.filename == f"case-{case_id}.md" for f in r.files)
    )
    [report] = [f for f in posts[-1].files if f.filename == f"case-{case_id}.md"]
    assert posts[-1].path == f"/channels/{msg['id']}/messages"
    assert report.data.startswith(f"# Case #{case_id}".encode())
    sent = await fake.invoke_command(
        "complaint", {"period": "7d"}, subcommand="report", group="records"
    )
    await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    charts = await fake.wait_for(
        lambda r: r.method == "POST" and any((f.filename or "").endswith(".png") for f in r.files)
    )
    [png] = [f for f in charts[-1].files if (f.filename or "").endswith(".png")]
    assert png.data.startswith(b"\x89PNG")


async def test_a_send_cut_off_by_the_connection_closing_is_tried_again_later(
    settings_for: Callable[..., Settings], tmp_path: Path
) -> None:
    """On shutdown discord.py closes its HTTP session while a send may be under way:
    that is a transient failure (the row stays pending), never an unexpected error."""
    import discord
    import pytest

    from bot.core.base.outbox import OutboxItem, TransientError
    from handlers.discord.messenger import DiscordMessenger

    class Closing(discord.Client):
        def get_channel(self, id: int) -> None:
            raise RuntimeError("Session is closed")

    client = Closing(intents=discord.Intents.none())
    app = build(settings_for(SERENO_DB=str(tmp_path / "c.db")))
    messenger = DiscordMessenger(client, app.store, app.settings)
    card = Card(CardKind.NOTICE, "t", ())
    item = OutboxItem(1, "discord", "123", None, None, card, None, None, None, 0)
    with pytest.raises(TransientError, match="connection closed"):
        await messenger.send(item)
    app.close()
