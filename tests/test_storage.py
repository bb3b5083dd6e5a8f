"""Storage on real SQLite files: migrations, pragmas, restarts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from bot.core.base.model import StepState, Via
from bot.settings import Settings
from bot.wiring import build
from storage.db import open_database, schema_version
from storage.migrations import MIGRATIONS
from tests.conftest import AGENT, complaint
from tests.support import FakeClock

ALL = [
    "m001_cases_and_timeline",
    "m002_outbox_dedupe_reminders",
    "m003_reminder_delivery",
    "m004_outbox_lanes",
    "m005_inbox_and_cursors",
    "m006_cases_posted_at",
    "m007_staff_places",
    "m008_long_histories",
    "m009_done_rows_keep_little",
    "m010_leaner_rows",
    "m011_leaner_done_rows_and_indexes",
    "m012_compact_readings",
    "m013_narrower_indexes",
    "m014_edits_found_by_index",
]


def test_migrations_from_empty(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    assert schema_version(db) == ALL
    assert {"cases", "case_steps", "events", "outbox", "seen_events", "reminders"} <= set(
        db.table_names()
    )
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    indexed = {tuple(i.columns) for i in db["reminders"].indexes}
    assert ("status", "due_at") in indexed
    assert ("status", "channel_id") in {tuple(i.columns) for i in db["cases"].indexes}
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM reminders WHERE status = 'pending' AND due_at <= ?",
        ["2026"],
    ).fetchall()
    assert "USING INDEX" in str(plan)


def test_migrations_from_an_older_schema_keep_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(sqlite3.connect(path))
    MIGRATIONS.apply(old, stop_before="m002_outbox_dedupe_reminders")
    old["cases"].insert(
        {
            "platform": "test",
            "channel_id": "C1",
            "message_id": "m-old",
            "customer_id": "U1",
            "status": "new",
            "opened_at": "2026-01-01",
        }
    )
    old.close()
    db = open_database(path)
    assert schema_version(db) == ALL
    assert db["cases"].count == 1 and "outbox" in db.table_names()
    [old_case] = db.query("SELECT opened_at, posted_at FROM cases")
    assert old_case["posted_at"] == old_case["opened_at"]  # floods count it as before
    again = open_database(path)  # applying twice is a no-op
    assert schema_version(again) == ALL


def test_a_restart_in_the_middle_of_a_case_loses_nothing(
    settings: Settings, clock: FakeClock, detector: object
) -> None:
    first = build(settings, clock=clock, detector=detector)  # type: ignore[arg-type]
    case = first.engine.open_case(complaint("My parcel never arrived, order 7781."))
    assert case is not None
    first.engine.set_step(case, "1", StepState.DONE, AGENT, Via.COMMAND)
    first.engine.note(case, AGENT, "called the courier")
    pending_before = len(list(first.store.iter_pending_outbox("test")))
    first.close()

    second = build(settings, clock=clock, detector=detector)  # type: ignore[arg-type]
    reopened = second.store.get_case(case.id)
    assert reopened is not None and reopened.reading == case.reading
    assert second.store.steps(case.id)[0].state is StepState.DONE
    assert [e.kind.value for e in second.store.events(case.id)][-1] == "note"
    assert len(list(second.store.iter_pending_outbox("test"))) == pending_before > 0
    assert second.engine.set_step(reopened, "2", StepState.DONE, AGENT, Via.COMMAND).ok
    second.close()


def test_a_failed_transaction_leaves_nothing_behind(app: object) -> None:
    from bot.wiring import App

    assert isinstance(app, App)
    before = app.store.db["cases"].count
    try:
        with app.store.atomic():
            app.engine.open_case(complaint("Broken product", "m-77"))
            raise RuntimeError("crash mid-transaction")
    except RuntimeError:
        pass
    assert app.store.db["cases"].count == before
    assert app.store.db["outbox"].count == 0 and app.store.db["events"].count == 0
