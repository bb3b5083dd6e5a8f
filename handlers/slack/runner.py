"""Starting Sereno on Slack: Socket Mode or HTTP, the inbox worker and the outbox drainer.

What Slack sends is written to the inbox before it is acknowledged
(`handlers.slack.ingress`); the inbox worker hands it to bolt, whose listeners
call the core; the drainer delivers what the core queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.base.outbox import Fatal, TransientError
from bot.core.cases import replies
from bot.core.cases.audience import Audience, AudienceGuard
from bot.core.delivery.drainer import OutboxDrainer
from bot.core.delivery.inbox import InboxWorker
from bot.core.delivery.inbox_report import parked_reporter
from bot.core.delivery.refusals import refusal_reporter
from bot.health import storage_ready
from bot.settings import SettingsError
from bot.supervisor import Job
from bot.wiring import App
from handlers.catchup import CatchUpRunner
from handlers.slack import reply_form
from handlers.slack.catchup import catch_up as slack_catch_up
from handlers.slack.health import healthz_first
from handlers.slack.ingress import (
    PERSON_LANE,
    SlackIngress,
    http_handler,
    replayer,
)
from handlers.slack.listeners import SlackBridge, register
from handlers.slack.messenger import FATAL, PLATFORM, SlackMessenger, error_code
from handlers.slack.people import SlackPeople
from handlers.slack.pooled import PooledWebClient
from handlers.slack.render import mention_text
from handlers.slack.replying import ReplyForms
from handlers.slack.signing import signed_only
from handlers.slack.turns import Turns, in_turns
from handlers.slack.visibility import SlackVisibility, Unknown

if TYPE_CHECKING:
    from handlers.slack.socket_ingress import InboxSocketModeHandler

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
IDENTIFY_FIRST_AFTER = 1.0  # auth.test again, when it failed at start: 1 s, 2 s, … 30 s
IDENTIFY_AT_MOST_EVERY = 30.0


@dataclass
class SlackRuntime:
    """The bolt app, its client and the drainer, built from settings."""

    app: App
    socket_mode: bool
    bolt: AsyncApp = field(init=False)
    client: PooledWebClient = field(init=False)
    people: SlackPeople = field(init=False)
    drainer: OutboxDrainer = field(init=False)
    inbox: InboxWorker = field(init=False)
    ingress: SlackIngress = field(init=False)
    catch_up: CatchUpRunner = field(init=False)
    guard: AudienceGuard = field(init=False)
    visibility: SlackVisibility = field(init=False)
    turns: Turns = field(default_factory=Turns)  # a burst is kept a slice per loop turn
    _identity: dict[str, Any] | None = None
    _serving: bool = False  # the socket was opened, or the Events API listens
    _socket: Any = None  # Socket Mode's websocket client, while connected
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        s = self.app.settings
        if not self.socket_mode and not s.slack_signing_secret:
            raise SettingsError("SLACK_SIGNING_SECRET: required for HTTP mode")
        self.client = client = PooledWebClient(token=s.slack_bot_token, base_url=s.slack_api_url)
        # Bodies reach bolt from the inbox, already checked and kept: as Socket Mode
        # hands them over, unsigned, and with the listener finished when dispatch returns.
        self.bolt = _quiet_bolt(client, self._authorize)
        self.people = people = SlackPeople(
            client, s.slack_agents, s.slack_agent_group, s.slack_lead
        )
        channels, source_bots = frozenset(s.slack_channels), frozenset(s.slack_source_bots)
        lead = s.slack_lead if s.slack_lead and s.slack_lead[0] in "UW" else None
        triage = s.slack_triage_channel
        self.guard = AudienceGuard(
            self.app.engine, {PLATFORM: lead}, {PLATFORM: triage} if triage else {}
        )
        self.visibility = SlackVisibility(
            people,
            frozenset(s.slack_customer_channels),
            frozenset(s.slack_internal_channels),
            me=lambda: (self._identity or {}).get("user_id"),
        )
        bridge = SlackBridge(
            self.app, people, channels, source_bots, self.guard, self.visibility, triage
        )
        register(self.bolt, bridge)
        store, clock = self.app.store, self.app.engine.clock
        self.inbox = InboxWorker(
            store,
            clock,
            PLATFORM,
            replayer(self.bolt),
            on_parked=parked_reporter(self.app.engine, PLATFORM, lead),
            urgent=lambda lane: lane.startswith(PERSON_LANE),  # commands, buttons: 3 s
            between=self.turns.lull,  # a burst is acknowledged first, posting meanwhile
        )
        forms = ReplyForms(self.app.engine, people, client, self.visibility)
        self.bolt.view(reply_form.CALLBACK)(forms.on_submission)
        self.ingress = SlackIngress(
            self.inbox, store, clock, channels, source_bots, triage, forms=forms, warm=people.warm
        )
        self.catch_up = CatchUpRunner(PLATFORM, store, s.slack_channels, self._catch_up, clock.now)
        messenger = SlackMessenger(
            client,
            s.slack_post_interval.total_seconds(),
            mentions=lambda card: mention_text(
                card, s.slack_agents, s.slack_agent_group, s.slack_lead
            ),
            ping_dm=s.slack_ping_dm,
            judge=self.visibility.judge,
        )
        self.drainer = OutboxDrainer(
            self.app.store,
            messenger,
            self.app.engine.clock,
            on_refused=refusal_reporter(self.app.engine, lead),
            on_sent=replies.on_sent(self.app.engine),
        )

    async def _authorize(self) -> AuthorizeResult:
        """Who Sereno is (bolt needs it to ignore its own posts), from one auth.test.

        Raising here (Slack unreachable) makes the inbox try the event again later."""
        if self._identity is None:
            try:
                self._identity = dict((await self.client.auth_test()).data)
            except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                raise TransientError(f"auth.test failed: {exc}") from None
        return AuthorizeResult.from_auth_test_response(
            auth_test_response=self._identity, bot_token=self.client.token
        )

    async def check_token(self) -> None:
        """Stop Slack with one line if the token is refused; a network failure only warns."""
        try:
            self._identity = dict((await self.client.auth_test()).data)
        except SlackApiError as exc:
            error = error_code(exc)
            if error in FATAL:
                raise Fatal(
                    f"SLACK_BOT_TOKEN: Slack answered {error}; copy the Bot User OAuth Token "
                    "again (OAuth & Permissions)"
                ) from None
            log.warning("Slack: auth.test failed (%s); serving anyway", error or exc)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("Slack: cannot reach Slack yet (%r); serving anyway", exc)

    async def _identify(self) -> None:
        """Ask auth.test again, with backoff, until Slack has said who Sereno is: until then
        Sereno is not ready (`ready`), even when no event comes to ask it."""
        delay = IDENTIFY_FIRST_AFTER
        while self._identity is None:
            await asyncio.sleep(delay)
            delay = min(IDENTIFY_AT_MOST_EVERY, delay * 2)
            with contextlib.suppress(TransientError):
                await self._authorize()
        log.info("Slack: auth.test answered; ready")

    def ready(self) -> bool:
        """The client has started: connected (Socket Mode) or listening (HTTP), and Slack
        has answered auth.test."""
        if not self._serving or self._identity is None:
            return False
        socket = self._socket  # between reconnects, slack_sdk has no open session
        session = None if socket is None else socket.current_session
        return socket is None or (not socket.closed and session is not None and not session.closed)

    def problem(self) -> str | None:
        """Why /healthz answers 503, or None for 200: storage, then Slack."""
        if not storage_ready(lambda: self.app.store.db.execute("select 1"))():
            return "storage is not open"
        if not self._serving:
            return "Slack client not started"
        if not self.ready() and self._identity is not None:
            return "Slack's Socket Mode connection is down; reconnecting"
        if self._identity is None:
            return "Slack has not answered auth.test yet"
        return None

    async def deliver(self) -> None:
        """The outbox job: deliver forever, woken by the engine."""
        await self.drainer.run_woken_by(self.app.engine.on_outbox)

    def start_drainer(self) -> None:
        """Work the inbox and deliver the outbox in the background (for tests that serve
        `web_app` or `socket_handler` themselves)."""
        self._tasks.append(asyncio.create_task(self.inbox.run(), name="slack-inbox"))
        self._tasks.append(asyncio.create_task(self.deliver(), name="slack-outbox"))

    def socket_handler(self) -> InboxSocketModeHandler:
        """The Socket Mode connection, acknowledging envelopes once kept (its module, and
        Socket Mode's client with it, imported only now: HTTP mode never needs them)."""
        from handlers.slack.socket_ingress import InboxSocketModeHandler

        return InboxSocketModeHandler(
            self.bolt, self.app.settings.slack_app_token or "", self.ingress, self.turns
        )

    async def stop(self) -> None:
        """Stop what `start_drainer` started."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.close_clients()

    async def close_clients(self) -> None:
        """Close the Web API clients' kept connections."""
        await self.client.close()
        await self.people.client.close()

    async def _catch_up(self, now: datetime, since: Mapping[str, str | None] | None) -> None:
        """Feed what the complaint channels received while Sereno was away, then work it."""
        s = self.app.settings
        await slack_catch_up(self.client, self.app.store, s.slack_channels, now, since=since)
        self.inbox.wake()

    async def connect(self) -> None:
        """The connection job: Socket Mode or the Events API over HTTP, until cancelled.

        Catch-up starts from the cursors as they were when the connection began: in
        Socket Mode at each `hello` (a new connection, also after a reconnect); over
        HTTP before the endpoint listens."""
        await self.check_token()
        s = self.app.settings
        survey = asyncio.create_task(self.judge_channels(), name="slack-audience")
        identify = asyncio.create_task(self._identify(), name="slack-identify")
        try:
            if self.socket_mode:
                handler = self.socket_handler()
                handler.client.on_message_listeners.append(self._on_raw_message)
                await handler.connect_async()
                log.info("Slack: connected in Socket Mode")
                self._serving, self._socket = True, handler.client
                try:
                    await asyncio.Event().wait()
                finally:
                    self._serving, self._socket = False, None
                    await handler.close_async()
            else:
                secret = s.slack_signing_secret or ""  # set: checked when the runtime was built
                self.catch_up.snapshot()

                def listening() -> None:
                    self._serving = True
                    self.catch_up.start()

                application = web_app(self.ingress, secret, self.problem, self.turns)
                await _serve_http(application, s.slack_host, s.slack_port, listening)
        finally:
            self._serving = False
            for task in (survey, identify):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.catch_up.stop()
            await self.close_clients()

    async def judge_channels(self) -> None:
        """Say at start who reads each complaints channel: one line each (a refusal is the
        guard's line, and the lead's message). The triage channel first: one customers can
        read is not used, and customer-visible complaints channels are refused instead."""
        await self.judge_triage()
        for channel in self.app.settings.slack_channels:
            try:
                judged = await self.visibility.judge(channel)
                if judged.audience is Audience.TEAM:
                    log.info("Slack: %s: internal (%s)", channel, judged.why)
                self.guard.admits(PLATFORM, channel, judged)
            except Unknown as exc:
                log.warning("Slack: %s: %s; judged again at its next complaint", channel, exc)
            except Exception:  # a bug here must not stop serving: complaints judge again
                log.exception("Slack: %s: could not judge who reads it", channel)

    async def judge_triage(self) -> None:
        """SERENO_SLACK_TRIAGE_CHANNEL must be a channel only the team reads."""
        triage = self.app.settings.slack_triage_channel
        if not triage:
            return
        try:
            judged = await self.visibility.judge(triage)
        except Unknown as exc:
            log.warning("Slack: triage channel %s: %s; judged again before each post", triage, exc)
            return
        if judged.audience is Audience.TEAM:
            log.info("Slack: triage channel %s: internal (%s)", triage, judged.why)
            return
        log.error(
            "SERENO_SLACK_TRIAGE_CHANNEL: customers can read %s (%s); Sereno does not use it, "
            "and complaints channels customers read are refused",
            triage,
            judged.why,
        )
        self.guard.drop_staff(PLATFORM)

    async def _on_raw_message(self, message: aiohttp.WSMessage) -> None:
        """Socket Mode's `hello` opens every new connection: catch up from here."""
        if message.type != aiohttp.WSMsgType.TEXT:
            return
        try:
            kind = json.loads(message.data).get("type")
        except (ValueError, AttributeError):
            return
        if kind == "hello":
            self.catch_up.request()


class _TokenNotice(logging.Filter):
    """Bolt warns at start that SLACK_BOT_TOKEN is unused when a client and `authorize` are
    given; Sereno's client carries that very token, so the warning would only worry."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "token" not in record.getMessage() or record.levelno > logging.WARNING


def _quiet_bolt(client: AsyncWebClient, authorize: Any) -> AsyncApp:
    """The bolt app that dispatches kept bodies; see `SlackRuntime.__post_init__`."""
    bolt_log = logging.getLogger("slack_bolt.AsyncApp")
    if not any(isinstance(f, _TokenNotice) for f in bolt_log.filters):
        bolt_log.addFilter(_TokenNotice())
    return AsyncApp(
        name="sereno",  # without a name bolt reads inspect.stack() to find one: 0.1-0.25 s
        client=client,
        authorize=lambda: authorize(),  # bolt passes what the signature names: nothing
        request_verification_enabled=False,
        process_before_response=True,
    )


def jobs(app: App, http: bool = False) -> list[Job]:
    """Slack's jobs for the supervisor: the connection, the inbox and the outbox."""
    socket_mode = bool(app.settings.slack_app_token) and not http
    runtime = SlackRuntime(app, socket_mode)
    return [
        Job("slack", runtime.connect, group=PLATFORM, ready=runtime.ready),
        Job("slack-inbox", runtime.inbox.run, group=PLATFORM),
        Job("slack-outbox", runtime.deliver, group=PLATFORM, stop_first=True),
    ]


async def serve(app: App, http: bool = False) -> None:
    """Run Sereno on Slack alone until cancelled (tests; `sereno` uses the supervisor)."""
    runtime = SlackRuntime(app, bool(app.settings.slack_app_token) and not http)
    runtime.start_drainer()
    try:
        await runtime.connect()
    finally:
        await runtime.stop()


def web_app(
    ingress: SlackIngress,
    signing_secret: str,
    problem: Callable[[], str | None] | None = None,
    turns: Turns | None = None,
) -> web.Application:
    """The aiohttp app serving Events API, commands and interactivity at EVENTS_PATH,
    behind the signature gate; each request is kept in the inbox before it is answered,
    a few per turn of the loop (`handlers.slack.turns`), so posting interleaves with a burst.
    With `problem`, GET /healthz answers first, unsigned (`handlers.slack.health`)."""
    health = [healthz_first(problem)] if problem else []
    sliced = in_turns(turns or Turns())  # a burst is checked and kept a slice per loop turn
    application = web.Application(middlewares=[*health, sliced, signed_only(signing_secret)])
    application.router.add_post(EVENTS_PATH, http_handler(ingress))
    return application


async def _serve_http(
    application: web.Application, host: str, port: int, listening: Callable[[], None]
) -> None:
    # On SIGTERM, requests in flight get a second; Sereno must stop within 5 s.
    runner = web.AppRunner(application, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Slack: Events API at http://%s:%s%s", host, port, EVENTS_PATH)
    listening()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
