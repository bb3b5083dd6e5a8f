"""Fakes for core tests: a clock we move by hand and a messenger that records."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.core.outbox import OutboxItem

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
