"""Who can read a Discord complaints channel: the team only, or customers too.

A channel is customer-visible when `@everyone`, a role that is not staff, or a
member who is not known to be staff may view it, as Discord resolves the guild's
roles and the channel's permission overwrites (`permissions_for(role)`). Staff
roles are the agent role (`SERENO_DISCORD_AGENT_ROLE`; with none set, roles
with Manage Messages, whose members are agents by that rule), roles with
Administrator (they see every channel whatever its overwrites: they run the
server) and roles managed by a bot (only that bot holds them). A thread or a
forum post is judged by its parent. A channel Sereno cannot see in its cache
is judged customer-visible: when in doubt, no guidance is posted.
`SERENO_DISCORD_INTERNAL_CHANNELS` declares a channel internal whatever the
roles say (customers never read it, although a role of staff who are not agents,
or a member given access by name, can view it).

Judging reads only discord.py's cache, which the gateway keeps current
(CHANNEL_UPDATE, GUILD_ROLE_UPDATE, …) without any privileged intent, and it is
cheap; so Sereno judges again at each complaint and before each delivery, and
follows every change to channels and roles without listening for them.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.core.cases.audience import Audience, Judgement
from bot.settings import Settings
from handlers.discord.people import is_agent

log = logging.getLogger(__name__)

SETTING = "SERENO_DISCORD_INTERNAL_CHANNELS"
STAFF_SETTING = "SERENO_DISCORD_STAFF_CHANNEL"
DECLARED = f"declared internal in {SETTING}"
UNSEEN = "Sereno cannot see it (not in any server it is in), so it may be public"
TEAM_ONLY = "only the agents and staff roles can view it"


def complaint_channel(channel: Any) -> Any:
    """The channel whose permissions decide: a thread's (or forum post's) parent."""
    if isinstance(channel, discord.Thread):
        return channel.parent
    return channel


def judge(channel: Any, settings: Settings) -> Judgement:
    """Who can read `channel`: a channel, a thread or forum post (by its parent), or
    anything else with an id (a channel Sereno does not see: customers, to be safe)."""
    if isinstance(channel, discord.Thread):
        channel_id = channel.parent_id
    else:
        channel_id = getattr(channel, "id", None)
    if str(channel_id) in settings.discord_internal_channels:
        return Judgement(Audience.TEAM, DECLARED, SETTING)
    found = complaint_channel(channel)
    if not isinstance(found, discord.abc.GuildChannel):
        return Judgement(Audience.CUSTOMERS, UNSEEN, SETTING, STAFF_SETTING)
    why = who_else_can_view(found, settings.discord_agent_role)
    if why is None:
        return Judgement(Audience.TEAM, TEAM_ONLY, SETTING)
    return Judgement(Audience.CUSTOMERS, why, SETTING, STAFF_SETTING)


def judge_id(client: discord.Client, channel_id: str, settings: Settings) -> Judgement:
    """`judge` for a complaint channel known by its id (looked up in the cache)."""
    number = int(channel_id) if channel_id.isdigit() else 0
    return judge(client.get_channel(number) or discord.Object(number), settings)


def who_else_can_view(channel: discord.abc.GuildChannel, agent_role: str | None) -> str | None:
    """Why someone other than staff can view the channel ("@everyone can view it"), or None."""
    guild = channel.guild
    if channel.permissions_for(guild.default_role).view_channel:
        return "@everyone can view it"
    for role in guild.roles:
        if role.is_default() or is_staff_role(role, agent_role):
            continue
        if channel.permissions_for(role).view_channel:
            return f"role @{role.name} can view it"
    for target, overwrite in channel.overwrites.items():
        if isinstance(target, discord.Role) or not overwrite.view_channel:
            continue
        if target.id == guild.owner_id:
            continue
        member = guild.get_member(target.id)  # without the members intent: Sereno itself
        if member is None:
            return f"member {target.id}, not known to be staff, can view it (an overwrite)"
        if not _staff_member(member, agent_role):
            return f"member {member.display_name} can view it (an overwrite for that member)"
    return None


def private_thread_problem(channel: Any, agent_role: str | None) -> str | None:
    """Why a private thread in this complaints channel would not stay with the team (or
    cannot be made), or None: Sereno may keep a case's guidance in one there.

    A private thread is read by its members and by everyone with Manage Threads in the
    channel, so no role but staff may hold Manage Threads; and Sereno needs Create
    Private Threads to start one."""
    if not isinstance(channel, discord.TextChannel):
        return "only a text channel has private threads"
    me = channel.guild.me
    if me is None or not channel.permissions_for(me).create_private_threads:
        return "Sereno lacks Create Private Threads there"
    if channel.permissions_for(channel.guild.default_role).manage_threads:
        return "@everyone has Manage Threads there, so would see every private thread"
    for role in channel.guild.roles:
        if role.is_default() or is_staff_role(role, agent_role):
            continue
        if channel.permissions_for(role).manage_threads:
            return f"role @{role.name} has Manage Threads there, so would see every private thread"
    return None


def is_staff_role(role: discord.Role, agent_role: str | None) -> bool:
    """A role whose members are never customers."""
    if role.is_bot_managed() or role.permissions.administrator:
        return True
    if agent_role:
        return str(role.id) == agent_role
    return role.permissions.manage_messages  # its members are agents by that rule


def _staff_member(member: discord.Member, agent_role: str | None) -> bool:
    return member.bot or member.guild_permissions.administrator or is_agent(member, agent_role)


def say_audiences(client: discord.Client, settings: Settings) -> None:
    """At start-up: one INFO line per complaint channel with its verdict and, when
    customers read it, where its cases' guidance goes (or that it is refused)."""
    for channel_id in settings.discord_channels:
        judged = judge_id(client, channel_id, settings)
        channel = client.get_channel(int(channel_id)) if channel_id.isdigit() else None
        name = f"#{getattr(channel, 'name', '?')} ({channel_id})" if channel else channel_id
        if judged.audience is Audience.TEAM:
            log.info("Discord: complaints channel %s is for the team (%s)", name, judged.why)
            continue
        problem = private_thread_problem(channel, settings.discord_agent_role)
        if settings.discord_staff_channel:
            where = f"its cases' guidance goes to staff channel {settings.discord_staff_channel}"
        elif problem is None:
            where = (
                "each case's guidance goes to a private thread there; give the agents' role "
                "Manage Threads on it so every agent sees every case's private thread"
            )
        else:
            log.info(
                "Discord: customers can read complaints channel %s (%s): Sereno opens no case "
                "and posts nothing there (no private thread: %s); if customers never read it, "
                "list it in %s, or set %s",
                name,
                judged.why,
                problem,
                judged.setting,
                STAFF_SETTING,
            )
            continue
        log.info(
            "Discord: customers can read complaints channel %s (%s): %s", name, judged.why, where
        )
