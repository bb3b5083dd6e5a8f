"""Gateway events translated into core calls: messages, edits, deletes, reactions."""

from __future__ import annotations

import logging

import discord

from bot.core.base.model import Actor, Incoming
from bot.core.cases.reactions import gesture
from bot.core.commands.interactions import on_reaction
from bot.wiring import App
from handlers.discord.inbox import PREVIOUS
from handlers.discord.people import PLATFORM, actor, place
from handlers.discord.staff import StaffPlaces

log = logging.getLogger(__name__)

_CHAT = (discord.MessageType.default, discord.MessageType.reply)


def message(app: App, msg: discord.Message, places: StaffPlaces) -> None:
    """A human's message: a complaint opens a case, a thread message joins its timeline.

    A complaint in a channel customers can read opens its case with a staff-only place
    for the guidance (`places`: the staff channel, or a private thread), or nothing when
    there is none (the guard tells the log and the lead); the channel is judged afresh
    each time, from discord.py's cache."""
    if msg.author.bot or msg.webhook_id is not None or msg.guild is None or msg.type not in _CHAT:
        return
    where = place(msg.channel, msg.id, app.settings.discord_channels, _staff(app))
    if where is None:
        return
    if not msg.content.strip():
        log.warning(
            "Discord message %s has no text: an attachment or sticker only, or the "
            "Message Content intent is off (see the README)",
            msg.id,
        )
        return
    who = actor(msg.author, app.settings.discord_agent_role)
    incoming = Incoming(
        PLATFORM,
        where.channel_id,
        str(msg.id),
        who,
        msg.content,
        where.thread_id,
        f"message:{msg.id}",
        msg.created_at,  # from the snowflake: when it was posted, however late it is worked
    )
    if where.complaint_channel or where.forum_post:
        admission = places.admit(msg.channel)
        if admission is None:
            return
        case = app.engine.open_case(incoming, staff_channel=admission.staff_channel)
        if case is not None:
            log.info("case %s opened from Discord message %s", case.ref, msg.id)
    else:
        app.engine.conversation.record_thread_message(incoming)


def _staff(app: App) -> str | None:
    return app.settings.discord_staff_channel


def edit(app: App, payload: discord.RawMessageUpdateEvent) -> None:
    """An edited complaint or thread message is recorded (the case keeps the original)."""
    msg = payload.message
    if "content" not in payload.data or msg.author.bot or msg.webhook_id is not None:
        return
    where = place(msg.channel, msg.id, app.settings.discord_channels, _staff(app))
    if where is None:
        return
    old = payload.cached_message.content if payload.cached_message else None
    old = payload.data.get(PREVIOUS, old)  # noted when the edit arrived  # type: ignore[misc]
    if old == msg.content:
        return
    app.engine.conversation.record_edit(
        PLATFORM,
        where.channel_id,
        str(msg.id),
        where.thread_id,
        msg.content,
        old,
        actor(msg.author, app.settings.discord_agent_role),
    )


def delete(app: App, client: discord.Client, payload: discord.RawMessageDeleteEvent) -> None:
    """A deleted complaint or thread message is recorded on its case's timeline."""
    cached = payload.cached_message
    if cached is not None and cached.author.bot:
        return
    channel = client.get_channel(payload.channel_id) or client.get_partial_messageable(
        payload.channel_id
    )
    where = place(channel, payload.message_id, app.settings.discord_channels, _staff(app))
    if where is None:
        return
    who = Actor(PLATFORM, "", "someone")
    if cached is not None:
        who = actor(cached.author, app.settings.discord_agent_role)
    app.engine.conversation.record_delete(
        PLATFORM, where.channel_id, str(payload.message_id), where.thread_id, who
    )


async def reaction(
    app: App, client: discord.Client, payload: discord.RawReactionActionEvent, added: bool
) -> None:
    """✅ / ⏩ on a step message marks it; removing the reaction undoes it."""
    me = client.user
    emoji = payload.emoji.name or ""
    if payload.guild_id is None or (me and payload.user_id == me.id) or gesture(emoji) is None:
        return
    member = payload.member or await _member(client, payload.guild_id, payload.user_id)
    if member is None or member.bot:
        return
    who = actor(member, app.settings.discord_agent_role)
    reply = on_reaction(app.engine, PLATFORM, str(payload.message_id), emoji, who, added)
    if reply is not None and not reply.ok:
        log.info("reaction %s by %s on %s: %s", emoji, who.name, payload.message_id, reply.text)


async def _member(client: discord.Client, guild_id: int, user_id: int) -> discord.Member | None:
    """Reaction removals carry no member: use the cache, else ask Discord."""
    guild = client.get_guild(guild_id)
    if guild is None:
        return None
    found = guild.get_member(user_id)
    if found is not None:
        return found
    try:
        return await guild.fetch_member(user_id)
    except discord.HTTPException as exc:
        log.warning("could not look up member %s: %s", user_id, exc)
        return None
