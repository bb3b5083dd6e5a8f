"""Starting Sereno on Slack: Socket Mode or HTTP, plus the outbox drainer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.outbox import OutboxDrainer
from bot.settings import SettingsError
from bot.wiring import App
from handlers.slack.listeners import SlackBridge, register
from handlers.slack.messenger import SlackMessenger
from handlers.slack.people import SlackPeople
from handlers.slack.render import mention_text

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


@dataclass
class SlackRuntime:
    """The bolt app, its client and the drainer, built from settings."""

    app: App
    socket_mode: bool
    bolt: AsyncApp = field(init=False)
    drainer: OutboxDrainer = field(init=False)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        s = self.app.settings
        if not self.socket_mode and not s.slack_signing_secret:
            raise SettingsError("SLACK_SIGNING_SECRET: required for HTTP mode")
        client = AsyncWebClient(token=s.slack_bot_token, base_url=s.slack_api_url)
        self.bolt = AsyncApp(
            client=client,
            signing_secret=s.slack_signing_secret or "unused-in-socket-mode",
            request_verification_enabled=not self.socket_mode,
        )
        people = SlackPeople(client, s.slack_agents, s.slack_agent_group)
        register(
            self.bolt,
            SlackBridge(
                self.app, people, frozenset(s.slack_channels), frozenset(s.slack_source_bots)
            ),
        )
        messenger = SlackMessenger(
            client,
            s.slack_post_interval.total_seconds(),
            mentions=lambda card: mention_text(
                card, s.slack_agents, s.slack_agent_group, s.slack_lead
            ),
            ping_dm=s.slack_ping_dm,
        )
        self.drainer = OutboxDrainer(self.app.store, messenger, self.app.engine.clock)
        self.app.engine.on_outbox.append(self.drainer.wake)

    def start_drainer(self) -> None:
        """Deliver the outbox in the background (and what a crash left unsent)."""
        self._tasks.append(asyncio.create_task(self.drainer.run(), name="slack-outbox"))

    async def stop(self) -> None:
        """Stop background work."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.drainer.wake in self.app.engine.on_outbox:
            self.app.engine.on_outbox.remove(self.drainer.wake)


async def serve(app: App, http: bool = False) -> None:
    """Run Sereno on Slack until cancelled."""
    socket_mode = bool(app.settings.slack_app_token) and not http
    runtime = SlackRuntime(app, socket_mode)
    runtime.start_drainer()
    try:
        if socket_mode:
            handler = AsyncSocketModeHandler(runtime.bolt, app.settings.slack_app_token)
            await handler.connect_async()
            log.info("Slack: connected in Socket Mode")
            try:
                await asyncio.Event().wait()
            finally:
                await handler.close_async()
        else:
            await _serve_http(runtime.bolt, app.settings.slack_host, app.settings.slack_port)
    finally:
        await runtime.stop()


@web.middleware
async def _reject_malformed(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A body bolt cannot parse is the sender's mistake: 400, not a 500 and a traceback."""
    try:
        return await handler(request)
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, ValueError) as exc:
        log.warning("Slack: malformed request refused (%s)", type(exc).__name__)
        return web.json_response({"error": "malformed request"}, status=400)


def web_app(bolt: AsyncApp) -> web.Application:
    """The aiohttp app serving Events API, commands and interactivity at EVENTS_PATH."""
    application = bolt.web_app(path=EVENTS_PATH)
    application.middlewares.append(_reject_malformed)
    return application


async def _serve_http(bolt: AsyncApp, host: str, port: int) -> None:
    runner = web.AppRunner(web_app(bolt))
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Slack: Events API at http://%s:%s%s", host, port, EVENTS_PATH)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
