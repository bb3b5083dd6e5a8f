"""Times as storage writes them (storage/codec.py): UTC ISO text, whatever the zone given.

`ts` keeps the text of the latest times it wrote (a new case writes the same few times a
dozen times over); what it returns must not depend on whether a time was seen before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage import codec
from storage.codec import dt, ts


def test_a_time_is_written_as_utc_text_in_whatever_zone_it_comes() -> None:
    utc = datetime(2026, 12, 6, 22, 30, 0, 123456, tzinfo=UTC)
    madrid = utc.astimezone(timezone(timedelta(hours=1)))
    assert ts(madrid) == "2026-12-06T22:30:00.123456+00:00"  # first seen in another zone
    assert ts(utc) == ts(madrid) == "2026-12-06T22:30:00.123456+00:00"
    assert dt(ts(utc)) == utc
    assert ts(None) is None


def test_a_naive_time_is_refused_even_when_the_same_wall_time_was_written_before() -> None:
    aware = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)
    ts(aware)
    with pytest.raises(ValueError, match="naive"):
        ts(aware.replace(tzinfo=None))


def test_the_kept_texts_stay_few_however_many_times_are_written() -> None:
    start = datetime(2026, 12, 6, tzinfo=UTC)
    texts = [ts(start + timedelta(seconds=n)) for n in range(codec._WRITTEN_MAX * 3)]
    assert len(codec._WRITTEN) <= codec._WRITTEN_MAX
    assert texts[-1] == "2026-12-06T00:03:11.000000+00:00"
    assert ts(start) == "2026-12-06T00:00:00.000000+00:00"  # forgotten, then written anew
