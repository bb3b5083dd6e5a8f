"""What the inbox needs from storage: rows, claims and channel cursors (a port).

Claiming follows `FOR UPDATE SKIP LOCKED`: a process claims the head of a lane
for a lease, and no other process takes a row that is claimed and unexpired,
so two Sereno processes sharing one store never work the same event at once.
A server database can implement the same protocol with row locks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

PENDING, DONE, PARKED = "pending", "done", "parked"


@dataclass(frozen=True)
class InboxRow:
    """One platform event as it arrived: raw payload, where it queues, how it went so far."""

    id: int
    platform: str
    key: str
    lane: str
    kind: str
    payload: dict[str, Any]
    received_at: datetime
    attempts: int
    last_error: str | None = None


@dataclass(frozen=True)
class InboxHealth:
    """What `sereno doctor` shows for one platform."""

    platform: str
    last_received_at: datetime | None
    pending: int
    parked: int
    oldest_undelivered_at: datetime | None


class InboxStore(Protocol):
    def brief_waits(self, ms: int = 500) -> AbstractContextManager[None]:
        """Writes inside wait at most `ms` for another process's lock."""
        ...

    def inbox_add(
        self,
        platform: str,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        at: datetime,
        author_id: str | None = None,
    ) -> int | None:
        """Keep an arriving event; its row id, or None when that key arrived before.
        Raises StoreUnavailable when nothing can be written."""
        ...

    def inbox_add_claimed(
        self,
        platform: str,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        at: datetime,
        author_id: str | None,
        owner: str,
        until: datetime,
    ) -> tuple[int, bool] | None:
        """`inbox_add`, claimed for `owner` at once when it is its lane's only pending row:
        (id, claimed), or None when that key arrived before."""
        ...

    def inbox_lanes_due(self, platform: str, now: datetime) -> list[str]:
        """Lanes whose head row may be worked now."""
        ...

    def inbox_claim(
        self, platform: str, lane: str, owner: str, now: datetime, until: datetime
    ) -> InboxRow | None:
        """Claim the head of a lane until `until`; None if it is not due or claimed."""
        ...

    def inbox_next_at(self, platform: str) -> datetime | None:
        """When the earliest row waiting for a retry falls due."""
        ...

    def inbox_processing(self, row_id: int, owner: str) -> AbstractContextManager[None]:
        """While inside, the first transaction that commits also marks the row done."""
        ...

    def inbox_done(self, row_id: int, owner: str, at: datetime) -> None: ...

    def inbox_retry(
        self, row_id: int, owner: str, error: str, next_at: datetime, attempts: int
    ) -> None: ...

    def inbox_park(self, row_id: int, owner: str, error: str, at: datetime) -> None: ...

    def inbox_release_stale(self, owner: str, dead: list[str]) -> int:
        """Release the claims of owners known to be gone (and this one's earlier life)."""
        ...

    def inbox_claim_owners(self) -> list[str]: ...

    def inbox_parked(self, platform: str | None = None) -> Iterator[InboxRow]: ...

    def inbox_requeue_parked(self, platform: str | None = None) -> int: ...

    def inbox_health(self, platform: str) -> InboxHealth: ...

    def inbox_trim(self, payloads_before: datetime, rows_before: datetime) -> tuple[int, int]:
        """Drop the payloads of rows done before the first time, and rows before the second."""
        ...

    def cursor(self, platform: str, channel_id: str) -> str | None:
        """The newest message id seen in a channel; None before the first start there."""
        ...

    def advance_cursor(self, platform: str, channel_id: str, message_id: str, at: datetime) -> None:
        """Move the channel's cursor forward to `message_id` (never back)."""
        ...
