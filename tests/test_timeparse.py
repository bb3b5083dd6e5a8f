"""Natural-language times in Spanish and English, in the team's time zone; refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.timeparse import DateparserTimes

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 3 days", datetime(2026, 11, 29, 12, 0, tzinfo=UTC)),
        ("en 3 días", datetime(2026, 11, 29, 12, 0, tzinfo=UTC)),
        ("tomorrow 10:00", datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
        ("mañana a las 10", datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
        ("el lunes", datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),
        ("monday", datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),
        ("2026-12-01 09:00", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
        ("tomorrow at 3pm", datetime(2026, 11, 27, 14, 0, tzinfo=UTC)),
        ("in 2 hours", datetime(2026, 11, 26, 14, 0, tzinfo=UTC)),
    ],
)
def test_phrases_in_both_languages_in_madrid(text: str, expected: datetime) -> None:
    assert DateparserTimes("Europe/Madrid").parse(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "   ", "asdf", "🙂🙂", "x" * 200, "when pigs fly"])
def test_unreadable_text_is_not_guessed(text: str) -> None:
    assert DateparserTimes("UTC").parse(text, NOW) is None


def test_past_times_parse_to_the_past_so_callers_can_refuse_them() -> None:
    parsed = DateparserTimes("UTC").parse("ayer", NOW)
    assert parsed is not None and parsed < NOW
