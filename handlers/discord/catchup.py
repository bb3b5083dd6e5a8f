"""Discord catch-up after downtime: what complaint channels received while Sereno was away.

A new gateway session gets nothing that happened before it (a RESUME replays missed
events itself). For each complaint channel, `catch_up` reads
``GET /channels/{id}/messages?after={cursor}&limit=100`` forward from the channel's
cursor, for the channel itself (a text channel), for its forum posts opened since then
(a forum channel: active and recently archived public threads), and for its open cases'
threads, and feeds every message into the inbox as a gateway MESSAGE_CREATE would have
been kept: key ``message:{id}`` (so a message also seen live is kept once), lane = the
complaint channel, and the REST message plus ``guild_id`` and the author's raw
``member`` (fetched once per author and run), so that discord.py's own
``ConnectionState.parse_message_create`` reads it with the author's roles. Then it moves
the cursor to the newest id fed.

Bounds (see `handlers.catchup`): nothing older than 7 days; at most 1,000 top-level
messages per channel and run (paging forward, so the oldest after the cursor come first)
and 1,000 across at most 50 case threads. On the very first start in a channel the
cursor is set to now and nothing is read. discord.py waits out 429s and retries 5xx
itself; anything else fails that channel only, with one log line, and its cursor stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
import discord
from discord.utils import time_snowflake

from handlers.catchup import (
    MAX_AGE,
    MAX_MESSAGES,
    CatchUpStore,
    each_channel,
    open_case_threads,
    starting_point,
)

log = logging.getLogger(__name__)

PLATFORM = "discord"
KIND = "MESSAGE_CREATE"
#: Messages asked for per page: Discord's maximum.
PAGE_SIZE = 100
#: Archived forum posts looked at per forum channel and run (newest archived first).
ARCHIVED_POSTS = 50
_FORUM_TYPES = frozenset({15, 16})  # GUILD_FORUM, GUILD_MEDIA
#: Errors that fail one channel's run without stopping the others.
_CHANNEL_ERRORS = (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError, ValueError)


@dataclass
class _Run:
    """One catch-up: the client, and what is fetched once per run (members, threads)."""

    client: discord.Client
    members: dict[tuple[int, str], dict[str, Any] | None] = field(default_factory=dict)
    active_threads: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    requests: int = 0

    async def member(self, guild_id: int, user_id: str) -> dict[str, Any] | None:
        """The author's raw member payload, or None when it cannot be had."""
        key = (guild_id, user_id)
        if key not in self.members:
            self.requests += 1
            try:
                self.members[key] = dict(await self.client.http.get_member(guild_id, user_id))
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.debug("Discord catch-up: no member %s (%s)", user_id, exc)
                self.members[key] = None
        return self.members[key]

    async def threads(self, guild_id: int) -> list[dict[str, Any]]:
        """The guild's active threads (asked once per run)."""
        if guild_id not in self.active_threads:
            self.requests += 1
            found = await self.client.http.get_active_threads(guild_id)
            self.active_threads[guild_id] = list(found.get("threads") or [])
        return self.active_threads[guild_id]

    async def read(self, channel_id: int, after: int, budget: int) -> tuple[list[dict], bool]:
        """Messages after `after`, oldest first, paging forward; True when cut by `budget`."""
        found: list[dict] = []
        while len(found) < budget:
            self.requests += 1
            page = await self.client.http.logs_from(channel_id, PAGE_SIZE, after=after)
            found += sorted(page, key=lambda m: int(m["id"]))
            if len(page) < PAGE_SIZE:
                return found[:budget], len(found) > budget
            after = int(found[-1]["id"])
        return found[:budget], True


async def catch_up(
    client: discord.Client,
    store: CatchUpStore,
    channels: Iterable[str],
    now: datetime,
    *,
    since: Mapping[str, str | None] | None = None,
) -> dict[str, int]:
    """Feed into the inbox what each complaint channel received since its cursor.

    `client` must be logged in (its `http` is used; the gateway need not be up, its
    cache is used when it is). `since` is a snapshot of the cursors
    (`handlers.catchup.cursors`) taken before the new session kept its first event;
    without it the cursors are read now. Returns the number of new inbox rows per
    channel whose catch-up completed; a failed channel is left out (one log line says
    why). Never raises, except `asyncio.CancelledError`.
    """
    run = _Run(client)
    return await each_channel(
        "Discord",
        channels,
        lambda channel: _channel(run, store, channel, now, since),
        _describe,
        log,
    )


def _describe(exc: BaseException) -> str | None:
    """A channel's failure in one line (None: unexpected, worth a traceback)."""
    if isinstance(exc, discord.HTTPException):
        return f"{exc.status} {exc.text or 'no text'} ({exc.code})"
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
    """Feed one channel's new messages (or new forum posts), then its case threads'
    replies, then move the cursor to the newest id read."""
    start = starting_point(store, PLATFORM, channel, since)
    if start is None:
        store.advance_cursor(PLATFORM, channel, str(time_snowflake(now)), now)
        log.info("Discord catch-up %s: first start here; history before now is left alone", channel)
        return 0
    after = max(int(start), time_snowflake(now - MAX_AGE))
    requests = run.requests
    guild_id, forum = await _where(run, channel)
    # New complaints (top-level messages, new forum posts) are fed first, then the
    # replies in case threads, thread by thread, each batch in id order.
    top: list[dict] = []
    capped = False
    if forum:
        posts = await _new_posts(run, guild_id, channel, after)
        for n, post in enumerate(posts, 1):
            messages, cut = await _thread(run, post, after, MAX_MESSAGES - len(top))
            top += messages
            if cut or len(top) >= MAX_MESSAGES:
                capped = cut or n < len(posts)
                break
    else:
        top, capped = await run.read(int(channel), after, MAX_MESSAGES)
    new = await _feed_all(run, store, channel, guild_id, top, now)
    seen = [int(m["id"]) for m in top]
    threads = [t for t in open_case_threads(store, PLATFORM, channel) if t != channel]
    replies = 0
    for n, thread in enumerate(threads, 1):
        messages, cut = await _thread(run, int(thread), after, MAX_MESSAGES - replies)
        new += await _feed_all(run, store, channel, guild_id, messages, now)
        seen += [int(m["id"]) for m in messages]
        replies += len(messages)
        if cut or replies >= MAX_MESSAGES:
            capped = capped or cut or n < len(threads)
            break
    if seen:  # only once everything was read: after a failure it is all read again
        store.advance_cursor(PLATFORM, channel, str(max(seen)), now)
    log.info(
        "Discord catch-up %s: %d fed (%d read after %s, %d case threads, %d requests%s)",
        channel,
        new,
        len(seen),
        after,
        len(threads),
        run.requests - requests,
        f"; stopped at the bound of {MAX_MESSAGES} messages" if capped else "",
    )
    return new


async def _where(run: _Run, channel: str) -> tuple[int, bool]:
    """(guild id, is a forum) of a complaint channel: from the cache, else from Discord."""
    cached = run.client.get_channel(int(channel))
    if isinstance(cached, discord.abc.GuildChannel):
        return cached.guild.id, isinstance(cached, discord.ForumChannel)
    run.requests += 1
    data = await run.client.http.get_channel(int(channel))
    return int(data["guild_id"]), int(data["type"]) in _FORUM_TYPES


async def _new_posts(run: _Run, guild_id: int, forum: str, after: int) -> list[int]:
    """Posts opened in a forum after `after` (active, or archived since), oldest first."""
    found = {int(t["id"]) for t in await run.threads(guild_id) if t.get("parent_id") == forum}
    run.requests += 1
    archived = await run.client.http.get_public_archived_threads(int(forum), limit=ARCHIVED_POSTS)
    found |= {int(t["id"]) for t in archived.get("threads") or []}
    return sorted(post for post in found if post > after)


async def _thread(run: _Run, thread: int, after: int, budget: int) -> tuple[list[dict], bool]:
    """A thread's messages after `after`; none when it is gone or out of reach."""
    try:
        return await run.read(thread, after, budget)
    except (discord.NotFound, discord.Forbidden) as exc:
        log.debug("Discord catch-up: thread %s unreadable (%s)", thread, exc)
        return [], False


async def _feed_all(
    run: _Run,
    store: CatchUpStore,
    channel: str,
    guild_id: int,
    messages: list[dict[str, Any]],
    now: datetime,
) -> int:
    """Keep messages in id order (once each); how many were new."""
    unique = {int(m["id"]): m for m in messages}
    new = 0
    for key in sorted(unique):
        new += await _feed(run, store, channel, guild_id, unique[key], now)
    return new


async def _feed(
    run: _Run,
    store: CatchUpStore,
    channel: str,
    guild_id: int,
    message: dict[str, Any],
    now: datetime,
) -> int:
    """Keep one message as the live path would; 1 if it is new, 0 if seen before."""
    author = message.get("author") or {}
    payload: dict[str, Any] = {**message, "guild_id": str(guild_id)}
    payload.pop("member", None)
    if author.get("id") and not author.get("bot") and not message.get("webhook_id"):
        member = await run.member(guild_id, str(author["id"]))
        if member is not None:
            payload["member"] = member
    key = f"message:{message['id']}"
    row = store.inbox_add(PLATFORM, key, channel, KIND, payload, now, author.get("id"))
    return 0 if row is None else 1
