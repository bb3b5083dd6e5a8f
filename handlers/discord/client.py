"""The Discord client: gateway events in, /complaint and buttons, the outbox out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.core.cases.audience import AudienceGuard
from bot.wiring import App
from handlers.discord import events, reply
from handlers.discord.buttons import SerenoButton
from handlers.discord.commands import ComplaintCommands
from handlers.discord.inbox import CAPTURED, DiscordIngress, capturing
from handlers.discord.menu import ReadingSelect
from handlers.discord.staff import StaffPlaces
from handlers.discord.startup import check_pings, sync_commands
from handlers.discord.visibility import say_audiences

log = logging.getLogger(__name__)

MAX_RATELIMIT_WAIT = 10.0  # longer waits come back to the outbox as RateLimited


def guard_parsers(parsers: dict[str, Callable[[Any], Any]]) -> None:
    """A gateway event discord.py cannot parse is logged and skipped, never fatal."""
    for event, parse in list(parsers.items()):
        parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def guarded(data: Any) -> Any:
        try:
            return parse(data)
        except Exception as exc:
            log.error("Discord: skipped a %s event discord.py could not read (%r)", event, exc)
            return None

    return guarded


def intents() -> discord.Intents:
    """Guilds, messages, reactions and the privileged Message Content; no member list."""
    wanted = discord.Intents.default()
    wanted.message_content = True
    return wanted


class SerenoClient(discord.Client):
    """One Discord connection serving every complaint channel."""

    def __init__(
        self,
        app: App,
        on_ready: Callable[[], None] = lambda: None,
        ingress: DiscordIngress | None = None,
        on_connect: Callable[[], None] = lambda: None,
        places: StaffPlaces | None = None,
    ) -> None:
        # Sereno never joins voice: spare newcomers discord.py's warnings about voice libraries
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(),
            guild_ready_timeout=app.settings.discord_ready_timeout.total_seconds(),
            max_ratelimit_timeout=MAX_RATELIMIT_WAIT,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=True, users=True),
        )
        self.app = app
        self.places = places or StaffPlaces(
            AudienceGuard(app.engine, app.settings.leads), app.settings
        )
        self.tree = app_commands.CommandTree(self)
        self._on_ready = on_ready
        self._on_connect = on_connect
        if ingress is not None:
            ingress.install(self, self._connection.parsers)
        self._take_back_reply_forms()
        self._snapshot_at_ready()
        guard_parsers(self._connection.parsers)

    def _snapshot_at_ready(self) -> None:
        """`on_connect` (the catch-up's snapshot of the cursors) runs as READY is parsed,
        before any event behind it: discord.py's own ``on_connect`` is a task of its own,
        so a message right behind READY in the same read of the socket was kept first
        (moving its channel's cursor), and the catch-up then skipped what was posted while
        Sereno was away. Only a new session's READY: a RESUME replays events itself."""
        parsers = self._connection.parsers
        parse = parsers["READY"]

        def parse_ready(data: Any) -> Any:
            try:
                self._on_connect()
            except Exception:  # the cursors are read again by the catch-up itself
                log.exception("Discord: could not note where the catch-up starts")
            return parse(data)

        parsers["READY"] = parse_ready

    def _take_back_reply_forms(self) -> None:
        """A reply form opened before a restart is registered again as it is submitted."""
        parsers = self._connection.parsers
        parse = parsers["INTERACTION_CREATE"]

        def parse_interaction(data: Any) -> Any:
            try:
                reply.revive(self._connection, self.app, data)
            except Exception:  # the interaction itself still goes on
                log.exception("Discord: could not take back a reply form")
            return parse(data)

        parsers["INTERACTION_CREATE"] = parse_interaction

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        """While a kept event is replayed, what it dispatches goes to the inbox worker."""
        captured = capturing()
        if captured is not None and event in CAPTURED:
            captured.append((event, args))
            return
        super().dispatch(event, *args, **kwargs)

    async def handle_kept(self, event: str, *args: Any) -> None:
        """Sereno's handler for a dispatch captured from a kept event; errors propagate."""
        if event == "message":
            events.message(self.app, args[0], self.places)
        elif event == "raw_message_edit":
            events.edit(self.app, args[0])
        elif event == "raw_message_delete":
            events.delete(self.app, self, args[0])
        elif event in ("raw_reaction_add", "raw_reaction_remove"):
            await events.reaction(self.app, self, args[0], added=event == "raw_reaction_add")

    async def setup_hook(self) -> None:
        """Register buttons and commands, then sync them."""
        self.add_dynamic_items(SerenoButton, ReadingSelect)
        self.tree.add_command(ComplaintCommands(self.app))
        await sync_commands(self.tree, self.app.settings)  # a failure is logged, not fatal

    async def on_ready(self) -> None:
        """Log where Sereno listens, let the outbox go, warn if pings would notify no one,
        say who can read each complaints channel and the staff channel."""
        self._on_ready()
        log.info(
            "Discord: connected as %s, complaint channels %s",
            self.user,
            ", ".join(self.app.settings.discord_channels),
        )
        check_pings(self, self.app.settings)
        say_audiences(self, self.app.settings)
        self.places.check_staff_channel(self)

    async def on_message(self, message: discord.Message) -> None:
        """A new message anywhere the bot can see."""
        events.message(self.app, message, self.places)

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
