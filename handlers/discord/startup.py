"""Start-up on Discord: registering /complaint.

It may not stop Sereno: without commands, complaints, reactions and buttons still work.
A failure is one clear log line.
"""

from __future__ import annotations

import logging

import aiohttp
import discord
from discord import app_commands

from bot.settings import Settings

log = logging.getLogger(__name__)

# whatever Discord answers, or does not: HTTP errors, a long rate limit, the network
SYNC_FAILURES = (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError)
STILL_WORKS = "complaints, reactions and buttons still work without it"


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
