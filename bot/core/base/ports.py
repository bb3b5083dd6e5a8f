"""The ports the core needs: a clock and a language detector.

Storage is reached through `CaseStore` (see `bot.core.base.store_port`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class LanguageDetector(Protocol):
    def detect(self, text: str) -> tuple[str | None, float]:
        """Return an ISO 639-1 code and a confidence in [0, 1], or (None, 0)."""
        ...


class TimeParser(Protocol):
    def parse(self, text: str, now: datetime) -> datetime | None:
        """Read a time like 'in 3 days' or 'mañana a las 10'; None if unsure."""
        ...
