"""The outbox: messages the core wants shown, delivered by each adapter.

Rows are written in the same transaction as the change that caused them, so a
complaint is never left without its guidance. Delivery is at least once: a
message is marked sent only after the platform accepted it, so a crash between
the two resends it on restart (see the README for why we chose this).

This module holds the vocabulary (rows, the errors a messenger raises, the
retry policy); `bot.core.delivery.drainer` holds the drainer that sends rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.base.cards import Card

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0
#: A row failing with transient errors is retried for at least this long.
RETRY_FOR = timedelta(hours=24)
DIRECT = "dm:"  # an outbox channel id "dm:<user>" is a direct message to that user


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
    created_at: datetime | None = None
    first_failed_at: datetime | None = None


class RateLimited(Exception):
    """The platform asked us to wait `retry_after` seconds.

    `scope` says what must wait: "channel" (only this row's channel) or
    "platform" (every channel, when the platform says the limit is global).
    """

    def __init__(self, retry_after: float, scope: str = "channel") -> None:
        super().__init__(f"rate limited for {retry_after}s ({scope})")
        self.retry_after = max(0.0, retry_after)
        self.scope = scope


class TransientError(Exception):
    """A 5xx or a network error: worth retrying with backoff."""


class PermanentError(Exception):
    """The platform refused this message for good (e.g. a missing permission)."""


class Fatal(Exception):
    """The platform refuses us altogether (a revoked token): stop this platform."""


class Messenger(Protocol):
    platform: str

    async def send(self, item: OutboxItem) -> str:
        """Post (or edit, when `item.edit_of` is set) and return the platform message id."""
        ...


def backoff(attempts: int) -> float:
    """Seconds to wait before the next try after `attempts` failures."""
    return min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** min(30, max(0, attempts - 1)))


def due(not_before: datetime | None, now: datetime) -> bool:
    """Say whether a row held back until `not_before` may go now."""
    return not_before is None or not_before <= now
