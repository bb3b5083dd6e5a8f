"""Checkpoints in the served process's quiet moments, mostly off the event loop.

In WAL mode SQLite copies the log back into the database file (a checkpoint) in the
commit that takes the log past 1,000 pages: that commit copies the pages and syncs
both files, and the commit after it starts the log afresh and syncs its new header,
both on the event loop. Served one complaint at a time, that fell on about one
complaint in 15-20, whose commit took 4-10 ms instead of 0.2 (a sync costs ~4 ms on
the machines we measure on): the slowest first guidances of a run.

`checkpoint_when_quiet` does that work before, between complaints: woken when a case's
posts are queued, it waits until the loop's connection has written nothing for
`QUIET` seconds (the case answered), then runs a PASSIVE checkpoint on a thread, on a
connection of its own (it waits for nobody: readers and writers go on meanwhile).
When it copied everything and nothing was written meanwhile, the loop's connection
starts the log afresh at once (`start_log_afresh`: one small write and its sync, while
nothing waits), so the next complaint's commits go on without a sync. That write is
the loop's own: a write from another connection would make the loop's connection
drop its page cache and read every page again. Under a steady load there is no quiet
moment and SQLite checkpoints in a commit as before. Either way the pages reach the
file as SQLite always copies them, safe against a crash at any point.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

log = logging.getLogger(__name__)

QUIET = 0.05  # seconds without a write: the work of the moment is done
EVERY = 1.0  # seconds at least between two checkpoints
BUSY_SECONDS = 1.0


def checkpoint(path: str | Path) -> tuple[int, int, int]:
    """One PASSIVE checkpoint of `path` on a connection of its own (never creates the
    file): (1 if it could not finish, pages in the log, pages copied)."""
    uri = Path(path).resolve().as_uri() + "?mode=rw"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS)
    try:
        busy, pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
    return int(busy), int(pages), int(copied)


def start_log_afresh(conn: sqlite3.Connection) -> None:
    """After a checkpoint that copied the whole log: the write that starts it again (the
    schema's user_version written as it is), made now rather than by the next commit.
    It never waits for a lock (the event loop would wait with it): when another
    connection writes at that moment, its own commit starts the log instead."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    before = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute(f"PRAGMA user_version = {version}")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {before}")


async def checkpoint_when_quiet(
    db: Database,
    path: str | Path,
    wakers: list[Callable[[], None]],
    quiet: float = QUIET,
    every: float = EVERY,
) -> None:
    """Until cancelled: each time a callback in `wakers` is called (the engine's
    `on_outbox`), wait until `db` has written nothing for `quiet` seconds, then
    checkpoint `path` on a thread if `db` wrote since the last checkpoint and that one
    is `every` seconds old (else a later quiet moment does it: a checkpoint starts
    only as work has just ended, when the next is least likely to come in the middle of
    it). A database in memory has no log: then this only waits."""
    if str(path) == ":memory:":
        await asyncio.Event().wait()  # a job that returns is started again
    loop = asyncio.get_running_loop()
    woken = asyncio.Event()
    wakers.append(woken.set)
    conn = db.conn
    done_at = -1  # conn.total_changes when the last checkpoint began
    last = float("-inf")  # loop.time() then
    failing = False
    try:
        while True:
            await woken.wait()
            changes = await _quiet(conn, quiet)
            woken.clear()
            if changes == done_at or loop.time() - last < every:
                continue  # nothing new, or the next quiet moment will do
            last = loop.time()
            try:
                busy, pages, copied = await asyncio.to_thread(checkpoint, path)
                whole = not busy and pages > 0 and copied == pages
                if whole and conn.total_changes == changes and not conn.in_transaction:
                    start_log_afresh(conn)
            except sqlite3.Error as exc:
                if not failing:
                    log.warning("database: checkpoint failed (%s); trying again later", exc)
                failing = True
                continue
            failing = False
            if not busy:
                done_at = conn.total_changes
    finally:
        with contextlib.suppress(ValueError):
            wakers.remove(woken.set)


async def _quiet(conn: sqlite3.Connection, quiet: float) -> int:
    """Wait until `conn` has changed nothing for `quiet` seconds; its total changes then."""
    changes = conn.total_changes
    while True:
        await asyncio.sleep(quiet)
        now = conn.total_changes
        if now == changes:
            return now
        changes = now
