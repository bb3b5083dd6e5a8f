"""The Discord adapter at run time: connect, work the inbox, deliver the outbox."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl

from bot.core.base.outbox import Fatal, TransientError
from bot.core.cases import replies
from bot.core.cases.audience import AudienceGuard
from bot.core.delivery.drainer import OutboxDrainer
from bot.core.delivery.inbox import InboxWorker, NotNow, Unworkable
from bot.core.delivery.inbox_report import parked_reporter
from bot.core.delivery.refusals import refusal_reporter
from bot.settings import Settings, SettingsError
from bot.supervisor import Job
from bot.wiring import App
from handlers.catchup import CatchUpRunner
from handlers.discord.catchup import catch_up
from handlers.discord.client import SerenoClient
from handlers.discord.inbox import DiscordIngress
from handlers.discord.messenger import DiscordMessenger
from handlers.discord.people import PLATFORM
from handlers.discord.staff import StaffPlaces

__all__ = ["DiscordRuntime", "jobs", "point_at", "serve"]


def point_at(settings: Settings) -> Callable[[], None]:
    """Aim discord.py's REST base and gateway at the configured URLs; returns an undo."""
    route, socket = discord.http.Route, discord.gateway.DiscordWebSocket
    before = route.BASE, socket.DEFAULT_GATEWAY
    route.BASE = settings.discord_api_url.rstrip("/")
    socket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)

    def restore() -> None:
        route.BASE, socket.DEFAULT_GATEWAY = before

    return restore


#: Gateway close codes after which reconnecting cannot help (Discord's documented meanings).
FATAL_CLOSE = {
    4004: "authentication failed: the token is wrong",
    4010: "invalid shard",
    4011: "sharding required",
    4012: "invalid API version",
    4013: "invalid intents",
    4014: "disallowed intents",
}
BAD_TOKEN = (
    "DISCORD_BOT_TOKEN: Discord rejected this token; copy it again "
    "from the Developer Portal (Bot → Reset Token)"
)
NO_CONTENT_INTENT = (
    "DISCORD_BOT_TOKEN: this bot may not read message text; enable "
    "Message Content Intent in the Developer Portal (Bot → Privileged "
    "Gateway Intents)"
)


class DiscordRuntime:
    """The gateway connection (a new client per connection) and the outbox that outlives it."""

    def __init__(self, app: App) -> None:

        self.app = app
        self.client: discord.Client | None = None
        lead = app.settings.discord_lead
        lead = lead if lead and lead.isdigit() else None
        self.guard = AudienceGuard(app.engine, {PLATFORM: lead})  # one per process: tells once
        self.places = StaffPlaces(self.guard, app.settings)  # sets guard.staff["discord"]
        self.ingress = DiscordIngress(
            app,
            lambda ingress: InboxWorker(
                app.store,
                app.engine.clock,
                PLATFORM,
                self._process,
                ready=ingress.ready,
                on_parked=parked_reporter(app.engine, PLATFORM, lead),
            ),
        )

        self.catch_up = CatchUpRunner(
            PLATFORM, app.store, app.settings.discord_channels, self._catch_up, app.engine.clock.now
        )
        self.drainer = OutboxDrainer(
            app.store,
            DiscordMessenger(self._connected, app.store, app.settings, self.places),
            app.engine.clock,
            on_refused=refusal_reporter(app.engine, lead if lead and lead.isdigit() else None),
            ready=self._ready,
            on_sent=replies.on_sent(app.engine),
        )

    async def _process(self, row: Any) -> None:
        """Work one kept gateway event through the connected client."""

        client = self.client
        if client is None or not self.ingress.ready():
            raise NotNow()
        try:
            captured = self.ingress.replay(row.kind, row.payload)
        except Exception as exc:  # the same data will never parse: set it aside now
            raise Unworkable(
                f"skipped a {row.kind} event discord.py could not read ({exc!r})"
            ) from None
        for event, args in captured:
            await client.handle_kept(event, *args)  # type: ignore[attr-defined]

    def _on_ready(self) -> None:
        """Guilds are cached again: deliver, work kept events, catch up what was missed."""
        self.drainer.wake()
        self.ingress.worker.wake()
        self.catch_up.start()

    async def _catch_up(self, now: Any, since: Any) -> None:

        client = self.client
        if client is None:
            return
        await catch_up(client, self.app.store, self.app.settings.discord_channels, now, since=since)
        self.ingress.worker.wake()

    def _ready(self) -> bool:
        return self.client is not None and self.client.is_ready() and not self.client.is_closed()

    def ready(self) -> bool:
        """Connected to the gateway and READY (the heartbeat's readiness, `bot.health`)."""
        return self._ready()

    def _connected(self) -> discord.Client:
        if self.client is None:
            raise TransientError("not connected to Discord")
        return self.client

    async def connect(self) -> None:
        """The connection job: one gateway session until it ends; Fatal for a bad token."""

        token = self.app.settings.discord_bot_token
        if not token:
            raise Fatal("DISCORD_BOT_TOKEN: not set; put it in .env (see .env.example)")
        restore = point_at(self.app.settings)
        try:
            sereno_client = SerenoClient(
                self.app,
                self._on_ready,
                self.ingress,
                on_connect=self.catch_up.snapshot,
                places=self.places,
            )
            async with sereno_client as client:
                self.client = client
                await client.start(token)
        except discord.LoginFailure:
            raise Fatal(BAD_TOKEN) from None
        except discord.PrivilegedIntentsRequired:
            raise Fatal(NO_CONTENT_INTENT) from None
        except discord.ConnectionClosed as exc:
            if exc.code in FATAL_CLOSE:
                raise Fatal(
                    f"DISCORD_BOT_TOKEN: Discord closed the gateway with {exc.code} "
                    f"({FATAL_CLOSE[exc.code]})"
                ) from None
            raise
        finally:
            await self.catch_up.stop()
            if self.client is not None:
                self.ingress.detach(self.client)
            self.client = None
            restore()

    async def deliver(self) -> None:
        """The outbox job: deliver whenever connected, woken by the engine."""
        await self.drainer.run_woken_by(self.app.engine.on_outbox)

    async def work_inbox(self) -> None:
        """The inbox job: work kept gateway events whenever connected."""
        await self.ingress.worker.run()


def jobs(app: App) -> list[Job]:
    """Discord's jobs for the supervisor: the gateway connection, the inbox and the outbox."""
    runtime = DiscordRuntime(app)
    return [
        Job("discord", runtime.connect, group=PLATFORM, ready=runtime.ready),
        Job("discord-inbox", runtime.work_inbox, group=PLATFORM),
        Job("discord-outbox", runtime.deliver, group=PLATFORM, stop_first=True),
    ]


async def serve(app: App) -> None:
    """Run Discord alone until cancelled (tests); a bad token raises SettingsError."""

    runtime = DiscordRuntime(app)
    background = [
        asyncio.create_task(runtime.deliver(), name="discord-outbox"),
        asyncio.create_task(runtime.work_inbox(), name="discord-inbox"),
    ]
    try:
        await runtime.connect()
    except Fatal as exc:
        raise SettingsError(str(exc)) from None
    finally:
        for task in background:
            task.cancel()
        for task in background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
