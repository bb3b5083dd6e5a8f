"""`sereno export`'s cells computed by SQLite (storage.export_rows) are the chat export's
text byte for byte: rounding at exactly half a second, times stored oddly, formula-like
text, story flags, remedies, satisfaction and periods."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.records.case_list import stream_cases_csv, write_cases_csv
from bot.core.records.csv_rows import PENDING
from storage.db import open_database
from storage.store import SqliteStore

NOW = datetime(2026, 12, 4, 12, 0, 0, 250000, tzinfo=UTC)
T0 = "2026-11-01T10:00:00.000000+00:00"

# (status, opened_at, first_response_at, resolved_at, customer, assignee, flags)
CASES = [
    ("new", T0, None, None, "Ana", None, None),
    ("in_progress", T0, "2026-11-01T10:00:02.500000+00:00", None, "=SUM(A1)", "+x", "[]"),
    ("resolved", T0, "2026-11-01T10:00:03.500000+00:00", "2026-11-02T10:00:00.499999+00:00",
     "-1", "@bob", '["story"]'),
    ("closed", "2026-11-01T10:00:00.750000+00:00", "2026-11-01T09:59:59.250000+00:00",
     "2026-11-03T10:00:00.500001+00:00", "\tTab", "ok", '["unjustified"]'),
    ("let_go", T0, "2026-11-01T12:00:00+02:00", None, "Zoé 😀", None, '["not-a-story"]'),
    ("dismissed", "2026-11-01T10:00:00+00:00", None, None, None, None, '["refused", "story"]'),
    ("resolved", T0, None, "", "\rCR", None, None),
    *[("closed", T0, "2026-11-01T10:20:00.000000+00:00", "2026-11-02T10:00:00.000000+00:00",
       f"c{n}", "ana", None) for n in range(8, 15)],
]  # fmt: skip
EVENTS = [
    (1, "remedy", {"amount": "10.50", "currency": "EUR"}),
    (1, "remedy", {"amount": "5", "currency": "EUR"}),
    (1, "remedy", {"amount": "-3", "currency": "USD"}),
    (2, "satisfaction", {"score": 2}),
    (2, "satisfaction", {"score": "4"}),
    (4, "story_marked", {}),
    (5, "remedy", {"amount": "x", "currency": "EUR"}),
    (7, "satisfaction", {"score": "bad"}),
    # cases 8-14: the cells a team's history mostly has, computed by SQLite, and shapes
    # only the core reads (PENDING)
    (8, "satisfaction", {"score": 3}),
    (8, "remedy", {"amount": "0.50", "currency": "GBP", "note": "=cmd"}),
    (8, "satisfaction", {"score": 5}),
    (9, "remedy", {"amount": "05.50", "currency": "EUR"}),
    (10, "remedy", {"amount": 7.5, "currency": "EUR"}),
    (11, "remedy", {"amount": "12.00", "currency": "eur"}),
    (12, "satisfaction", {"score": 4.0}),
    (12, "story_marked", {}),
    (13, "remedy", {"amount": "1000000000.00", "currency": "USD"}),
    (13, "satisfaction", {"score": None}),
    (14, "remedy", {"amount": "20.00", "currency": "EUR"}),
    (14, "remedy", {"amount": "20.00", "currency": "EUR"}),
]


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    db = open_database(tmp_path / "cells.db")
    for n, (status, opened, first, resolved, customer, assignee, flags) in enumerate(CASES, 1):
        db.execute(
            "INSERT INTO cases (id, platform, channel_id, message_id, customer_id, status, "
            "opened_at, first_response_at, resolved_at, customer_name, assignee_name, flags, "
            "reason, kind, intensity, impact, language) VALUES "
            "(?, 'slack', ?, ?, 'U1', ?, ?, ?, ?, ?, ?, ?, ?, 'rude', ?, 'high', 'es')",
            [n, "-C1" if n == 3 else "C1", f"m{n}", status, opened, first, resolved, customer,
             assignee, flags, "=billing" if n == 2 else "delivery", None if n == 6 else 2],
        )  # fmt: skip
    for case_id, kind, details in EVENTS:
        db.execute(
            "INSERT INTO events (case_id, at, actor_name, kind, details) "
            "VALUES (?, ?, 'ana', ?, ?)",
            [case_id, T0, kind, json.dumps(details)],
        )
    db.conn.commit()
    return SqliteStore(db)


def exported(store: SqliteStore, period: tuple[datetime, datetime] | None = None) -> str:
    out = io.StringIO(newline="")
    assert write_cases_csv(store, NOW, out, period) == out.getvalue().count("\r\n") - 1
    return out.getvalue()


def test_the_store_computed_export_is_the_chat_export_byte_for_byte(store: SqliteStore) -> None:
    text = exported(store)
    assert text == "".join(stream_cases_csv(store, NOW))
    lines = text.split("\r\n")
    assert len(lines) == len(CASES) + 2  # header, the cases, the empty end
    assert ",'=SUM(A1),'+x," in lines[2] and ",'=billing," in lines[2]
    assert lines[1].startswith("1,new,2026-11-01T10:00:00Z,,,")
    assert "15.50 EUR; -3 USD" in lines[1]
    cells = {int(line.split(",")[0]): line.split(",") for line in lines[1:-1]}
    assert cells[8][13:16] == ["0.50 GBP", "5", "no"]
    assert cells[9][13] == "5.50 EUR" and cells[10][13] == "7.5 EUR"
    assert cells[11][13] == "12.00 eur" and cells[12][14:16] == ["4", "yes"]
    assert cells[13][13:15] == ["1000000000.00 USD", ""] and cells[14][13] == "40.00 EUR"


def test_the_store_leaves_only_unusual_timelines_and_flags_to_the_core(
    store: SqliteStore,
) -> None:
    pending = {row[0] for row in store.export_cells(NOW) if row[PENDING] is not None}
    # 1, 14: several remedies; 2: a score as text; 3, 6: story flags, no mark; 5: a time
    # with an offset; 9-11: a remedy in another shape; 7, 12, 13: a score that is no whole
    # number. SQLite alone computes 4 (a story mark) and 8 (one plain remedy, whole scores).
    assert pending == {1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 14}


def test_half_seconds_round_to_even_like_python(store: SqliteStore) -> None:
    cells = [line.split(",") for line in exported(store).split("\r\n")[1:-1]]
    assert cells[1][3] == "2"  # 2.5 s
    assert cells[2][3] == "4"  # 3.5 s
    assert cells[3][3] == "-2"  # -1.5 s
    assert cells[2][16] == "86400"  # a day less a microsecond and a half


def test_a_period_gives_the_same_text_as_the_chat_export(store: SqliteStore) -> None:
    period = (datetime(2026, 11, 1, 10, 0, 0, 500000, tzinfo=UTC), NOW)
    text = exported(store, period)
    assert text == "".join(stream_cases_csv(store, NOW, period))
    assert text.count("\r\n") == 2  # the header and case 4
