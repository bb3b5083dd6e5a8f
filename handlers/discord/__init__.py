"""The Discord adapter: complaint threads, reactions, /complaint and persistent buttons."""

from __future__ import annotations

from collections.abc import Callable

import discord
import discord.gateway
import discord.http
import yarl

from bot.settings import Settings, SettingsError
from bot.wiring import App

__all__ = ["point_at", "serve"]


def point_at(settings: Settings) -> Callable[[], None]:
    """Aim discord.py's REST base and gateway at the configured URLs; returns an undo."""
    route, socket = discord.http.Route, discord.gateway.DiscordWebSocket
    before = route.BASE, socket.DEFAULT_GATEWAY
    route.BASE = settings.discord_api_url.rstrip("/")
    socket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)

    def restore() -> None:
        route.BASE, socket.DEFAULT_GATEWAY = before

    return restore


async def serve(app: App) -> None:
    """Run the Discord adapter in the current event loop until cancelled."""
    from handlers.discord.client import SerenoClient

    token = app.settings.discord_bot_token
    if not token:
        raise SettingsError("DISCORD_BOT_TOKEN: not set; put it in .env (see .env.example)")
    restore = point_at(app.settings)
    try:
        async with SerenoClient(app) as client:
            await client.start(token)
    except discord.LoginFailure:
        raise SettingsError(
            "DISCORD_BOT_TOKEN: Discord rejected this token; copy it again "
            "from the Developer Portal (Bot → Reset Token)"
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise SettingsError(
            "DISCORD_BOT_TOKEN: this bot may not read message text; enable "
            "Message Content Intent in the Developer Portal (Bot → Privileged "
            "Gateway Intents)"
        ) from None
    finally:
        restore()
