"""Slack catch-up after downtime: what complaint channels received while Sereno was away.

For each complaint channel, `catch_up` reads ``conversations.history`` since the
channel's cursor (top-level messages, newest first, paged by ``next_cursor``) and
``conversations.replies`` of its open cases' threads, and feeds every message found
into the inbox as the live path would have kept it: key ``msg:{channel}:{ts}`` (so a
message also seen live is kept once), lane = the channel, an ``event_callback`` body
whose ``event`` is the message. Then it moves the cursor to the newest ts fed.

Bounds (see `handlers.catchup`): nothing older than 7 days; at most 1,000 top-level
messages per channel and run (history comes newest first, so the newest are kept) and
1,000 replies across at most 50 case threads. On the very first start in a channel the
cursor is set to now and nothing is read: installing Sereno never turns old history
into overdue cases.

Rate limits: a 429 is waited out (``Retry-After``, at most `MAX_RETRY_AFTER` s each,
`MAX_RATE_LIMIT_RETRIES` times per request). Apps outside the Slack Marketplace get
1 request a minute and 15 messages a page on both methods, so a big catch-up there
takes minutes: run it in the background. 5xx and Slack's transient codes are retried
after `TRANSIENT_WAITS`. Anything else fails that channel only, with one log line; its
cursor stays put, so the next catch-up reads it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from handlers.catchup import (
    MAX_AGE,
    MAX_MESSAGES,
    CatchUpStore,
    each_channel,
    open_case_threads,
    starting_point,
)
from handlers.slack.errors import error_code, http_status
from handlers.slack.messenger import TRANSIENT

log = logging.getLogger(__name__)

PLATFORM = "slack"
KIND = "events_api"
#: Messages asked for per page (Slack suggests at most 200; non-Marketplace apps get 15).
PAGE_SIZE = 200
#: 429s waited out per request before the channel is given up for this run.
MAX_RATE_LIMIT_RETRIES = 5
#: The longest single wait for a 429, in seconds (Slack's 1-a-minute tier says 60).
MAX_RETRY_AFTER = 120.0
#: Waits before retrying a 5xx or a transient Slack error, in seconds (then give up).
TRANSIENT_WAITS: tuple[float, ...] = (1.0, 4.0)
#: Errors that fail one channel's run without stopping the others.
_CHANNEL_ERRORS = (SlackApiError, aiohttp.ClientError, TimeoutError, OSError, ValueError)


@dataclass
class _Run:
    """One channel's reading: the client, and what its rate limits cost."""

    client: AsyncWebClient
    waited: float = 0.0
    requests: int = 0

    async def call(self, request: Callable[[], Awaitable[AsyncSlackResponse]]) -> dict[str, Any]:
        """Make a Web API call, waiting out 429s and retrying transient failures (bounded)."""
        limited = transient = 0
        while True:
            self.requests += 1
            try:
                response = await request()
            except SlackApiError as exc:
                status, code = http_status(exc), error_code(exc)
                if status == 429 or code in ("ratelimited", "rate_limited"):
                    if limited >= MAX_RATE_LIMIT_RETRIES:
                        raise
                    limited += 1
                    wait = _retry_after(exc)
                elif (status >= 500 or code in TRANSIENT) and transient < len(TRANSIENT_WAITS):
                    wait = TRANSIENT_WAITS[transient]
                    transient += 1
                else:
                    raise
                log.debug("Slack catch-up: %s (%s), waiting %.1fs", code, status, wait)
                self.waited += wait
                await asyncio.sleep(wait)
                continue
            data = response.data
            return data if isinstance(data, dict) else {}


async def catch_up(
    client: AsyncWebClient,
    store: CatchUpStore,
    channels: Iterable[str],
    now: datetime,
    *,
    since: Mapping[str, str | None] | None = None,
) -> dict[str, int]:
    """Feed into the inbox what each complaint channel received since its cursor.

    `since` is a snapshot of the cursors (`handlers.catchup.cursors`) taken before the
    live path could move them; without it the cursors are read now. Returns the number
    of new inbox rows per channel whose catch-up completed; a channel that failed is
    left out (one log line says why) and can be caught up again later. Never raises,
    except `asyncio.CancelledError`.
    """
    run = _Run(client)
    return await each_channel(
        "Slack", channels, lambda channel: _channel(run, store, channel, now, since), _describe, log
    )


def _describe(exc: BaseException) -> str | None:
    """A channel's failure in one line (None: unexpected, worth a traceback)."""
    if isinstance(exc, SlackApiError):
        return error_code(exc) or f"HTTP {http_status(exc)}"
    if isinstance(exc, _CHANNEL_ERRORS):
        return type(exc).__name__
    return None


async def _channel(
    run: _Run,
    store: CatchUpStore,
    channel: str,
    now: datetime,
    since: Mapping[str, str | None] | None,
) -> int:
    """Feed one channel's new top-level messages, then its case threads' replies (each
    batch in ts order), then move the cursor to the newest ts read."""
    start = starting_point(store, PLATFORM, channel, since)
    if start is None:
        store.advance_cursor(PLATFORM, channel, f"{now.timestamp():.6f}", now)
        log.info("Slack catch-up %s: first start here; history before now is left alone", channel)
        return 0
    oldest = max(start, f"{(now - MAX_AGE).timestamp():.6f}", key=_ts)
    # New complaints are fed as soon as history is read; case-thread replies follow
    # thread by thread (on the 1-a-minute tier reading 50 threads takes 50 minutes).
    found, capped = await _history(run, channel, oldest)
    new = _feed_all(store, channel, found.values(), now)
    seen = list(found)
    threads = open_case_threads(store, PLATFORM, channel)
    count = 0
    for n, thread in enumerate(threads, 1):
        replies, cut = await _replies(run, channel, thread, oldest, MAX_MESSAGES - count)
        new += _feed_all(store, channel, replies, now)
        seen += [m["ts"] for m in replies]
        count += len(replies)
        if cut or count >= MAX_MESSAGES:
            capped = capped or cut or n < len(threads)
            break
    if seen:  # only once everything was read: after a failure it is all read again
        store.advance_cursor(PLATFORM, channel, max(seen, key=_ts), now)
    log.info(
        "Slack catch-up %s: %d fed (%d read since %s, %d case threads, %d requests%s%s)",
        channel,
        new,
        len(seen),
        oldest,
        len(threads),
        run.requests,
        f", {run.waited:.0f}s waiting for rate limits" if run.waited else "",
        f"; stopped at the bound of {MAX_MESSAGES} messages" if capped else "",
    )
    return new


async def _history(run: _Run, channel: str, oldest: str) -> tuple[dict[str, dict], bool]:
    """Top-level messages after `oldest`, keyed by ts; True when the bound cut them."""
    found: dict[str, dict] = {}
    page: str | None = None
    while True:
        data = await run.call(
            lambda page=page: run.client.conversations_history(
                channel=channel, oldest=oldest, limit=PAGE_SIZE, cursor=page
            )
        )
        for message in data.get("messages") or []:
            if _is_after(message, oldest):
                found[message["ts"]] = message
        page = _next_page(data)
        if len(found) > MAX_MESSAGES or (len(found) == MAX_MESSAGES and page):
            newest = sorted(found, key=_ts)[-MAX_MESSAGES:]
            return {ts: found[ts] for ts in newest}, True
        if page is None:
            return found, False


async def _replies(
    run: _Run, channel: str, thread: str, oldest: str, budget: int
) -> tuple[list[dict], bool]:
    """Replies in one case thread after `oldest` (its parent left out), oldest first."""
    found: list[dict] = []
    page: str | None = None
    while True:
        try:
            data = await run.call(
                lambda page=page: run.client.conversations_replies(
                    channel=channel, ts=thread, oldest=oldest, limit=PAGE_SIZE, cursor=page
                )
            )
        except SlackApiError as exc:
            if error_code(exc) == "thread_not_found":  # the complaint was deleted
                return found, False
            raise
        for message in data.get("messages") or []:
            if message.get("ts") != thread and _is_after(message, oldest):
                found.append(message)
        page = _next_page(data)
        if len(found) > budget or (len(found) == budget and page):
            return found[:budget], True
        if page is None:
            return found, False


def _feed_all(
    store: CatchUpStore, channel: str, messages: Iterable[dict[str, Any]], now: datetime
) -> int:
    """Keep messages in ts order; how many were new."""
    return sum(_feed(store, channel, m, now) for m in sorted(messages, key=lambda m: _ts(m["ts"])))


def _feed(store: CatchUpStore, channel: str, message: dict[str, Any], now: datetime) -> int:
    """Keep one message as the live path would; 1 if it is new, 0 if seen before."""
    ts = message["ts"]
    body = {
        "type": "event_callback",
        "event_id": f"catchup:{channel}:{ts}",
        "event": {**message, "type": "message", "channel": channel},
    }
    row = store.inbox_add(
        PLATFORM, f"msg:{channel}:{ts}", channel, KIND, body, now, message.get("user")
    )
    return 0 if row is None else 1


def _next_page(data: dict[str, Any]) -> str | None:
    """The cursor of the next page, or None on the last one."""
    page = (data.get("response_metadata") or {}).get("next_cursor")
    return str(page) if page and data.get("has_more", True) else None


def _is_after(message: dict[str, Any], oldest: str) -> bool:
    ts = message.get("ts")
    return isinstance(ts, str) and _ts(ts) > _ts(oldest)


def _ts(value: str) -> Decimal:
    """A Slack ts as an exact number (they compare as numbers, not as text)."""
    try:
        return Decimal(value)
    except InvalidOperation:
        return Decimal(0)


def _retry_after(exc: SlackApiError) -> float:
    """Seconds Slack asks to wait (Retry-After), bounded."""
    headers = exc.response.headers or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        wait = float(value) if value is not None else 1.0
    except ValueError:
        wait = 1.0
    return min(max(wait, 0.0), MAX_RETRY_AFTER)
