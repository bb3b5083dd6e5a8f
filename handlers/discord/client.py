"""The Discord client: gateway events in, /complaint and buttons, the outbox out."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
from discord import app_commands

from bot.core.outbox import OutboxDrainer
from bot.wiring import App
from handlers.discord import events
from handlers.discord.buttons import SerenoButton
from handlers.discord.commands import ComplaintCommands
from handlers.discord.messenger import DiscordMessenger
from handlers.discord.startup import check_pings, sync_commands

log = logging.getLogger(__name__)

MAX_RATELIMIT_WAIT = 60.0  # longer waits come back to the outbox as RateLimited
RESTART_PAUSE = 5.0


def intents() -> discord.Intents:
    """Guilds, messages, reactions and the privileged Message Content; no member list."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    return wanted


class SerenoClient(discord.Client):
    """One Discord connection serving every complaint channel."""

    def __init__(self, app: App) -> None:
        # Sereno never joins voice: spare newcomers discord.py's warnings about voice libraries
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(),
            guild_ready_timeout=app.settings.discord_ready_timeout.total_seconds(),
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=True, users=True),
        )
        self.app = app
        self.tree = app_commands.CommandTree(self)
        self.drainer = OutboxDrainer(
            app.store, DiscordMessenger(self, app.store, app.settings), app.engine.clock
        )
        self._drain_task: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        """Register buttons and commands, sync them, start delivering the outbox."""
        self.add_dynamic_items(SerenoButton)
        self.tree.add_command(ComplaintCommands(self.app))
        await sync_commands(self.tree, self.app.settings)  # a failure is logged, not fatal
        self.app.engine.on_outbox.append(self.drainer.wake)
        self._drain_task = asyncio.create_task(self._drain(), name="sereno-discord-outbox")

    async def _drain(self) -> None:
        """Send the outbox once connected; a crash is logged and the loop restarted."""
        await self.wait_until_ready()
        while not self.is_closed():
            try:
                await self.drainer.run()
            except Exception:
                log.exception("Discord outbox loop failed; restarting in %ss", RESTART_PAUSE)
                await asyncio.sleep(RESTART_PAUSE)

    async def close(self) -> None:
        """Stop delivering, then disconnect."""
        if self.drainer.wake in self.app.engine.on_outbox:
            self.app.engine.on_outbox.remove(self.drainer.wake)
        if self._drain_task is not None:
            self._drain_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain_task
        await super().close()

    async def on_ready(self) -> None:
        """Log where Sereno listens, and warn if its pings would notify no one."""
        log.info(
            "Discord: connected as %s, complaint channels %s",
            self.user,
            ", ".join(self.app.settings.discord_channels),
        )
        check_pings(self, self.app.settings)

    async def on_message(self, message: discord.Message) -> None:
        """A new message anywhere the bot can see."""
        events.message(self.app, message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edited message, cached or not."""
        events.edit(self.app, payload)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        """A deleted message, cached or not."""
        events.delete(self.app, self, payload)

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        """A reaction, also on messages posted before a restart."""
        await events.reaction(self.app, self, payload, added=True)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        """A removed reaction."""
        await events.reaction(self.app, self, payload, added=False)
