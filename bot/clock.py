"""The real clock; tests inject their own."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)
