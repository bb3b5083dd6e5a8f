"""Exports are complete: `sereno export` streams every case, and a chat export that a
platform's file limit cuts short says how many cases it holds and how to get the rest.

Real SQLite files; thousands of cases are inserted in bulk through the store's database
(copies of one case opened by the engine), not one engine call each.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records.case_list import iter_cases
from bot.records_cli import export
from bot.wiring import App
from tests.conftest import LEAD, complaint
from tests.support import FakeClock

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
MANY = 5_321  # more than the old silent cap of 5,000


def add_cases(app: App, count: int, *, start: int = 0, days_ago: float = 0) -> None:
    """`count` more cases, copies of case 1 with their own message ids."""
    if app.store.get_case(1) is None:
        assert app.engine.open_case(complaint(EN, "m-seed")) is not None
        count -= 1
    template = dict(next(iter(app.store.db.query("SELECT * FROM cases WHERE id = 1"))))
    template.pop("id")
    opened = (app.engine.clock.now() - timedelta(days=days_ago)).isoformat(timespec="microseconds")
    rows = [
        {**template, "message_id": f"bulk-{start + n}", "opened_at": opened, "updated_at": opened}
        for n in range(count)
    ]
    with app.store.atomic():
        app.store.db["cases"].insert_all(rows, batch_size=1000)


def report_files(app: App) -> list[tuple[dict[str, object], bytes]]:
    rows = app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report' ORDER BY id")
    cards = [json.loads(r["payload"]) for r in rows]
    return [(c, base64.b64decode(c["attachment"]["data"])) for c in cards if c.get("attachment")]


def csv_ids(data: bytes | str) -> list[int]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "id"
    return [int(r[0]) for r in rows[1:]]


def test_sereno_export_writes_every_case_past_5000(app: App, tmp_path: Path) -> None:
    add_cases(app, MANY)
    target = tmp_path / "out" / "all.csv"
    said = io.StringIO()
    assert export(app.settings, None, "csv", target, said) == 0
    assert said.getvalue() == f"Wrote {target} ({MANY} cases)\n"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,")
    assert csv_ids(data) == list(range(1, MANY + 1))
    out = io.StringIO()
    assert export(app.settings, None, "csv", None, out) == 0
    assert csv_ids(out.getvalue()) == list(range(1, MANY + 1))


def test_cases_are_walked_page_by_page_oldest_or_newest_first(app: App) -> None:
    add_cases(app, 23)
    assert [c.id for c in iter_cases(app.store, page_size=5)] == list(range(1, 24))
    newest = [c.id for c in iter_cases(app.store, newest_first=True, page_size=5)]
    assert newest == list(range(23, 0, -1))
    assert [c.id for c in iter_cases(app.store, page_size=23)] == list(range(1, 24))


def test_a_chat_export_with_no_file_limit_holds_every_case(app: App) -> None:
    add_cases(app, MANY)
    reply = run(app.engine, app.times, "export csv", Context(LEAD, "test", "C1"))
    assert reply.ok and f"The list of cases ({MANY})" in reply.text
    card, data = report_files(app)[-1]
    assert card["title"] == "📄 All cases (CSV)"
    assert csv_ids(data) == list(range(1, MANY + 1))


def test_a_chat_export_under_a_file_limit_says_n_of_m_and_how_to_get_the_rest(app: App) -> None:
    add_cases(app, 40)
    limit = 1_500
    here = Context(LEAD, "test", "C1", file_limit=limit)
    reply = run(app.engine, app.times, "export csv", here)
    card, data = report_files(app)[-1]
    held = csv_ids(data)
    assert 0 < len(held) < 40 and len(data) <= limit
    assert held == list(range(41 - len(held), 41))  # the newest, oldest first in the file
    note = f"newest {len(held)} of 40 cases"
    assert reply.ok and note in reply.text and "1,500 bytes" in reply.text
    assert "`sereno export`" in reply.text and "`export csv 30d`" in reply.text
    assert card["title"] == f"📄 The newest {len(held)} of 40 cases (CSV)"
    assert any(note in line for line in card["lines"])  # the file's message says it too


def test_a_period_narrows_the_list_of_cases(app: App, clock: FakeClock) -> None:
    add_cases(app, 5, days_ago=40)  # case 1 (the seed) is opened now, 2-5 forty days ago
    add_cases(app, 3, start=100)  # 6-8 now
    reply = run(app.engine, app.times, "export csv 7d", Context(LEAD, "test", "C1"))
    assert reply.ok and "(4)" in reply.text
    card, data = report_files(app)[-1]
    assert csv_ids(data) == [1, 6, 7, 8]
    assert str(card["title"]).startswith("📄 Cases opened ")
    bad = run(app.engine, app.times, "export csv someday", Context(LEAD, "test", "C1"))
    assert not bad.ok and "is not a period" in bad.text and "Formats:" in bad.text
    case_and_period = run(app.engine, app.times, "export #1 md 7d", Context(LEAD, "test", "C1"))
    assert not case_and_period.ok and "for the list of cases" in case_and_period.text
