"""Who is acting and where: Discord members and channels as core values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from bot.core.model import Actor
from bot.core.store_port import CaseStore

PLATFORM = "discord"


def is_agent(user: discord.abc.User, agent_role: str | None) -> bool:
    """An agent has the agent role or, with no role configured, Manage Messages."""
    if user.bot or not isinstance(user, discord.Member):
        return False
    if agent_role:
        return any(str(role.id) == agent_role for role in user.roles)
    return user.guild_permissions.manage_messages


def actor(user: discord.abc.User, agent_role: str | None) -> Actor:
    """The core's Actor for a Discord user or member."""
    return Actor(PLATFORM, str(user.id), user.display_name, is_agent=is_agent(user, agent_role))


@dataclass(frozen=True)
class Place:
    """Where a message was written, in the core's terms."""

    channel_id: str  # the complaint channel (a thread's parent)
    thread_id: str | None
    complaint_channel: bool  # a top-level message in a complaint text channel
    forum_post: bool  # a forum post's starter message


def place(channel: Any, message_id: int, channels: tuple[str, ...]) -> Place | None:
    """Locate a message; None when it is outside every complaint channel and thread."""
    if str(channel.id) in channels and not isinstance(channel, discord.Thread):
        return Place(str(channel.id), None, True, False)
    if isinstance(channel, discord.Thread):
        if str(channel.parent_id) not in channels:
            return None
        # a forum post's starter message shares the thread's id
        return Place(str(channel.parent_id), str(channel.id), False, message_id == channel.id)
    if isinstance(channel, discord.PartialMessageable):
        # an uncached channel may be a case thread: the store will tell
        return Place(str(channel.id), str(channel.id), False, False)
    return None


def context_place(channel: Any, channel_id: int | None, store: CaseStore) -> tuple[str, str | None]:
    """(channel id, thread id) for a command: inside a case thread the case is implied."""
    if isinstance(channel, discord.Thread):
        return str(channel.parent_id), str(channel.id)
    if channel_id is None:
        return "", None
    if store.find_case_by_thread(PLATFORM, str(channel_id)) is not None:
        return str(channel_id), str(channel_id)
    return str(channel_id), None
