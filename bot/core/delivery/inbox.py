"""The inbox worker: every platform event is kept first, then worked here, lane by lane.

- `accept` writes the raw event (de-duplicated by its key) and wakes the worker;
  the adapter acknowledges the platform only after it returned.
- Each lane (a channel, or one person's commands) is worked in order, one row
  at a time; lanes run side by side, so a slow channel holds no other. After
  each row the lane awaits `between` (a turn of the loop, or the adapter's wait
  while a burst is being acknowledged), so the outbox posts between events.
- A row is done in the same transaction as its effects (the store marks the
  row being worked when the outermost transaction commits).
- A failure leaves the row to be tried again with backoff, holding its lane so
  order is kept; after `MAX_ATTEMPTS` it is parked, reported once through
  `on_parked`, and its lane goes on. Storage that cannot be written (a lock, a
  full disk) is waited out without counting attempts: nothing is lost.
- Claims are leases held by this process's `owner` id; claims left by a process
  on this machine that is gone are released at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.core.base.store_port import StoreUnavailable
from bot.core.delivery.inbox_rows import InboxRow

if TYPE_CHECKING:
    from bot.core.base.ports import Clock
    from bot.core.delivery.inbox_rows import InboxStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # about 2 minutes of retries (0.5 s doubling, at most 60 s apart)
MAX_LANES = 16
LEASE = timedelta(minutes=2)
LOOK_AGAIN = 30.0  # seconds: rows written by another process sharing the store
#: A done row's payload is dropped as it is marked done (migration m009's trigger); this
#: trim is the backstop for rows done before that migration. Parked rows keep theirs for
#: `sereno doctor` and replays. Every row keeps its key KEEP_ROW long (so a late duplicate
#: or catch-up is still recognised).
KEEP_PAYLOAD = timedelta(days=1)
KEEP_ROW = timedelta(days=8)

Process = Callable[[InboxRow], Awaitable[None]]


class NotNow(Exception):
    """Raised by `process` when the row cannot be worked yet through no fault of its own
    (the platform connection is down): waited out without counting an attempt."""


class Unworkable(Exception):
    """Raised by `process` for a row that can never be worked (its payload cannot be
    read): set aside at once, with one line, instead of being tried again."""


Parked = Callable[[InboxRow, str], None]


def retry_delay(attempts: int) -> float:
    """Seconds before trying a row again after `attempts` failures."""
    return min(60.0, 0.5 * 2 ** min(20, max(0, attempts - 1)))


def process_owner() -> str:
    """This process's claim id: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def gone_owners(owners: list[str], me: str) -> list[str]:
    """The claim owners on this host whose process is gone (or is an earlier life of mine)."""
    host, pid = me.split(":")[0], int(me.split(":")[1])
    gone = []
    for owner in owners:
        parts = owner.split(":")
        if owner == me or len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        if int(parts[1]) == pid or not _alive(int(parts[1])):
            gone.append(owner)
    return gone


def storage_unavailable(exc: BaseException) -> bool:
    """A database that cannot be written now (locked, full), however the driver said it."""
    if isinstance(exc, StoreUnavailable):
        return True
    text = str(exc).lower()
    driver = type(exc).__name__ in ("OperationalError", "DatabaseError")
    return driver and any(w in text for w in ("locked", "disk is full", "disk i/o", "busy"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class InboxWorker:
    """Keeps and works one platform's incoming events."""

    def __init__(
        self,
        store: InboxStore,
        clock: Clock,
        platform: str,
        process: Process,
        *,
        owner: str | None = None,
        on_parked: Parked | None = None,
        max_lanes: int = MAX_LANES,
        ready: Callable[[], bool] = lambda: True,
        urgent: Callable[[str], bool] = lambda lane: False,
        between: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.platform = platform
        self.process = process
        self.owner = owner or process_owner()
        self.on_parked = on_parked
        self.max_lanes = max_lanes
        self.ready = ready
        self.urgent = urgent  # lanes of people waiting for an answer: never wait for a slot
        # awaited after each event: a turn of the loop for the outbox (and the platform's
        # acknowledgements) before the next, so posting interleaves with a burst
        self.between = between or _a_turn
        self._wake = asyncio.Event()
        self._lanes: dict[str, asyncio.Task[None]] = {}
        self._failed_once: set[int] = set()

    def accept(
        self,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        author_id: str | None = None,
    ) -> bool:
        """Keep an event; False when it arrived before. Raises StoreUnavailable: then the
        adapter must not acknowledge it, so the platform sends it again."""
        row = self.store.inbox_add(
            self.platform, key, lane, kind, payload, self.clock.now(), author_id
        )
        if row is not None:
            self.wake()
        return row is not None

    def accept_claimed(
        self,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        author_id: str | None = None,
    ) -> InboxRow | bool:
        """`accept`, but a row that heads a lane this worker is not working is claimed as
        it is written and returned: the caller hands it to `work_now` once its transaction
        has committed (no wake-up, lane scan or claim round before it is worked). True:
        kept, the worker was woken as by `accept`; False: it arrived before."""
        now = self.clock.now()
        if lane in self._lanes or not self._slot_for(lane) or not self.ready():
            return self.accept(key, lane, kind, payload, author_id)
        found = self.store.inbox_add_claimed(
            self.platform, key, lane, kind, payload, now, author_id, self.owner, now + LEASE
        )
        if found is None:
            return False
        row_id, claimed = found
        if not claimed:
            self.wake()
            return True
        return InboxRow(row_id, self.platform, key, lane, kind, payload, now, 0)

    def work_now(self, row: InboxRow) -> None:
        """Start the lane of a row `accept_claimed` returned, with that row first (its
        claim is committed). Were the lane started meanwhile, it finds the row itself."""
        if row.lane in self._lanes:
            return
        self._begin(row.lane, row)

    def _slot_for(self, lane: str) -> bool:
        return len(self._lanes) < self.max_lanes or self.urgent(lane)

    def wake(self) -> None:
        """Look for work now."""
        self._wake.set()

    async def run(self) -> None:
        """Work rows until cancelled."""
        self._release_gone()
        try:
            while True:
                self._wake.clear()
                self._start_lanes()
                await _nap(self._wake, self._seconds_to_next())
        finally:
            await self._stop_lanes()

    def _release_gone(self) -> None:
        try:
            gone = gone_owners(self.store.inbox_claim_owners(), self.owner)
            released = self.store.inbox_release_stale(self.owner, gone)
        except StoreUnavailable as exc:
            log.warning("%s inbox: could not release old claims yet (%s)", self.platform, exc)
            return
        if released:
            log.info(
                "%s inbox: took back %d event(s) left by a stopped process", self.platform, released
            )

    def _start_lanes(self) -> None:
        if not self.ready():
            return  # woken again when the connection is up
        try:
            lanes = self.store.inbox_lanes_due(self.platform, self.clock.now())
        except StoreUnavailable:
            return
        for lane in sorted(lanes, key=lambda lane: not self.urgent(lane)):
            if len(self._lanes) >= self.max_lanes and not self.urgent(lane):
                break
            if lane not in self._lanes:
                self._begin(lane)

    def _begin(self, lane: str, first: InboxRow | None = None) -> None:
        task = asyncio.create_task(self._lane(lane, first), name=f"{self.platform}-inbox-{lane}")
        self._lanes[lane] = task
        task.add_done_callback(lambda _t, lane=lane: self._lane_done(lane))

    def _lane_done(self, lane: str) -> None:
        self._lanes.pop(lane, None)
        self._wake.set()  # a freed slot may start a waiting lane

    def _seconds_to_next(self) -> float:
        try:
            at = self.store.inbox_next_at(self.platform)
        except StoreUnavailable:
            return 1.0
        if at is None:
            return LOOK_AGAIN
        return max(0.05, min(LOOK_AGAIN, (at - self.clock.now()).total_seconds()))

    async def _lane(self, lane: str, first: InboxRow | None = None) -> None:
        waited = 0
        while True:
            now = self.clock.now()
            try:
                row, first = first, None
                if row is None:
                    row = self.store.inbox_claim(self.platform, lane, self.owner, now, now + LEASE)
                if row is None:
                    return
                await self._work(row)
                waited = 0
                await self.between()
            except NotNow:
                if not self.ready():
                    return  # the lane starts again when the connection is up
                waited += 1
                await asyncio.sleep(retry_delay(waited))
            except StoreUnavailable as exc:
                waited += 1
                if waited == 1:
                    log.warning("%s inbox: storage unavailable (%s); waiting", self.platform, exc)
                await asyncio.sleep(retry_delay(waited))

    async def _work(self, row: InboxRow) -> None:
        try:
            with self.store.inbox_processing(row.id, self.owner, self.clock.now()):
                await self.process(row)
        except (asyncio.CancelledError, StoreUnavailable, NotNow):
            raise
        except Unworkable as exc:
            self._park(row, str(exc), row.attempts + 1)
            return
        except Exception as exc:  # one event's failure never stops the others
            if storage_unavailable(exc):
                raise StoreUnavailable(str(exc)) from exc
            self._failed(row, exc)
            return
        self.store.inbox_done(row.id, self.owner, self.clock.now())
        self._failed_once.discard(row.id)

    def _failed(self, row: InboxRow, exc: Exception) -> None:
        attempts = row.attempts + 1
        error = f"{type(exc).__name__}: {exc}"
        first = row.id not in self._failed_once and row.attempts == 0
        self._failed_once.add(row.id)
        if attempts >= MAX_ATTEMPTS:
            self._park(row, error, attempts)
            return
        delay = retry_delay(attempts)
        log.warning(
            "%s inbox: %s %s failed (%s); trying again in %.1f s",
            self.platform,
            row.kind,
            row.key,
            error,
            delay,
            exc_info=exc if first else None,
        )
        self.store.inbox_retry(
            row.id, self.owner, error, self.clock.now() + timedelta(seconds=delay), attempts
        )

    def _park(self, row: InboxRow, error: str, attempts: int) -> None:
        log.error(
            "%s inbox: set aside %s %s after %d tr%s (%s); `sereno doctor` lists it",
            self.platform,
            row.kind,
            row.key,
            attempts,
            "y" if attempts == 1 else "ies",
            error,
        )
        self.store.inbox_park(row.id, self.owner, error, self.clock.now())
        self._failed_once.discard(row.id)
        if self.on_parked is not None:
            self.on_parked(row, error)

    async def _stop_lanes(self) -> None:
        tasks = list(self._lanes.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _a_turn() -> None:
    await asyncio.sleep(0)


async def _nap(wake: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()
