"""Natural-language times in Spanish and English, through dateparser.

dateparser does the heavy lifting; we only smooth the phrasings it misses
("a las 10", "el lunes") and refuse to guess when it is unsure. It is imported on
first use, by the first command with a time in it: 0.1–0.4 s and 12 MB, and that
first parse loads its languages (another 0.3–0.8 s and 7 MB), none of it at start-up.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

_AT_HOUR = re.compile(r"\b(?:a las|a la|at)\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm|h)?\b", re.I)
_ARTICLE = re.compile(r"^(?:el|la|este|esta|on|this)\s+", re.I)
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}|\d\s*(?:am|pm|h)\b|\b(?:hours?|horas?|min)", re.I)
_RELATIVE = re.compile(r"\b(?:in|en|dentro de)\s+\d+", re.I)
DEFAULT_HOUR = time(9, 0)


def _normalise(text: str) -> str:
    text = " ".join(text.strip().split())
    text = _ARTICLE.sub("", text)
    return _AT_HOUR.sub(
        lambda m: f"{m.group(1)}:{m.group(2) or '00'}{m.group(3) or ''}".replace("h", ""), text
    )


class DateparserTimes:
    """A TimeParser for the team's time zone."""

    def __init__(self, timezone: str = "UTC") -> None:
        self._tz = ZoneInfo(timezone)

    def parse(self, text: str, now: datetime) -> datetime | None:
        """Read a time like 'in 3 days' or 'mañana a las 10'; None when unsure."""
        if not text or len(text) > 80 or not any(ch.isalnum() for ch in text):
            return None
        cleaned = _normalise(text)
        base = now.astimezone(self._tz).replace(tzinfo=None)
        settings = {
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": base,
            "RETURN_AS_TIMEZONE_AWARE": False,
        }
        import dateparser

        try:
            found = dateparser.parse(cleaned, languages=["es", "en"], settings=settings)
        except (ValueError, OverflowError):
            return None
        if found is None:
            return None
        if (
            found.time() == time(0)
            and not _HAS_TIME.search(cleaned)
            and not _RELATIVE.search(cleaned)
        ):
            found = datetime.combine(found.date(), DEFAULT_HOUR)
        return found.replace(tzinfo=self._tz).astimezone(UTC)
