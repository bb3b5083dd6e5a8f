"""FakeDiscord refuses what Discord refuses (documented limits, answered 400 / 50035 with an
``errors`` tree) and records whom a message would notify; driven by the real discord.py."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import discord
import pytest
from discord import app_commands

from tests.fakes import discord_payloads as dp
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_limits import CHECKS

# the client and its fixtures: pytest finds fixtures by name in the test's module
from tests.test_fake_discord import Bot, _no_unclosed_sessions, bot, fake, support

__all__ = ["_no_unclosed_sessions", "bot", "fake"]


def _cmd(**extra: Any) -> dict:
    return {"type": 1, "name": "complaint", "description": "Work on cases", **extra}


def _opt(name: str = "case", **extra: Any) -> dict:
    return {"type": 3, "name": name, "description": "Which case", **extra}


def _choices(count: int, size: int = 2) -> list[dict]:
    return [{"name": f"c{n}".ljust(size, "x"), "value": f"v{n}"} for n in range(count)]


def _sub(name: str) -> dict:
    return {"type": 1, "name": name, "description": "A subcommand"}


REFUSED_COMMANDS = {
    "name over 32": (_cmd(name="c" * 33), "0.name"),
    "uppercase name": (_cmd(name="Complaint"), "0.name"),
    "name with a space": (_cmd(name="my complaint"), "0.name"),
    "empty description": (_cmd(description=""), "0.description"),
    "description over 100": (_cmd(description="d" * 101), "0.description"),
    "option name over 32": (_cmd(options=[_opt("o" * 33)]), "0.options.0.name"),
    "option description over 100": (
        _cmd(options=[_opt(description="d" * 101)]),
        "0.options.0.description",
    ),
    "26 options": (_cmd(options=[_opt(f"o{n}") for n in range(26)]), "0.options"),
    "26 subcommands": (_cmd(options=[_sub(f"s{n}") for n in range(26)]), "0.options"),
    "26 subcommands in a group": (
        _cmd(
            options=[{**_sub("records"), "type": 2, "options": [_sub(f"s{n}") for n in range(26)]}]
        ),
        "0.options.0.options",
    ),
    "26 options in a subcommand": (
        _cmd(options=[{**_sub("open"), "options": [_opt(f"o{n}") for n in range(26)]}]),
        "0.options.0.options",
    ),
    "26 choices": (_cmd(options=[_opt(choices=_choices(26))]), "0.options.0.choices"),
    "choices and autocomplete": (
        _cmd(options=[_opt(choices=_choices(2), autocomplete=True)]),
        "0.options.0.autocomplete",
    ),
    "over 8,000 characters together": (
        _cmd(options=[_opt(f"o{n}", choices=_choices(25, 100)) for n in range(4)]),
        "0",
    ),
}


@pytest.mark.parametrize("body, where", REFUSED_COMMANDS.values(), ids=REFUSED_COMMANDS)
async def test_command_sync_beyond_discords_limits_is_refused(
    fake: FakeDiscord, bot: Bot, body: dict, where: str
) -> None:
    app_id, guild_id = fake.world.application_id, fake.world.guild_id
    for sync in (
        lambda: bot.http.bulk_upsert_global_commands(app_id, [body]),
        lambda: bot.http.bulk_upsert_guild_commands(app_id, guild_id, [body]),
    ):
        with pytest.raises(discord.HTTPException) as raised:
            await sync()
        assert (raised.value.status, raised.value.code) == (400, 50035)
        assert f"\nIn {where}: " in raised.value.text  # discord.py flattens the errors tree
    assert fake.commands == {}  # a refused sync registers nothing


async def test_commands_within_the_limits_are_accepted(fake: FakeDiscord, bot: Bot) -> None:
    roomy = _cmd(
        options=[
            _opt("kind", choices=_choices(25, 100)),
            _opt("case", autocomplete=True),
            {**_sub("records"), "type": 2, "options": [_sub(f"s{n}") for n in range(25)]},
        ]
    )
    names = [_cmd(name="été"), _cmd(name="दर्ता"), _cmd(name="follow-up_2")]
    await bot.http.bulk_upsert_global_commands(fake.world.application_id, [roomy, *names])
    assert [c["name"] for c in fake.commands[None]] == ["complaint", "été", "दर्ता", "follow-up_2"]
    with pytest.raises(discord.HTTPException, match=r"In 1\.name: Application command names"):
        await bot.http.bulk_upsert_global_commands(fake.world.application_id, [roomy, roomy])


def _embed(**extra: Any) -> dict:
    return {"type": "rich", "title": "Case #1", **extra}


def _row(buttons: int, row: int = 0, **button: Any) -> dict:
    made = [
        {"type": 2, "style": 2, "label": "Done", "custom_id": f"b{row}.{n}"} for n in range(buttons)
    ]
    return {"type": 1, "components": [{**b, **button} for b in made]}


def _field(name: str = "Status", value: str = "open") -> dict:
    return {"name": name, "value": value}


REFUSED_MESSAGES = {
    "content over 2,000": ({"content": "x" * 2001}, "content"),
    "11 embeds": ({"embeds": [_embed()] * 11}, "embeds"),
    "embeds over 6,000 together": ({"embeds": [_embed(description="x" * 3000)] * 2}, "embeds"),
    "title over 256": ({"embeds": [_embed(title="x" * 257)]}, "embeds.0.title"),
    "description over 4,096": (
        {"embeds": [_embed(description="x" * 4097)]},
        "embeds.0.description",
    ),
    "26 fields": ({"embeds": [_embed(fields=[_field()] * 26)]}, "embeds.0.fields"),
    "field name over 256": (
        {"embeds": [_embed(fields=[_field("x" * 257)])]},
        "embeds.0.fields.0.name",
    ),
    "field value over 1,024": (
        {"embeds": [_embed(fields=[_field(value="x" * 1025)])]},
        "embeds.0.fields.0.value",
    ),
    "footer over 2,048": (
        {"embeds": [_embed(footer={"text": "x" * 2049})]},
        "embeds.0.footer.text",
    ),
    "6 action rows": ({"components": [_row(1, n) for n in range(6)]}, "components"),
    "6 buttons in a row": ({"components": [_row(6)]}, "components.0.components"),
    "custom_id over 100": (
        {"components": [_row(1, custom_id="x" * 101)]},
        "components.0.components.0.custom_id",
    ),
    "custom_id twice": ({"components": [_row(1), _row(1)]}, "components.1.components.0.custom_id"),
    "button label over 80": (
        {"components": [_row(1, label="x" * 81)]},
        "components.0.components.0.label",
    ),
}


@pytest.mark.parametrize("body, where", REFUSED_MESSAGES.values(), ids=REFUSED_MESSAGES)
async def test_messages_beyond_discords_limits_are_refused(
    fake: FakeDiscord, bot: Bot, body: dict, where: str
) -> None:
    channel = support(bot, fake)
    posted = await channel.send("Case opened")
    Route = discord.http.Route
    create = Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id)
    edit = Route(
        "PATCH",
        "/channels/{channel_id}/messages/{message_id}",
        channel_id=channel.id,
        message_id=posted.id,
    )
    forum = Route(
        "POST", "/channels/{channel_id}/threads", channel_id=fake.world.channel_id("escalations")
    )
    stored = dict(fake.messages)
    for route, json, at in (
        (create, body, where),
        (edit, body, where),
        (forum, {"name": "Refund", "message": body}, f"message.{where}"),
    ):
        with pytest.raises(discord.HTTPException) as raised:
            await bot.http.request(route, json=json)
        assert (raised.value.status, raised.value.code) == (400, 50035)
        assert f"\nIn {at}: " in raised.value.text
    assert fake.messages == stored and fake.messages[posted.id]["content"] == "Case opened"


async def test_messages_within_the_limits_are_accepted(fake: FakeDiscord, bot: Bot) -> None:
    full = {
        "content": "x" * 2000,
        "embeds": [_embed(description="x" * 900, fields=[_field()] * 25)] * 5,  # 5,660 chars
        "components": [_row(5, n, label="y" * 80) for n in range(4)]
        + [_row(1, 4, custom_id="x" * 100)],
    }
    route = discord.http.Route(
        "POST", "/channels/{channel_id}/messages", channel_id=support(bot, fake).id
    )
    posted = await bot.http.request(route, json=full)
    assert len(fake.messages[int(posted["id"])]["embeds"]) == 5


async def test_thread_names_over_100_are_refused(fake: FakeDiscord, bot: Bot) -> None:
    channel = support(bot, fake)
    message = await channel.send("Case opened")
    forum = bot.get_channel(fake.world.channel_id("escalations"))
    assert isinstance(forum, discord.ForumChannel)
    for start in (
        lambda: message.create_thread(name="x" * 101),
        lambda: channel.create_thread(name="x" * 101, type=discord.ChannelType.private_thread),
        lambda: forum.create_thread(name="x" * 101, content="Details"),
    ):
        with pytest.raises(discord.HTTPException, match=r"In name: Must be between 1 and 100"):
            await start()
    thread = await message.create_thread(name="x" * 100)
    with pytest.raises(discord.HTTPException, match=r"In name: Must be between 1 and 100"):
        await thread.edit(name="y" * 101)
    assert thread.name == "x" * 100


async def test_interaction_answers_beyond_the_limits_are_refused(
    fake: FakeDiscord, bot: Bot
) -> None:
    refused: list[str] = []
    finished = asyncio.Event()

    async def over_limit(call: Awaitable[Any]) -> None:
        with pytest.raises(discord.HTTPException) as raised:
            await call
        refused.append(raised.value.text.splitlines()[1])

    async def many(interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return [app_commands.Choice(name=f"c{n}", value=f"c{n}") for n in range(26)]

    @bot.tree.command(name="long", description="Answers too long")
    @app_commands.autocomplete(what=many)
    async def long(interaction: discord.Interaction, what: str) -> None:
        await over_limit(interaction.response.send_message("x" * 2001))
        await interaction.response.send_message("short")
        await over_limit(interaction.followup.send("x" * 2001))
        await over_limit(interaction.edit_original_response(content="x" * 2001))
        finished.set()

    await fake.invoke_command("long", {"what": "c"}, focused="what")
    [choices] = await fake.wait_for(lambda r: r.status == 400, timeout=10)
    assert choices.response["errors"] == {
        "data": {"choices": {"_errors": [_too_long(25)]}}
    }  # autocomplete has no cap on the option, but answers at most 25
    await fake.invoke_command("long", {"what": "c1"})
    await asyncio.wait_for(finished.wait(), 10)
    too_long = "Must be 2000 or fewer in length."
    assert refused == [f"In data.content: {too_long}", *[f"In content: {too_long}"] * 2]
    assert [m["content"] for m in fake.messages.values()] == ["short"]  # nothing refused stored


def _too_long(limit: int) -> dict:
    return {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}


def test_every_write_route_is_checked_against_the_limits() -> None:
    exempt = {"_dm_channel", "_reaction", "_clear_reactions", "_no_content", "_thread_member"}
    writes = {
        handler.__name__
        for methods, _, handler in FakeDiscord()._routes
        if set(methods) & {"POST", "PUT", "PATCH"}
    }
    assert writes - exempt == set(CHECKS)


async def test_mentions_notify_as_allowed_mentions_and_the_role_allow(
    fake: FakeDiscord, bot: Bot
) -> None:
    w, channel = fake.world, support(bot, fake)
    agents, alex = w.role_id("Agents"), w.user_id("agent")
    text = f"<@&{agents}> <@{alex}> @everyone"

    async def notified(**kwargs: Any) -> tuple[list[int], list[str], bool]:
        sent = await channel.send(text, **kwargs)
        stored = fake.messages[sent.id]
        return (
            [int(u["id"]) for u in stored["mentions"]],
            stored["mention_roles"],
            stored["mention_everyone"],
        )

    # a role that is not mentionable, and no Mention Everyone: only the user is notified
    assert await notified() == ([alex], [], False)
    assert await notified(allowed_mentions=discord.AllowedMentions.none()) == ([], [], False)
    w.roles["Agents"]["mentionable"] = True
    only_role = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(agents)])
    assert await notified(allowed_mentions=only_role) == ([], [str(agents)], False)
    w.roles["Agents"]["mentionable"] = False
    w.roles["Sereno"]["permissions"] = str(w.permissions("bot") | dp.MENTION_EVERYONE)
    assert await notified() == ([alex], [str(agents)], True)  # Mention Everyone
    assert fake.requests("POST", "/messages")[-2].json["allowed_mentions"]["roles"] == [agents]
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id)
    clash = {"content": text, "allowed_mentions": {"parse": ["users"], "users": [str(alex)]}}
    with pytest.raises(discord.HTTPException, match=r"In allowed_mentions: parse"):
        await bot.http.request(route, json=clash)
