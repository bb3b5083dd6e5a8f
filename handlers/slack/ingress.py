"""Slack events into the inbox before Slack hears "received", and out of it through bolt.

Over HTTP the endpoint answers 200 only once the event is written; when nothing
can be written it answers 503 to events (Slack sends them again) and a polite
ephemeral line to commands and buttons (the person sees it and can try again).
In Socket Mode the envelope is acknowledged only once written (`socket_ingress`,
imported only when Socket Mode runs). A click on "Reply…"
never enters the inbox: its form must open within Slack's 3 s (`handlers.slack.replying`
answers it, and a submitted form whose text cannot go, in the acknowledgement). The inbox
worker later hands each kept body to bolt as Socket Mode would (a dict, no
signature), with `process_before_response`, so the listener has finished, and
its error is known, when `replay` returns.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.core.base.ports import Clock
from bot.core.base.store_port import StoreUnavailable
from bot.core.delivery.inbox import InboxWorker
from bot.core.delivery.inbox_rows import InboxRow, InboxStore
from handlers.slack import reply_form
from handlers.slack.people import PLATFORM
from handlers.slack.replying import Answered, ReplyForms
from handlers.slack.signing import BODY

log = logging.getLogger(__name__)

EVENTS, COMMANDS, INTERACTIVE = "events_api", "slash_commands", "interactive"
PERSON_LANE = "user:"  # one person's commands and clicks: someone waits for the answer
NEW_MESSAGE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "bot_message"})
_LISTENED = frozenset(
    {"message", "reaction_added", "reaction_removed", "app_mention", "member_joined_channel"}
)
UNAVAILABLE_TEXT = (
    "Sereno could not save this just now (its storage is busy or full), so nothing was "
    "done. Please try again in a minute."
)


class Taken(Enum):
    KEPT = "kept"
    SEEN = "seen before"
    IGNORED = "not for Sereno"
    UNAVAILABLE = "storage unavailable"


@dataclass(frozen=True)
class Entry:
    """Where an event queues: its de-duplication key, its lane and its author."""

    key: str
    lane: str
    author: str | None
    message_ts: str | None = None  # a new message in a complaint channel: moves the cursor


def kind_of(body: dict[str, Any]) -> str:
    """Which of Slack's three deliveries a parsed HTTP body is."""
    if "command" in body:
        return COMMANDS
    if body.get("type") in ("event_callback", "url_verification", "app_rate_limited"):
        return EVENTS
    return INTERACTIVE


def entry(
    kind: str,
    body: dict[str, Any],
    channels: frozenset[str],
    source_bots: frozenset[str],
    triage: str | None = None,
) -> Entry | None:
    """Where a body queues, or None when it is nothing Sereno listens to. In the triage
    channel (`triage`) only reactions and joins count: its messages are the team's."""
    if kind == COMMANDS:
        user = str(body.get("user_id") or "")
        key = f"command:{body.get('trigger_id') or _digest(body)}"
        return Entry(key, PERSON_LANE + user, user)
    if kind == INTERACTIVE:
        user = str((body.get("user") or {}).get("id") or "")
        key = f"action:{body.get('trigger_id') or _digest(body)}"
        return Entry(key, PERSON_LANE + user, user)
    if kind != EVENTS or body.get("type") != "event_callback":
        return None
    event = body.get("event") or {}
    key = str(body.get("event_id") or _digest(body))
    etype = event.get("type")
    if etype not in _LISTENED:
        return None
    if etype == "app_mention":
        return Entry(key, str(event.get("channel") or "-"), event.get("user"))
    channel = (
        event.get("channel")
        if etype in ("message", "member_joined_channel")
        else (event.get("item") or {}).get("channel")
    )
    if triage and channel == triage and etype != "message":
        return Entry(key, channel, event.get("user"))
    if channel not in channels:
        return None
    if etype != "message":
        return Entry(key, channel, event.get("user"))
    subtype = event.get("subtype")
    if subtype not in NEW_MESSAGE_SUBTYPES:
        return Entry(key, channel, (event.get("message") or {}).get("user"))
    bot = event.get("bot_id")
    if bot and bot not in source_bots:
        return None  # Sereno's own posts and other bots: never complaints
    ts = str(event.get("ts") or "")
    return Entry(f"msg:{channel}:{ts}", channel, event.get("user"), ts)


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]


@dataclass
class SlackIngress:
    """Keeps what Slack sends; says whether it may be acknowledged."""

    worker: InboxWorker
    store: InboxStore
    clock: Clock
    channels: frozenset[str]
    source_bots: frozenset[str]
    triage: str | None = None
    forms: ReplyForms | None = None  # the Reply… form, answered before the inbox
    #: Called with a kept message's author (a person, not a bot): their name is looked up
    #: while the event waits (`SlackPeople.warm`).
    warm: Callable[[str], None] | None = None
    _down: bool = field(default=False, init=False)

    async def answered(self, kind: str, body: dict[str, Any]) -> Answered | None:
        """An interaction answered at once, without the inbox (None: keep it as usual)."""
        if kind != INTERACTIVE or self.forms is None:
            return None
        return await self.forms.answer(body)

    def take(self, kind: str, body: dict[str, Any]) -> Taken:
        """Write the event to the inbox (and move the channel's cursor) in one transaction;
        a row heading an idle lane is claimed in it and its lane started once committed."""
        found = entry(kind, body, self.channels, self.source_bots, self.triage)
        if found is None:
            return Taken.IGNORED
        try:
            # Slack waits 3 s for the answer: a lock held longer means "not kept, send again"
            with self.store.brief_waits(), self.store.atomic():
                kept = self.worker.accept_claimed(found.key, found.lane, kind, body, found.author)
                if kept and found.message_ts:
                    self.store.advance_cursor(
                        PLATFORM, found.lane, found.message_ts, self.clock.now()
                    )
        except StoreUnavailable as exc:
            if not self._down:
                log.error("Slack: cannot keep events (%s); not acknowledging them", exc)
            self._down = True
            return Taken.UNAVAILABLE
        if self._down:
            log.info("Slack: keeping events again")
        self._down = False
        if kept and found.message_ts and found.author and self.warm is not None:
            self._warm(body, found.author)  # first: its request goes out before the lane runs
        if isinstance(kept, InboxRow):
            self.worker.work_now(kept)  # committed: its lane starts with it, no claim round
        return Taken.KEPT if kept else Taken.SEEN

    def _warm(self, body: dict[str, Any], author: str) -> None:
        if self.warm is not None and not (body.get("event") or {}).get("bot_id"):
            self.warm(author)  # a bot's message names its person itself (forwarded.py)


def http_handler(ingress: SlackIngress) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The Events API, commands and interactivity endpoint (behind `signed_only`)."""

    async def handle(request: web.Request) -> web.Response:
        body: dict[str, Any] = request[BODY]
        if body.get("ssl_check") == "1":
            return web.Response(status=200)
        if body.get("type") == "url_verification":
            return web.json_response({"challenge": str(body.get("challenge") or "")})
        kind = kind_of(body)
        answered = await ingress.answered(kind, body)
        if answered is not None:
            if answered.payload is None:
                return web.Response(status=200)
            return web.json_response(answered.payload)
        taken = ingress.take(kind, body)
        if taken is not Taken.UNAVAILABLE:
            return web.Response(status=200)
        if kind == EVENTS:
            return web.Response(status=503, text="storage unavailable; send it again later")
        return web.json_response(unavailable(body))

    return handle


def unavailable(body: dict[str, Any]) -> dict[str, Any]:
    """The answer to a command or click that could not be kept: said to the person (a
    reply form stays open, its text kept, saying so)."""
    if reply_form.is_submission(body):
        return reply_form.errors(UNAVAILABLE_TEXT)
    return {"response_type": "ephemeral", "text": UNAVAILABLE_TEXT}


# -- out of the inbox, through bolt ------------------------------------------------------


@dataclass
class _Outcome:
    error: BaseException | None = None


_OUTCOME: ContextVar[_Outcome | None] = ContextVar("sereno_slack_outcome", default=None)


async def record_error(error: BaseException) -> None:
    """Bolt's error handler: the inbox worker, not bolt, decides what a failure means."""
    outcome = _OUTCOME.get()
    if outcome is None:
        log.error("Slack: a listener failed outside the inbox", exc_info=error)
        return
    outcome.error = error


def replayer(bolt: AsyncApp) -> Callable[[InboxRow], Awaitable[None]]:
    """The worker's `process` for Slack: dispatch the kept body to bolt and wait for the
    listener; its exception (or a middleware's) is raised here."""
    bolt.error(record_error)

    async def replay(row: InboxRow) -> None:
        outcome = _Outcome()
        token = _OUTCOME.set(outcome)
        try:
            await bolt.async_dispatch(AsyncBoltRequest(body=row.payload, mode="socket_mode"))
        finally:
            _OUTCOME.reset(token)
        if outcome.error is not None:
            raise outcome.error

    return replay
