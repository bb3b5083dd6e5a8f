"""`SqliteStore.atomic` on a real SQLite file: commit, rollback, joining an open
transaction, and SQLite's "cannot write now" as the port's StoreBusy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.core.base.store_port import StoreBusy
from storage.db import open_database
from storage.store import SqliteStore


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(open_database(tmp_path / "t.db"))


def _seen(store: SqliteStore) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT event_id FROM seen_events ORDER BY event_id")]


def _add(store: SqliteStore, event_id: str) -> None:
    store.db.conn.execute(
        "INSERT INTO seen_events (platform, event_id, at) VALUES ('t', ?, 'x')", (event_id,)
    )


def test_what_is_written_inside_commits_at_the_end(store: SqliteStore) -> None:
    with store.atomic() as db:
        assert db is store.db and db.conn.in_transaction
        _add(store, "a")
    assert not store.db.conn.in_transaction
    assert _seen(store) == ["a"]


def test_an_error_undoes_everything_and_goes_on_up(store: SqliteStore) -> None:
    with pytest.raises(RuntimeError, match="effect"), store.atomic():
        _add(store, "a")
        raise RuntimeError("the effect failed")
    assert not store.db.conn.in_transaction
    assert _seen(store) == []


def test_a_nested_transaction_joins_and_its_error_undoes_the_whole(store: SqliteStore) -> None:
    with store.atomic():
        _add(store, "outer")
        with store.atomic():  # no savepoint: commits with the outer one
            _add(store, "inner")
        assert store.db.conn.in_transaction
    assert _seen(store) == ["inner", "outer"]
    with pytest.raises(KeyError), store.atomic():
        _add(store, "kept?")
        with store.atomic():
            raise KeyError("inner")
    assert _seen(store) == ["inner", "outer"]


def test_a_transaction_is_begun_again_after_one_ends(store: SqliteStore) -> None:
    transaction = store.atomic()
    for event_id in ("a", "b"):
        with transaction:
            _add(store, event_id)
        assert not store.db.conn.in_transaction
    assert _seen(store) == ["a", "b"]


def test_a_locked_file_is_store_busy(store: SqliteStore, tmp_path: Path) -> None:
    other = sqlite3.connect(str(tmp_path / "t.db"), isolation_level=None)
    other.execute("PRAGMA busy_timeout = 0")
    store.db.conn.execute("PRAGMA busy_timeout = 0")
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with pytest.raises(StoreBusy), store.atomic():
            _add(store, "a")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not store.db.conn.in_transaction
    assert _seen(store) == []
