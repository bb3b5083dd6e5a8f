"""Migrations upgrade databases written by earlier versions: rows already there take the
new shapes, and what reads them reads the same values (real SQLite files)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import fields, replace
from pathlib import Path

from sqlite_utils import Database

from bot.core.base.cards import Card
from bot.core.base.case import reading_to_json
from bot.core.base.model import History, Reading, Signal, Subject
from bot.core.base.reading_json import _decoded, reading_from_compact, reading_to_compact
from storage.db import open_database
from storage.migrations import MIGRATIONS
from tests.test_serialisation import FULL_READING

#: Reading fields that have no key of their own in the compact form (none, so far).
_LONG_ONLY: tuple[str, ...] = ()

OLD_HEADER = json.dumps(
    {
        "kind": "header",
        "title": "Case #1 · billing",
        "lines": ["a line", "another"],
        "quote": None,
        "actions": [{"id": "claim", "label": "Take it", "value": "1"}],
        "footer": None,
        "mentions": [],
        "attachment": None,
        "source": None,
        "menu": None,
    }
)
#: A sent row as m009 left it: its card cut to kind, title, mentions and source.
CUT_BY_M009 = '{"kind":"step","title":"Step 1/3","mentions":[],"source":null}'
OPENER = '{"kind":"opener","title":"New case","mentions":["user:U9"],"source":["C1","1.2"]}'


def _database_before(path: Path, migration: str) -> None:
    """A file whose schema stops before `migration`, holding one case."""
    db = Database(sqlite3.connect(path))
    MIGRATIONS.apply(db, stop_before=migration)
    db.execute(
        "INSERT INTO cases (platform, channel_id, message_id, customer_id, status, opened_at) "
        "VALUES ('test', 'C1', 'm-1', 'U1', 'new', '2026-01-01T00:00:00.000000+00:00')"
    )
    db.conn.commit()
    db.close()


def _outbox(db: Database, status: str, payload: str) -> int:
    cursor = db.execute(
        "INSERT INTO outbox (platform, channel_id, case_id, kind, payload, status, created_at) "
        "VALUES ('test', 'C1', 1, 'card', ?, ?, '2026-01-01T00:00:00.000000+00:00')",
        [payload, status],
    )
    db.conn.commit()
    return int(cursor.lastrowid or 0)


def _payload(db: Database, row_id: int) -> str:
    return str(db.execute("SELECT payload FROM outbox WHERE id = ?", [row_id]).fetchone()[0])


def test_sent_cards_written_before_m011_lose_their_empty_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_before(path, "m011_leaner_done_rows_and_indexes")
    old = Database(sqlite3.connect(path))
    cut, opener = _outbox(old, "sent", CUT_BY_M009), _outbox(old, "sent", OPENER)
    pending = _outbox(old, "pending", OLD_HEADER)
    old.close()
    db = open_database(path)
    assert json.loads(_payload(db, cut)) == {"kind": "step", "title": "Step 1/3"}
    assert Card.from_json(_payload(db, cut)) == Card.from_json(CUT_BY_M009)
    assert json.loads(_payload(db, opener)) == json.loads(OPENER)  # mentions and source stay
    assert _payload(db, pending) == OLD_HEADER  # still to be sent: the whole card
    db.execute(
        "UPDATE outbox SET status = 'sent', platform_message_id = '9.1' WHERE id = ?", [pending]
    )
    assert json.loads(_payload(db, pending)) == {"kind": "header", "title": "Case #1 · billing"}
    row = db.execute("SELECT status, platform_message_id FROM outbox WHERE id = ?", [pending])
    assert row.fetchone() == ("sent", "9.1")


def test_the_new_partial_indexes_serve_their_queries(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    for sql, index in (
        (
            "SELECT * FROM reminders WHERE status = 'sent' AND escalate_at <= ? "
            "AND escalated_at IS NULL ORDER BY escalate_at, id LIMIT 5",
            "idx_reminders_sent_escalate_at",
        ),
        (
            "SELECT id FROM cases WHERE platform = ? AND staff_thread_id = ?",
            "idx_cases_platform_staff_thread_id",
        ),
        (
            "SELECT id FROM cases WHERE resolved_at >= ? AND resolved_at < ?",
            "idx_cases_resolved_at",
        ),
    ):
        plan = _plan(db, sql)
        assert index in plan and "TEMP B-TREE" not in plan.split(index)[0], plan


def _plan(db: Database, sql: str) -> str:
    """SQLite's plan for `sql` (every parameter bound to a placeholder value), as one line."""
    params = ["x"] * sql.count("?")
    return " ".join(str(r[3]) for r in db.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_readings_written_long_before_m012_are_rewritten_compact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_before(path, "m012_compact_readings")
    old = Database(sqlite3.connect(path))
    long_form = reading_to_json(FULL_READING)
    spaced = json.dumps(json.loads(long_form))  # as rows were written before compact JSON
    old.execute("UPDATE cases SET reading = ? WHERE id = 1", [spaced])
    old.execute(
        "INSERT INTO cases (platform, channel_id, message_id, customer_id, status, opened_at, "
        "reading) VALUES ('test', 'C1', 'm-2', 'U1', 'new', '2026-01-02', ?)",
        [long_form],
    )
    old.conn.commit()
    old.close()
    db = open_database(path)
    stored = [raw for (raw,) in db.execute("SELECT reading FROM cases ORDER BY id")]
    assert stored == [reading_to_compact(FULL_READING)] * 2
    assert reading_from_compact(stored[0]) == FULL_READING
    assert len(stored[0]) < len(long_form) * 0.6


def test_a_compact_reading_reads_back_whole_and_the_long_form_still_reads() -> None:
    plain = replace(FULL_READING, history=History(), order_ref=None, flags=frozenset(),
                    subject=Subject.UNKNOWN, subject_evidence=(), corrected=(),
                    language_confidence=1.0, kind_evidence=(), impact_evidence=())  # fmt: skip
    for reading in (FULL_READING, plain):
        raw = reading_to_compact(reading)
        assert reading_from_compact(raw) == reading
        assert _decoded(raw) == reading  # not only the memo
        assert reading_from_compact(reading_to_json(reading)) == reading
    assert set(json.loads(reading_to_compact(plain))) == {"l", "r", "k", "i", "m", "re", "ie", "e"}


def test_a_piece_of_evidence_behind_several_parts_is_kept_once() -> None:
    word = Signal("insult", "LADRONES")
    reading = replace(FULL_READING, kind_evidence=(word,), intensity_evidence=(word, word))
    data = json.loads(reading_to_compact(reading))
    assert data["e"].count(["insult", "LADRONES"]) == 1
    assert reading_from_compact(reading_to_compact(reading)) == reading


def test_every_reading_field_has_a_compact_key() -> None:
    # A field added to Reading must be added to the compact form too (FULL_READING sets all).
    data = json.loads(reading_to_compact(FULL_READING))
    assert len(data) == len(fields(Reading)) - len(_LONG_ONLY) + 1  # evidence: one list "e"


def test_a_posted_message_and_a_cases_reminders_are_found_by_their_index(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    for sql, index in (
        (
            "SELECT o.* FROM outbox o WHERE o.platform = ? AND o.platform_message_id = ?",
            "idx_outbox_platform_message_id",
        ),
        (
            "SELECT * FROM reminders WHERE case_id = ? AND status IN ('pending', 'sent')",
            "idx_reminders_case_id",
        ),
        (
            "UPDATE reminders SET status = 'done' WHERE case_id = ? AND kind IN (?)",
            "idx_reminders_case_id",
        ),
    ):
        plan = _plan(db, sql)
        assert index in plan, plan


def test_a_sent_row_written_again_finds_its_edits_by_index(tmp_path: Path) -> None:
    """m009's trigger deletes and inserts a row as it is sent, and SQLite checks the delete
    against the outbox's `edit_of` foreign key: before m014 that check read the whole
    outbox for every post. The edits' own look-ups use the same index."""
    db = open_database(tmp_path / "new.db")
    for sql in (
        "DELETE FROM outbox WHERE id = ?",
        "UPDATE outbox SET status = 'superseded' WHERE edit_of = ? AND status = 'pending'",
        "SELECT max(sent_at) FROM outbox WHERE edit_of = ? AND sent_at IS NOT NULL",
    ):
        plan = _plan(db, sql)
        assert "idx_outbox_edit_of" in plan and "SCAN" not in plan, plan
    old = tmp_path / "old.db"
    _database_before(old, "m014_edits_found_by_index")
    before = Database(sqlite3.connect(old))
    before.execute("PRAGMA foreign_keys = ON")  # as storage.db opens every file
    assert "SCAN outbox" in _plan(before, "DELETE FROM outbox WHERE id = ?")
    before.close()
    upgraded = open_database(old)
    assert "idx_outbox_edit_of" in _plan(upgraded, "DELETE FROM outbox WHERE id = ?")
    names = {r[0] for r in upgraded.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "idx_outbox_pending_edit_of" not in names
