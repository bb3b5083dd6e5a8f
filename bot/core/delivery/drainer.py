"""The drainer: sends one platform's outbox, each channel in its own lane.

- Each channel is paced on its own: a lane sends one row at a time, so a
  channel waiting out its rate limit (or its 1 s interval on Slack) never holds
  another channel. A limit the platform calls global holds every lane.
- Order is kept within each case: only the row heading its case's queue may go,
  so a row held back for a retry holds its own case, never the others.
- A case's opening cards and pings go before later steps of other cases.
- Transient failures back off (at most 5 minutes apart) for at least
  `RETRY_FOR`; a refusal for good is recorded and reported once through
  `on_refused`, never silently dropped.
- A message is edited at most once every `EDIT_GAP` (a header ticking through a burst
  of steps): an edit waits, without holding its case's later cards, and only the
  latest content goes (`supersede_edits`).
- `Fatal` (the platform refuses us altogether) ends the drainer, so the
  supervisor can stop that platform with one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.base.outbox import (
    RETRY_FOR,
    Fatal,
    Messenger,
    OutboxItem,
    PermanentError,
    RateLimited,
    TransientError,
    backoff,
)

if TYPE_CHECKING:
    from bot.core.base.ports import Clock
    from bot.core.base.store_port import CaseStore

log = logging.getLogger(__name__)

MAX_LANES = 32
#: While a lane is sending, the least time between two looks for other channels' rows.
LOOK_GAP = 0.05
#: The least time between two edits of one message (a case header) on a platform.
EDIT_GAP = timedelta(seconds=5)
#: On shutdown, sends already under way get this long to finish and be marked sent,
#: so a clean stop does not post them again after the restart.
FINISH_IN_FLIGHT = 3.0
Refused = Callable[[OutboxItem, str], None]
#: Run as a row is marked sent (an agent's reply stops the first-response clock then).
Sent = Callable[[OutboxItem, str, datetime], None]
Sleep = Callable[[float], Awaitable[object]]


class OutboxDrainer:
    """Sends pending outbox rows for one platform."""

    def __init__(
        self,
        store: CaseStore,
        messenger: Messenger,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        on_refused: Refused | None = None,
        retry_for: timedelta = RETRY_FOR,
        ready: Callable[[], bool] = lambda: True,
        on_sent: Sent | None = None,
        edit_gap: timedelta = EDIT_GAP,
    ) -> None:
        self._store = store
        self._messenger = messenger
        self._clock = clock
        self._sleep = sleep
        self._on_refused = on_refused
        self._retry_for = retry_for
        self._ready = ready  # False while the platform is not connected: nothing is tried
        self._on_sent = on_sent  # what being sent means, in the same transaction
        self._edit_gap = edit_gap
        self._wake = asyncio.Event()
        self._open = asyncio.Event()  # cleared while the platform holds every channel
        self._open.set()
        self._lanes: dict[str, asyncio.Task[tuple[int, int]]] = {}
        self._fatal: Fatal | None = None
        self._stopping = False
        self._running = False  # `run` is under way (an idle `wake` then starts lanes itself)
        #: `run`'s own context, which every lane starts from: a lane a `wake` starts would
        #: otherwise inherit its caller's, such as the inbox row an event's worker is on
        #: (every transaction of that lane then tried to mark that row done again).
        self._context: contextvars.Context | None = None

    @property
    def platform(self) -> str:
        """The platform this drainer delivers to."""
        return self._messenger.platform

    def wake(self) -> None:
        """Tell the drainer new rows are waiting. An idle drainer (running, no lane busy)
        starts their lanes at once, without a turn of its loop first: a new case's first
        post goes as soon as its writer yields (the lane reads its rows when it runs)."""
        idle = self._running and not self._lanes and not self._stopping
        if idle and self._fatal is None and self._ready():
            try:
                self._start_lanes()  # what the loop's next turn would do, done now
                return
            except Exception:  # the loop's turn tries again, and fails as it always did
                pass
        self._wake.set()

    async def drain_once(self) -> int:
        """Send everything due now, channels side by side; return how many rows went."""
        delivered = 0
        while True:
            channels = self._store.outbox_channels_due(self.platform, self._clock.now())
            if not channels:
                return delivered
            if len(channels) == 1:  # no tasks needed (and a crash surfaces here, as is)
                results = [await self._lane(channels[0])]
            else:
                results = await asyncio.gather(*(self._lane(c) for c in channels[:MAX_LANES]))
            delivered += sum(sent for _, sent in results)
            if not any(tried for tried, _ in results):
                return delivered  # what is left waits for its case's held-back head

    async def run(self, poll_seconds: float = 1.0) -> None:
        """Deliver until cancelled: a lane per busy channel, re-checked on every wake-up."""
        self._running = True
        self._context = contextvars.copy_context()
        try:
            while True:
                if self._lanes:
                    # a busy lane takes its channel's new rows itself: other channels are
                    # looked for at most every LOOK_GAP, not at each of a burst's cases
                    await asyncio.sleep(LOOK_GAP)
                self._wake.clear()
                if self._fatal is not None:
                    raise self._fatal
                self._start_lanes()
                await nap(self._wake, poll_seconds)
        finally:
            self._running = False
            await self._stop_lanes()

    async def run_woken_by(
        self, callbacks: list[Callable[[], None]], poll_seconds: float = 1.0
    ) -> None:
        """`run`, registered in `callbacks` (the engine's `on_outbox`) while it runs."""
        callbacks.append(self.wake)
        try:
            await self.run(poll_seconds)
        finally:
            with contextlib.suppress(ValueError):
                callbacks.remove(self.wake)

    def _start_lanes(self) -> None:
        if not self._ready():
            return  # woken again once connected (or at the next poll)
        for channel in self._store.outbox_channels_due(self.platform, self._clock.now()):
            if channel in self._lanes or len(self._lanes) >= MAX_LANES:
                continue
            context = self._context.copy() if self._context is not None else None
            task = asyncio.create_task(
                self._lane(channel), name=f"{self.platform}-lane-{channel}", context=context
            )
            self._lanes[channel] = task
            task.add_done_callback(lambda done, c=channel: self._lane_done(c, done))

    def _lane_done(self, channel: str, task: asyncio.Task[tuple[int, int]]) -> None:
        self._lanes.pop(channel, None)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, Fatal):
            self._fatal = exc
        elif exc is not None:  # e.g. the database is locked: try again at the next poll
            log.error("%s outbox lane %s failed: %r", self.platform, channel, exc)
            return
        tried, _ = task.result()
        if tried:  # something changed: heads of other cases may be free now
            self._wake.set()

    async def _stop_lanes(self) -> None:
        self._stopping = True  # lanes finish the row in hand and take no other
        lanes = list(self._lanes.values())
        if lanes:
            await asyncio.wait(lanes, timeout=FINISH_IN_FLIGHT)
        for task in lanes:
            task.cancel()
        for task in lanes:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _lane(self, channel: str) -> tuple[int, int]:
        """Send a channel's eligible rows one at a time; (tried, delivered)."""
        tried = delivered = 0
        while True:
            await self._open.wait()
            if self._stopping or not self._ready():
                return tried, delivered
            item = self._store.next_in_channel(self.platform, channel, self._clock.now())
            if item is None:
                return tried, delivered
            tried += 1
            if await self._deliver(item):
                delivered += 1

    async def _deliver(self, item: OutboxItem) -> bool:
        if self._held_back(item):
            return False
        try:
            message_id = await self._messenger.send(item)
        except RateLimited as exc:
            await self._wait_out(exc)  # in place: later rows of the channel wait too
            return False
        except TransientError as exc:
            self._retry_later(item, str(exc))
            return False
        except PermanentError as exc:
            self._refused(item, str(exc))
            return False
        except Fatal:
            raise
        except Exception as exc:  # an adapter bug must not stop every other delivery
            log.exception("outbox row %s: unexpected error, will retry", item.id)
            self._retry_later(item, f"{type(exc).__name__}: {exc}")
            return False
        now = self._clock.now()
        with self._store.atomic():
            self._store.mark_outbox_sent(item.id, message_id, now)
            if self._on_sent is not None:
                self._on_sent(item, message_id, now)
        return True

    def _held_back(self, item: OutboxItem) -> bool:
        """An edit within `EDIT_GAP` of the last edit of its message waits for the gap."""
        if item.edit_of is None or not self._edit_gap:
            return False
        last = self._store.last_edit_sent_at(item.edit_of)
        if last is None or self._clock.now() >= last + self._edit_gap:
            return False
        self._store.hold_outbox(item.id, last + self._edit_gap)
        return True

    async def _wait_out(self, exc: RateLimited) -> None:
        if exc.scope != "platform":
            await self._sleep(exc.retry_after)
            return
        log.warning(
            "%s: global rate limit, every channel waits %.1fs", self.platform, exc.retry_after
        )
        self._open.clear()
        try:
            await self._sleep(exc.retry_after)
        finally:
            self._open.set()

    def _retry_later(self, item: OutboxItem, error: str) -> None:
        now = self._clock.now()
        first = item.first_failed_at or now
        if now - first >= self._retry_for:
            hours = self._retry_for.total_seconds() / 3600
            self._refused(item, f"still failing after {hours:g} h: {error}")
            return
        attempts = item.attempts + 1
        not_before = now + timedelta(seconds=backoff(attempts))
        self._store.mark_outbox_retry(item.id, attempts, not_before, error, now)

    def _refused(self, item: OutboxItem, error: str) -> None:
        log.error(
            "%s refused outbox row %s (case %s, %s): %s",
            item.platform,
            item.id,
            item.case_id if item.case_id is not None else "-",
            item.card.kind.value,
            error,
        )
        self._store.mark_outbox_failed(item.id, error, self._clock.now())
        if self._on_refused is not None:
            self._on_refused(item, error)


async def nap(wake: asyncio.Event, seconds: float) -> None:
    """Sleep until `wake` is set or `seconds` pass.

    Not `asyncio.wait_for`: on Python 3.11 it can swallow a cancellation that
    arrives as the event is set, and a stopping process would then never stop.
    """
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await wake.wait()
