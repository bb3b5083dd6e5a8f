"""Checkpoints in quiet moments, off the loop (storage.checkpoint): real SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.serve import core_jobs
from bot.wiring import App
from storage import checkpoint as ck
from storage.db import open_database

WITHIN = 10.0  # seconds: the bound of every wait below (two cores shared with other work)


def log_pages(path: Path) -> int:
    """Pages the log holds now (a PASSIVE checkpoint of a connection of the test's own
    reports it; the pages it copies are not what is asked)."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        conn.close()


def write(db, rows: int = 20) -> None:  # type: ignore[no-untyped-def]
    with db.conn:
        db.conn.executemany(
            "INSERT INTO filler (body) VALUES (?)", [("x" * 3000,) for _ in range(rows)]
        )


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = open_database(tmp_path / "sereno.db")
    db.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)")
    yield db
    db.close()


def test_a_checkpoint_copies_the_log_and_the_log_starts_afresh(db, tmp_path: Path) -> None:
    path = tmp_path / "sereno.db"
    version = db.execute("PRAGMA user_version").fetchone()[0]
    write(db)
    busy, pages, copied = ck.checkpoint(path)
    assert busy == 0 and pages >= 20 and copied == pages
    assert log_pages(path) == pages  # copied, but not started afresh yet
    ck.start_log_afresh(db.conn)
    # the fresh log's first write is made (the log holds it alone), so the served
    # connection's next commit need not start the log and sync its header
    assert log_pages(path) <= 2
    write(db, rows=1)
    assert log_pages(path) < 10
    assert db.execute("PRAGMA user_version").fetchone()[0] == version
    assert db.execute("SELECT count(*) FROM filler").fetchone()[0] == 21


def test_starting_the_log_afresh_never_waits_for_another_writer(db, tmp_path: Path) -> None:
    path = tmp_path / "sereno.db"
    write(db)
    assert ck.checkpoint(path)[0] == 0
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        before = db.execute("PRAGMA busy_timeout").fetchone()[0]
        assert before > 1000  # the served connection waits seconds for a lock
        ck.start_log_afresh(db.conn)  # returns at once: that writer's commit starts the log
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == before
    finally:
        other.execute("ROLLBACK")
        other.close()
    write(db, rows=1)
    assert db.execute("SELECT count(*) FROM filler").fetchone()[0] == 21


def test_a_checkpoint_never_creates_a_database(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError):
        ck.checkpoint(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


async def until(check, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + WITHIN
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {WITHIN} s: {what}")
        await asyncio.sleep(0.01)


async def test_woken_it_checkpoints_once_the_writes_stop(db, tmp_path, monkeypatch) -> None:
    path = tmp_path / "sereno.db"
    calls: list[int] = []
    real = ck.checkpoint

    def counted(p: Path) -> tuple[int, int, int]:
        done = real(p)
        calls.append(done[1])
        return done

    monkeypatch.setattr(ck, "checkpoint", counted)
    wakers: list = []
    job = asyncio.create_task(ck.checkpoint_when_quiet(db, path, wakers, quiet=0.02, every=0))
    await until(lambda: wakers, "the job registers its waker")
    await asyncio.sleep(0.1)
    assert calls == []  # never woken: nothing done
    write(db)
    wakers[0]()
    await until(lambda: calls, "a checkpoint after the wake")
    assert log_pages(path) < 10  # the served connection's log was copied back
    # woken again with nothing written since: no second checkpoint
    wakers[0]()
    await asyncio.sleep(0.2)
    assert len(calls) == 1
    write(db, rows=1)
    wakers[0]()
    await until(lambda: len(calls) == 2, "a checkpoint after the next write")
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert wakers == []  # no longer woken once stopped


async def test_a_database_in_memory_is_left_alone() -> None:
    db = open_database(":memory:")
    wakers: list = []
    job = asyncio.create_task(ck.checkpoint_when_quiet(db, ":memory:", wakers))
    await asyncio.sleep(0.05)
    assert not job.done() and wakers == []
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job


def test_the_served_process_checkpoints_in_quiet_moments(app: App) -> None:
    assert "checkpoint" in [job.name for job in core_jobs(app)]
