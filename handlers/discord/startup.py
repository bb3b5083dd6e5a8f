"""Start-up on Discord: registering /complaint, who the agents are, and whether Sereno's
pings can notify anyone.

Neither may stop Sereno: without commands, complaints, reactions and buttons still work;
a ping that notifies no one is still posted. Each problem is one clear log line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp
import discord
from discord import app_commands

from bot.settings import Settings
from handlers.discord.people import say_agents

log = logging.getLogger(__name__)

# whatever Discord answers, or does not: HTTP errors, a long rate limit, the network
SYNC_FAILURES = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError)
STILL_WORKS = "complaints, reactions and buttons still work without it"
NAMED_CHANNELS = 3
MENTIONABLE_HOW = (
    "turn on 'Allow anyone to @mention this role' (Server Settings → Roles) "
    "or give Sereno the Mention Everyone permission"
)


async def sync_commands(tree: app_commands.CommandTree, settings: Settings) -> bool:
    """Register /complaint (one server with DISCORD_GUILD_ID); False, logged, on failure."""
    try:
        if settings.discord_guild_id:
            guild = discord.Object(int(settings.discord_guild_id))
            tree.copy_global_to(guild=guild)
            await tree.sync(guild=guild)
        else:
            await tree.sync()
    except SYNC_FAILURES as exc:
        log.error("Discord: /complaint is not registered: %s; %s.", sync_failure(exc), STILL_WORKS)
        return False
    return True


def sync_failure(exc: BaseException) -> str:
    """Why a command sync failed, in one line."""
    if isinstance(exc, discord.Forbidden):
        return (
            f"Discord refused it ({_one_line(exc.text) or 'Forbidden'}): invite Sereno with "
            "the applications.commands scope (see the README)"
        )
    if isinstance(exc, discord.HTTPException) and exc.status < 500:
        return f"Discord answered {exc.status} (code {exc.code}): {_one_line(exc.text)}"
    if isinstance(exc, discord.HTTPException):
        return f"Discord answered {exc.status} (tried again at the next start)"
    if isinstance(exc, discord.RateLimited):
        return f"Discord rate-limited it for {exc.retry_after:.0f}s (tried again at the next start)"
    return (
        f"Discord could not be reached ({type(exc).__name__}: {_one_line(str(exc))}; "
        "tried again at the next start)"
    )


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def check_pings(client: discord.Client, settings: Settings) -> bool:
    """Say who the agents are, and warn in one line when pings would notify no one; True
    when they can (called once the servers are known)."""
    say_agents(client.guilds, settings.discord_agent_role)
    problems = ping_problems(client.guilds, settings)
    if problems:
        log.warning("Discord: pings would notify no one: %s.", "; ".join(problems))
    return not problems


def ping_problems(guilds: Sequence[discord.Guild], settings: Settings) -> list[str]:
    """What keeps the agent role (and a lead role) from being notified by Sereno's pings."""
    channels = settings.discord_channels
    if not settings.discord_agent_role:
        problems = [
            "SERENO_DISCORD_AGENT_ROLE is not set, so pings mention no role (only an "
            "assigned agent); set it to the id of the agents' role"
        ]
    else:
        role = settings.discord_agent_role
        problems = _role_problems("agents'", "SERENO_DISCORD_AGENT_ROLE", role, guilds, channels)
    lead = settings.discord_lead or ""
    if lead.startswith("role:") and lead[5:] != settings.discord_agent_role:
        problems += _role_problems("lead", "SERENO_DISCORD_LEAD", lead[5:], guilds, channels)
    return problems


def _role_problems(
    whose: str,
    setting: str,
    role_id: str,
    guilds: Sequence[discord.Guild],
    channels: Sequence[str],
) -> list[str]:
    found = (g.get_role(int(role_id)) for g in guilds if role_id.isdigit())
    role = next((r for r in found if r is not None), None)
    if role is None:
        return [f"{setting} {role_id} is not a role in any server Sereno is in"]
    lacking = "" if role.mentionable else _without_mention_everyone(role.guild, channels)
    if not lacking:
        return []
    return [
        f"the {whose} role @{role.name} ({setting}) is not mentionable and Sereno lacks Mention "
        f"Everyone in {lacking}; {MENTIONABLE_HOW}"
    ]


def _without_mention_everyone(guild: discord.Guild, channels: Sequence[str]) -> str:
    """Where Sereno may not mention a role that is not mentionable ("" when nowhere)."""
    me = guild.me
    if me is None:
        return guild.name
    here = [c for c in (guild.get_channel(int(i)) for i in channels if i.isdigit()) if c]
    if not here:
        return "" if me.guild_permissions.mention_everyone else guild.name
    lacking = [f"#{c.name}" for c in here if not c.permissions_for(me).mention_everyone]
    if len(lacking) > NAMED_CHANNELS:  # keep the warning one readable line
        return ", ".join(lacking[:NAMED_CHANNELS]) + f" and {len(lacking) - NAMED_CHANNELS} more"
    return ", ".join(lacking)
