"""FakeDiscord against the real discord.py client (offline, 127.0.0.1 only)."""

from __future__ import annotations

import asyncio
import gc
import io
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import Any

import discord
import pytest
from discord import app_commands

try:
    from tests.fakes import discord_payloads as dp
    from tests.fakes.discord_api import FakeDiscord, running_fake_discord
except ModuleNotFoundError:  # repo root not on sys.path (plain `pytest`, no tests/__init__.py)
    from fakes import discord_payloads as dp
    from fakes.discord_api import FakeDiscord, running_fake_discord


class Bot(discord.Client):
    """A plain client with a command tree, as the adapter will have."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        intents.members = True
        super().__init__(intents=intents, guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as fake:
        yield fake


@pytest.fixture(autouse=True)
def _no_unclosed_sessions(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    yield
    gc.collect()  # aiohttp reports an unclosed session from __del__, through asyncio's logger
    assert not [r.getMessage() for r in caplog.records if "Unclosed" in r.getMessage()]


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[Bot]:
    client = Bot()
    await client.login(fake.token)
    runner = asyncio.create_task(client.connect())
    await asyncio.wait_for(client.wait_until_ready(), 3)
    yield client
    await client.close()
    await asyncio.wait_for(runner, 2)


async def expect(
    client: discord.Client, event: str, action: Awaitable[Any], check: Any = None
) -> Any:
    """Run ``action`` and return the args of the next ``event`` the client sees."""
    waiter = asyncio.create_task(client.wait_for(event, check=check, timeout=10))
    await asyncio.sleep(0)
    await action
    return await waiter


def support(client: discord.Client, fake: FakeDiscord) -> discord.TextChannel:
    channel = client.get_channel(fake.world.channel_id("support"))
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_login_ready_and_guild_create(fake: FakeDiscord, bot: Bot) -> None:
    w = fake.world
    assert [r.path for r in fake.requests("GET")][:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert bot.user is not None and bot.user.id == w.user_id("bot")
    assert bot.application_id == w.application_id
    assert fake.intents == bot.intents.value
    guild = bot.get_guild(w.guild_id)
    assert guild is not None and guild.owner_id == w.owner_id and guild.chunked
    agent = guild.get_member(w.user_id("agent"))
    assert agent is not None and "Agents" in [r.name for r in agent.roles]
    assert guild.get_member(w.user_id("helper")).bot  # type: ignore[union-attr]
    forum = guild.get_channel(w.channel_id("escalations"))
    assert isinstance(forum, discord.ForumChannel)
    assert [t.name for t in forum.available_tags] == ["urgent", "billing"]
    assert [t.name for t in guild.threads] == ["case-1001"]
    hidden = guild.get_channel(w.channel_id("agents"))
    assert not hidden.permissions_for(guild.get_member(w.user_id("customer"))).view_channel  # type: ignore[arg-type, union-attr]
    assert hidden.permissions_for(guild.me).view_channel  # type: ignore[union-attr]
    assert any(f["op"] == 1 for f in fake.gateway_frames)  # heartbeats are answered with op 11


async def test_message_create_fires_on_message(fake: FakeDiscord, bot: Bot) -> None:
    msg = await expect(bot, "message", fake.user_message("My order is late!", author="customer"))
    assert msg.content == "My order is late!"
    assert msg.author.id == fake.world.user_id("customer") and not msg.author.bot
    assert isinstance(msg.author, discord.Member) and msg.channel.name == "support"
    other = await expect(bot, "message", fake.user_message("beep", author="helper"))
    assert other.author.bot


async def test_send_message_and_start_thread(fake: FakeDiscord, bot: Bot) -> None:
    channel = support(bot, fake)
    echoed = await expect(bot, "message", channel.send("Case opened"))
    assert echoed.author == bot.user
    sent = fake.requests("POST", f"/channels/{channel.id}/messages")
    assert sent[0].json["content"] == "Case opened"
    message = await channel.fetch_message(echoed.id)
    thread = await expect(bot, "thread_create", message.create_thread(name="case-1002"))
    assert thread.id == message.id and thread.parent_id == channel.id
    assert fake.requests("POST", f"/messages/{message.id}/threads")[0].json["name"] == "case-1002"
    reply = await thread.send("First step", file=discord.File(io.BytesIO(b"log"), "log.txt"))
    assert reply.attachments[0].filename == "log.txt"
    upload = fake.requests("POST", f"/channels/{thread.id}/messages")[0]
    assert upload.json["content"] == "First step" and upload.files[0].data == b"log"


async def test_edit_delete_and_history(fake: FakeDiscord, bot: Bot) -> None:
    channel = support(bot, fake)
    sent = [await channel.send(f"note {n}") for n in range(4)]
    edited = await sent[0].edit(content="note 0 (edited)")
    assert edited.edited_at is not None
    assert fake.requests("PATCH", f"/messages/{sent[0].id}")[0].json["content"] == "note 0 (edited)"
    deleted = await expect(bot, "raw_message_delete", sent[3].delete())
    assert deleted.message_id == sent[3].id
    history = [m.content async for m in channel.history(limit=2)]
    assert history == ["note 2", "note 1"]
    older = [m.content async for m in channel.history(limit=None, before=sent[1])]
    assert older == ["note 0 (edited)"]


async def test_forum_post(fake: FakeDiscord, bot: Bot) -> None:
    forum = bot.get_channel(fake.world.channel_id("escalations"))
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(
        name="Refund", content="Details", applied_tags=[forum.available_tags[0]]
    )
    assert post.thread.name == "Refund" and post.message.content == "Details"
    body = fake.requests("POST", f"/channels/{forum.id}/threads")[0].json
    assert body["message"]["content"] == "Details"
    assert body["applied_tags"] == [str(forum.available_tags[0].id)]


async def test_raw_reactions(fake: FakeDiscord, bot: Bot) -> None:
    msg = await fake.user_message("help")
    added = await expect(bot, "raw_reaction_add", fake.react(msg["id"], "✅", user="agent"))
    assert added.emoji.name == "✅" and added.user_id == fake.world.user_id("agent")
    assert "Agents" in [r.name for r in added.member.roles]
    removed = await expect(bot, "raw_reaction_remove", fake.react(msg["id"], remove=True))
    assert removed.message_id == int(msg["id"])
    partial = support(bot, fake).get_partial_message(int(msg["id"]))
    await partial.add_reaction("👀")
    assert fake.requests("PUT", "/reactions/👀/@me")


async def test_command_tree_sync_and_invoke(fake: FakeDiscord, bot: Bot) -> None:
    case = app_commands.Group(name="case", description="Work on a case")

    @case.command(name="open", description="Open a case")
    async def open_case(interaction: discord.Interaction, customer: str, urgent: bool = False):
        await interaction.response.send_message(f"Opened {customer} {urgent}", ephemeral=True)

    bot.tree.add_command(case)
    synced = await bot.tree.sync()
    put = fake.requests("PUT", f"/applications/{fake.world.application_id}/commands")[0]
    assert put.json[0]["name"] == "case" and put.json[0]["options"][0]["type"] == 1
    assert synced[0].id == int(fake.command("case")["id"])  # type: ignore[index]
    guild = discord.Object(fake.world.guild_id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    assert fake.requests("PUT", f"/guilds/{fake.world.guild_id}/commands")

    payload = await fake.invoke_command(
        "case", {"customer": "Casey", "urgent": True}, subcommand="open"
    )
    [callback] = await fake.wait_for("POST", f"/interactions/{payload['id']}/")
    assert callback.json["type"] == 4
    assert callback.json["data"]["content"] == "Opened Casey True"
    assert callback.json["data"]["flags"] & dp.EPHEMERAL
    assert "authorization" not in callback.headers and callback.status == 200


async def test_autocomplete_defer_and_followup(fake: FakeDiscord, bot: Bot) -> None:
    async def playbooks(interaction: discord.Interaction, current: str):
        return [app_commands.Choice(name=n, value=n) for n in ("refund", "rude") if current in n]

    @bot.tree.command(name="playbook", description="Start a playbook")
    @app_commands.autocomplete(name=playbooks)
    async def playbook(interaction: discord.Interaction, name: str):
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"Started {name}", ephemeral=True)
        await interaction.edit_original_response(content="Done")

    await fake.invoke_command("playbook", {"name": "ru"}, focused="name")
    [auto] = await fake.wait_for(lambda r: r.path.endswith("/callback"))
    assert auto.json["type"] == 8
    assert [c["name"] for c in auto.json["data"]["choices"]] == ["rude"]

    await fake.invoke_command("playbook", {"name": "refund"})
    app = fake.world.application_id
    [followup] = await fake.wait_for("POST", f"/webhooks/{app}/")
    assert followup.json["content"] == "Started refund"
    [edit] = await fake.wait_for("PATCH", "/messages/@original")
    assert edit.json["content"] == "Done" and fake.messages[int(edit.response["id"])]


async def test_component_click(fake: FakeDiscord, bot: Bot) -> None:
    class Ack(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Ack", custom_id="case:ack")
        async def ack(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.edit_message(content="Acknowledged", view=None)

    bot.add_view(Ack())
    message = await support(bot, fake).send("New case", view=Ack())
    assert fake.messages[message.id]["components"][0]["components"][0]["custom_id"] == "case:ack"
    await fake.click("case:ack", message.id, user="agent")
    [callback] = await fake.wait_for(lambda r: r.path.endswith("/callback"))
    assert callback.json["type"] == 7
    assert fake.messages[message.id]["content"] == "Acknowledged"


async def test_429_is_waited_out_and_retried(fake: FakeDiscord, bot: Bot) -> None:
    channel = support(bot, fake)
    fault = fake.fail_next("POST", r"/channels/\d+/messages$", 429, retry_after=0.2)
    started = time.monotonic()
    await channel.send("after the limit")
    assert time.monotonic() - started >= 0.2 and fault.hits == 1
    statuses = [r.status for r in fake.requests("POST", f"/channels/{channel.id}/messages")]
    assert statuses == [429, 200]


async def test_403_surfaces_as_forbidden(fake: FakeDiscord, bot: Bot) -> None:
    fake.fail_next("POST", r"/messages$", 403)
    with pytest.raises(discord.Forbidden) as raised:
        await support(bot, fake).send("nope")
    assert raised.value.code == 50013 and raised.value.status == 403


async def test_500_is_retried(fake: FakeDiscord, bot: Bot) -> None:
    fake.fail_next("GET", r"/channels/\d+$", 500)
    channel = await bot.fetch_channel(fake.world.channel_id("general"))
    assert channel.name == "general"  # type: ignore[union-attr]
    assert [r.status for r in fake.requests("GET", "/channels/")] == [500, 200]


async def test_resume_replays_missed_events(fake: FakeDiscord, bot: Bot) -> None:
    session = fake.session
    resumed = asyncio.create_task(bot.wait_for("resumed", timeout=10))
    missed = asyncio.create_task(
        bot.wait_for("message", check=lambda m: m.content == "while away", timeout=10)
    )
    await asyncio.sleep(0)
    await fake.drop_connection()
    await support(bot, fake).send("while away")
    await resumed
    await missed
    assert fake.session is session and fake.connections == 2
    assert [f["d"]["session_id"] for f in fake.gateway_frames if f["op"] == 6] == [
        session.session_id  # type: ignore[union-attr]
    ]
    msg = await expect(bot, "message", fake.user_message("back"))
    assert msg.content == "back"


async def test_bad_token_and_unknown_route(fake: FakeDiscord) -> None:
    rejected = discord.Client(intents=discord.Intents.default())
    with pytest.raises(discord.LoginFailure):
        await rejected.login("wrong-token")
    await rejected.close()  # a failed login leaves its aiohttp session open
    client = discord.Client(intents=discord.Intents.default())
    await client.login(fake.token)
    with pytest.raises(discord.NotFound):
        await client.http.request(discord.http.Route("GET", "/nowhere/{x}", x=1))
    await client.close()
    assert [(r.path, r.status) for r in fake.requests()][-1] == ("/nowhere/1", 404)


def test_builders_carry_fields_discord_py_requires() -> None:
    ids = dp.Snowflakes()
    a, b = ids.next(), ids.next()
    assert b > a and dp.timestamp(a).startswith("2025-01-01")
    assert dp.reaction_add(1, 2, 3, "party:99")["type"] == 0
    assert dp.reaction_add(1, 2, 3, "party:99")["emoji"] == {
        "id": "99",
        "name": "party",
        "animated": False,
    }
    assert dp.thread_create(dp.thread(4, 1, 2, 3, "t"))["newly_created"] is True
    options = dp.command_options({"n": 1, "x": 1.5, "b": False}, subcommand="s", group="g")
    assert [o["type"] for o in options[0]["options"][0]["options"]] == [4, 10, 5]
    channel = dp.text_channel(5, 1, "c")
    inter = dp.interaction(
        dp.CHAT_INPUT,
        {},
        interaction_id=6,
        application_id=7,
        token="t",
        guild_id=1,
        channel=channel,
        member_data=dp.member(dp.user(8, "u")),
    )
    assert {"version", "token", "attachment_size_limit", "app_permissions"} <= inter.keys()


async def test_library_is_pointed_at_the_fake_and_restored() -> None:
    route, ws = discord.http.Route, discord.gateway.DiscordWebSocket
    before = route.BASE, ws.DEFAULT_GATEWAY
    async with running_fake_discord() as fake:
        current = route.BASE, str(ws.DEFAULT_GATEWAY)
        assert current == (fake.api_url, fake.gateway_url)
    after = route.BASE, ws.DEFAULT_GATEWAY
    assert after == before
