"""Who is acting and where: Discord members and channels as core values."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.base.model import Actor
from bot.core.base.store_port import CaseStore

log = logging.getLogger(__name__)
PLATFORM = "discord"


def is_agent(user: discord.abc.User, agent_role: str | None) -> bool:
    """An agent has the agent role or, with no role configured, Manage Messages."""
    if user.bot or not isinstance(user, discord.Member):
        return False
    if agent_role:
        return any(str(role.id) == agent_role for role in user.roles)
    return user.guild_permissions.manage_messages


def agents_rule(guilds: Sequence[discord.Guild], agent_role: str | None) -> str:
    """Which rule says who the agents are, in one line (said at start-up)."""
    if not agent_role:
        return (
            "Discord: agents are the members with Manage Messages, as SERENO_DISCORD_AGENT_ROLE "
            "is not set; set it to the agents' role id to choose them"
        )
    found = (g.get_role(int(agent_role)) for g in guilds if agent_role.isdigit())
    role = next((r for r in found if r is not None), None)
    named = f"@{role.name} ({agent_role})" if role else agent_role
    return f"Discord: agents are the members of the role {named} (SERENO_DISCORD_AGENT_ROLE)"


def say_agents(guilds: Sequence[discord.Guild], agent_role: str | None) -> None:
    """Log the agents' rule once, at start-up."""
    log.info("%s", agents_rule(guilds, agent_role))


def is_lead(user: discord.abc.User, lead: str | None) -> bool:
    """SERENO_DISCORD_LEAD: that user, or with `role:ID` a member with that role."""
    if not lead:
        return False
    if lead.startswith("role:"):
        roles = user.roles if isinstance(user, discord.Member) else []
        return any(str(role.id) == lead[5:] for role in roles)
    return str(user.id) == lead


def actor(user: discord.abc.User, agent_role: str | None, lead: str | None = None) -> Actor:
    """The core's Actor for a Discord user or member (the lead only when also an agent)."""
    agent = is_agent(user, agent_role)
    lead_too = agent and is_lead(user, lead)
    return Actor(PLATFORM, str(user.id), user.display_name, is_agent=agent, is_lead=lead_too)


@dataclass(frozen=True)
class Place:
    """Where a message was written, in the core's terms."""

    channel_id: str  # the complaint channel (a thread's parent)
    thread_id: str | None
    complaint_channel: bool  # a top-level message in a complaint text channel
    forum_post: bool  # a forum post's starter message


def place(
    channel: Any, message_id: int, channels: tuple[str, ...], staff: str | None = None
) -> Place | None:
    """Locate a message; None when it is outside every complaint channel and thread.

    A thread of the staff channel (`staff`, SERENO_DISCORD_STAFF_CHANNEL) may be a case's
    staff thread, and a private thread of a complaints channel is one: the store finds
    the case by either (`find_case_by_thread` matches `staff_thread_id`)."""
    if str(channel.id) in channels and not isinstance(channel, discord.Thread):
        return Place(str(channel.id), None, True, False)
    if isinstance(channel, discord.Thread):
        if staff and str(channel.parent_id) == staff:
            return Place(staff, str(channel.id), False, False)
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
