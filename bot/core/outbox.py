"""The outbox: messages the core wants shown, delivered by each adapter.

Rows are written in the same transaction as the change that caused them, so a
complaint is never left without its guidance. Delivery is at least once: a
message is marked sent only after the platform accepted it, so a crash between
the two resends it on restart (see the README for why we chose this).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from bot.core.cards import Card

if TYPE_CHECKING:
    from bot.core.ports import Clock
    from bot.core.store_port import CaseStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0


@dataclass(frozen=True)
class OutboxItem:
    id: int
    platform: str
    channel_id: str
    thread_id: str | None
    case_id: int | None
    card: Card
    step_id: str | None
    edit_of: int | None
    edit_target: str | None
    attempts: int
    platform_message_id: str | None = None


class RateLimited(Exception):
    """The platform asked us to wait `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after}s")
        self.retry_after = retry_after


class TransientError(Exception):
    """A 5xx or a network error: worth retrying with backoff."""


class PermanentError(Exception):
    """The platform refused for good (e.g. a missing permission)."""


class Messenger(Protocol):
    platform: str

    async def send(self, item: OutboxItem) -> str:
        """Post (or edit, when `item.edit_of` is set) and return the platform message id."""
        ...


def backoff(attempts: int) -> float:
    """Seconds to wait before the next try after `attempts` failures."""
    return min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))


class OutboxDrainer:
    """Sends pending outbox rows for one platform, oldest first."""

    def __init__(
        self,
        store: CaseStore,
        messenger: Messenger,
        clock: Clock,
        sleep: object = asyncio.sleep,
    ) -> None:
        self._store = store
        self._messenger = messenger
        self._clock = clock
        self._sleep = sleep
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Tell the drainer new rows are waiting."""
        self._wake.set()

    async def drain_once(self) -> int:
        """Send everything due now; return how many rows were delivered."""
        delivered = 0
        while True:
            item = self._store.next_outbox(self._messenger.platform, self._clock.now())
            if item is None:
                return delivered
            if await self._deliver(item):
                delivered += 1

    async def _deliver(self, item: OutboxItem) -> bool:
        try:
            message_id = await self._messenger.send(item)
        except RateLimited as exc:
            # Wait it out in place: later rows must not overtake this one.
            await self._sleep(exc.retry_after)  # type: ignore[operator]
            return False
        except TransientError as exc:
            self._retry_later(item, str(exc))
            return False
        except PermanentError as exc:
            log.error("outbox row %s refused by %s: %s", item.id, item.platform, exc)
            self._store.mark_outbox_failed(item.id, str(exc), self._clock.now())
            return False
        except Exception as exc:  # an adapter bug must not stop every other delivery
            log.exception("outbox row %s: unexpected error, will retry", item.id)
            self._retry_later(item, f"{type(exc).__name__}: {exc}")
            return False
        self._store.mark_outbox_sent(item.id, message_id, self._clock.now())
        return True

    def _retry_later(self, item: OutboxItem, error: str) -> None:
        attempts = item.attempts + 1
        now = self._clock.now()
        if attempts >= MAX_ATTEMPTS:
            log.error("outbox row %s failed %s times: %s", item.id, attempts, error)
            self._store.mark_outbox_failed(item.id, error, now)
            return
        not_before = now + timedelta(seconds=backoff(attempts))
        self._store.mark_outbox_retry(item.id, attempts, not_before, error)

    async def run(self, poll_seconds: float = 1.0) -> None:
        """Drain forever: on wake-up, or every `poll_seconds` for retries."""
        while True:
            await self.drain_once()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)


def due(not_before: datetime | None, now: datetime) -> bool:
    """Say whether a row held back until `not_before` may go now."""
    return not_before is None or not_before <= now
