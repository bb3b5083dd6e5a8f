"""Fakes for core tests: a clock we move by hand and a messenger that records."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.core.base.outbox import OutboxItem
from bot.core.base.store_port import CaseStore

T = TypeVar("T")
START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    current: datetime = START

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass
class RecordingMessenger:
    """Accepts every message and remembers it; can be told to fail first."""

    platform: str = "test"
    sent: list[OutboxItem] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)

    async def send(self, item: OutboxItem) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(item)
        return item.edit_target or f"p{item.id}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_delivered(store: CaseStore, platform: str, timeout: float = 20.0) -> None:
    """Wait until every queued message of `platform` is recorded as sent.

    A fake platform records a post when it arrives, before Sereno reads the answer and
    marks its outbox row sent. A test that stops, restarts or looks up a message id
    right after seeing the post waits for this; otherwise a restart resends the row
    (delivery is at least once) and the id is not known yet."""
    deadline = time.monotonic() + timeout
    while any(True for _ in store.iter_pending_outbox(platform)):
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{platform} outbox still has pending rows after {timeout}s")
        await asyncio.sleep(0.01)


async def eventually(check: Callable[[], T], timeout: float = 10.0) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds.

    The bound is generous for a busy 2-core machine: a passing test returns as soon
    as the condition holds, so only a failing one waits it out."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still {value!r} after {timeout}s")
        await asyncio.sleep(0.02)
