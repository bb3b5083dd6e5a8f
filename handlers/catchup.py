"""What catch-up after downtime shares on every platform: its bounds and the store it needs.

Catch-up reads what a complaint channel (and its open case threads) received since the
newest message Sereno saw there, and feeds each message into the inbox exactly as the
live path would have, under the live path's de-duplication key. It decides nothing about
cases: the inbox worker does that, as for a live event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.core.base.case import Case
from bot.core.base.model import Status
from bot.core.base.store_port import CaseQuery, StoreUnavailable

#: Nothing older than this is fed, however long Sereno was away.
MAX_AGE = timedelta(days=7)
#: At most this many top-level messages per complaint channel and run, and as many
#: replies across its case threads (a flood is bounded; the log says when it was hit).
MAX_MESSAGES = 1000
#: Case threads read per complaint channel and run: the most recently updated open cases.
MAX_THREADS = 50
#: Open cases looked at when choosing those threads.
_OPEN_CASES_SCANNED = 1000
_OPEN = frozenset({Status.NEW, Status.IN_PROGRESS})

log = logging.getLogger(__name__)

#: A platform's entry point with its client, store and channels bound:
#: ``lambda now, since: catch_up(client, store, channels, now, since=since)``.
CatchUp = Callable[[datetime, Mapping[str, str | None] | None], Awaitable[dict[str, int]]]


class CatchUpStore(Protocol):
    """The part of the store catch-up uses (SqliteStore implements all of it)."""

    def inbox_add(
        self,
        platform: str,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        at: datetime,
        author_id: str | None = None,
    ) -> int | None: ...

    def cursor(self, platform: str, channel_id: str) -> str | None: ...

    def advance_cursor(
        self, platform: str, channel_id: str, message_id: str, at: datetime
    ) -> None: ...

    def list_cases(self, query: CaseQuery) -> list[Case]: ...


ChannelError = Callable[[BaseException], str | None]


async def each_channel(
    platform: str,
    channels: Iterable[str],
    catch_up_one: Callable[[str], Awaitable[int]],
    describe: ChannelError,
    logger: logging.Logger,
) -> dict[str, int]:
    """Catch up channel by channel; a failed channel is left out of the result with one
    log line (`describe` names a platform error, None for an unexpected one, which
    gets its traceback), and the others go on. Only cancellation propagates."""

    fed: dict[str, int] = {}
    for channel in channels:
        try:
            fed[channel] = await catch_up_one(channel)
        except StoreUnavailable as exc:
            logger.warning(
                "%s catch-up of %s stopped: storage unavailable (%s)", platform, channel, exc
            )
        except Exception as exc:
            why = describe(exc)
            if why is None:
                logger.exception("%s catch-up of %s failed", platform, channel)
            else:
                logger.warning(
                    "%s catch-up of %s failed: %s; it is read again next time",
                    platform,
                    channel,
                    why,
                )
    return fed


def cursors(store: CatchUpStore, platform: str, channels: Iterable[str]) -> dict[str, str | None]:
    """The channels' cursors now: a snapshot to pass as `since=` to a later catch-up.

    The live path moves a channel's cursor with every new message, so take the
    snapshot before a new connection keeps its first event, or the gap it closes is lost.
    """
    return {channel: store.cursor(platform, channel) for channel in channels}


def starting_point(
    store: CatchUpStore,
    platform: str,
    channel: str,
    since: Mapping[str, str | None] | None,
) -> str | None:
    """Where a channel's catch-up starts: the snapshot if one was given, else its cursor."""
    if since is not None and channel in since:
        return since[channel]
    return store.cursor(platform, channel)


def open_case_threads(store: CatchUpStore, platform: str, channel: str) -> list[str]:
    """Thread ids of the channel's open cases, most recently updated first, bounded."""
    found = store.list_cases(
        CaseQuery(statuses=_OPEN, channel_id=channel, platform=platform, limit=_OPEN_CASES_SCANNED)
    )
    found.sort(key=lambda case: case.updated_at, reverse=True)
    threads: list[str] = []
    for case in found:
        if case.thread_id and case.thread_id not in threads:
            threads.append(case.thread_id)
        if len(threads) >= MAX_THREADS:
            break
    return threads


def merge(
    older: Mapping[str, str | None] | None, newer: Mapping[str, str | None]
) -> dict[str, str | None]:
    """Two snapshots as one catch-up: per channel the earlier cursor (None only when
    neither had one: a first start). Ids compare by length, then text."""
    merged = dict(newer)
    for channel, cursor in (older or {}).items():
        other = merged.get(channel)
        if cursor is not None and (other is None or (len(cursor), cursor) < (len(other), other)):
            merged[channel] = cursor
    return merged


class CatchUpRunner:
    """Catch-up in the background, one run at a time, from snapshots taken when asked.

    Call `request` (synchronous, quick) when a new connection or session begins, before
    it keeps its first event; or `snapshot` then, and `start` once the client can serve
    what is fed (Discord: the snapshot as READY is parsed, the start on ``on_ready``,
    once the guilds are cached again). A request during a run is merged into the next
    run, so no gap is left behind and runs never overlap. `stop` cancels the run.
    """

    def __init__(
        self,
        platform: str,
        store: CatchUpStore,
        channels: Iterable[str],
        catch_up: CatchUp,
        clock: Callable[[], datetime],
    ) -> None:
        self.platform = platform
        self.store = store
        self.channels = tuple(channels)
        self._catch_up = catch_up
        self._clock = clock
        self._pending: dict[str, str | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    def request(self) -> None:
        """Snapshot the cursors now and catch up from them in the background."""
        self.snapshot()
        self.start()

    def snapshot(self) -> None:
        """Remember the cursors now, for the next run (merged with any not yet run)."""
        try:
            taken = cursors(self.store, self.platform, self.channels)
        except Exception as exc:  # the run reads the cursors itself then
            log.warning("%s catch-up: cursors unreadable now (%s)", self.platform, exc)
            taken = {}
        self._pending = merge(self._pending, taken)

    def start(self) -> None:
        """Run catch-up from the snapshots taken, unless one is running (it goes on after)."""
        if self._pending is not None and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self._drain(), name=f"{self.platform}-catch-up")

    async def wait(self) -> None:
        """Until no run is going or asked for (for tests and shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def stop(self) -> None:
        """Cancel the current run, if any."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._pending = None

    async def _drain(self) -> None:
        while self._pending is not None:
            since, self._pending = self._pending, None
            self.runs += 1
            try:
                await self._catch_up(self._clock(), since or None)
            except Exception:  # the entry points log and never raise; a bug still must not
                log.exception("%s catch-up failed", self.platform)
