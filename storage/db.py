"""Opening the database: a private file, pragmas, then every pending migration.

The file and its `-wal`/`-shm` companions are readable by this user only (0600).
A file that cannot be used stops here with `DatabaseUnusable`, whose message is
one line naming the file and what to do; `watch_integrity` looks for damage in
the background of a served process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 5000
PRIVATE = 0o600
COMPANIONS = ("-wal", "-shm")
QUICK_CHECK_LIMIT = 100  # problems listed by PRAGMA quick_check before it stops
RESTORE = "restore it from a backup (see README 'Backups') or move it away to start afresh"
ACCESS = "check that this user may read and write it and its folder"
#: Why a file cannot be used, by SQLite's primary result code: (what it is, what to do).
_DIAGNOSES: dict[int, tuple[str, str]] = {
    sqlite3.SQLITE_NOTADB: ("is not a SQLite database", RESTORE),
    sqlite3.SQLITE_CORRUPT: ("is damaged", RESTORE),
    sqlite3.SQLITE_CANTOPEN: ("cannot be opened", ACCESS),
    sqlite3.SQLITE_PERM: ("cannot be opened", ACCESS),
    sqlite3.SQLITE_READONLY: ("is read-only", ACCESS),
    sqlite3.SQLITE_IOERR: ("cannot be read", "check the disk; if it is sound, " + RESTORE),
    sqlite3.SQLITE_FULL: ("cannot be written", "free some disk space and start again"),
    sqlite3.SQLITE_BUSY: ("is locked by another program", "stop it, or wait and start again"),
    sqlite3.SQLITE_LOCKED: ("is locked by another program", "stop it, or wait and start again"),
}

log = logging.getLogger(__name__)


class DatabaseUnusable(Exception):
    """The database file cannot be opened or read; the message is one line for the operator."""


def open_database(path: str | Path, *, migrate: bool = True, max_mb: int | None = None) -> Database:
    """Open (creating if needed, 0600) the SQLite file with WAL, a busy timeout and foreign keys;
    `max_mb` caps the file (SQLite's max_page_count): past it writes fail as on a full disk."""
    if str(path) == ":memory:":
        return _configure(sqlite3.connect(":memory:"), migrate=migrate, wal=False)
    file = Path(path)
    conn: sqlite3.Connection | None = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        _create_private(file)
        conn = sqlite3.connect(str(file), timeout=BUSY_TIMEOUT_MS / 1000)
        db = _configure(conn, migrate=migrate, wal=True)
        if max_mb is not None:
            page = db.execute("PRAGMA page_size").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {max(1, max_mb * 1024 * 1024 // page)}")
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        raise unusable(file, exc) from None
    make_private(file)
    return db


def _configure(conn: sqlite3.Connection, *, migrate: bool, wal: bool) -> Database:
    # Without sqlite-utils' plugins: finding them scans every installed package's entry
    # points (30-80 ms of each start-up), and a plugin installed for the sqlite-utils
    # command line has no business changing Sereno's connection.
    db = Database(conn, execute_plugins=False)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    if wal:
        db.enable_wal()  # reads the header: a file that is not a database fails here
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if migrate:
        MIGRATIONS.apply(db)
    return db


def unusable(file: Path, exc: sqlite3.Error | OSError) -> DatabaseUnusable | sqlite3.Error:
    """The one-line diagnosis of `exc` for `file`, or `exc` itself when it is not about the file."""
    if isinstance(exc, OSError):
        return DatabaseUnusable(f"{file} cannot be opened ({exc.strerror or exc}); {ACCESS}")
    code = getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_ERROR) & 0xFF
    if code not in _DIAGNOSES:
        return exc  # a mistake in a query or a migration: a traceback is the right answer
    what, todo = _DIAGNOSES[code]
    return DatabaseUnusable(f"{file} {what} ({_one_line(str(exc))}); {todo}")


def _create_private(file: Path) -> None:
    """Create an empty file readable by this user only, so SQLite gives its companions 0600."""
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return
    os.close(fd)


def make_private(file: Path) -> list[Path]:
    """Narrow the file and its -wal/-shm to 0600 where others may read them; warn once if so."""
    narrowed, foreign = [], []
    for candidate in [file, *(file.with_name(file.name + s) for s in COMPANIONS)]:
        try:
            info = candidate.stat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode) or not info.st_mode & 0o077:
            continue
        if info.st_uid != os.geteuid():
            foreign.append(candidate)
            continue
        candidate.chmod(PRIVATE)
        narrowed.append(candidate)
    if narrowed:
        names = ", ".join(str(p) for p in narrowed)
        log.warning("%s could be read by other users; now readable by this user only", names)
    if foreign:
        names = ", ".join(str(p) for p in foreign)
        log.warning("%s can be read by other users and belongs to another user: chmod 600", names)
    return narrowed


def quick_check(path: str | Path, limit: int = QUICK_CHECK_LIMIT) -> list[str]:
    """Run PRAGMA quick_check on a connection of its own; the problems found (none: [])."""
    uri = Path(path).resolve().as_uri() + "?mode=rw"  # never creates the file
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = conn.execute(f"PRAGMA quick_check({int(limit)})").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    lines = (line.strip() for row in rows for line in str(row[0]).splitlines())
    return [line for line in lines if line and line != "ok" and not line.startswith("***")]


def report_integrity(path: str | Path) -> str | None:
    """Check the file and log the result in one line (ERROR when damaged); None if sound,
    else the first problem found."""
    problems = quick_check(path)
    if not problems:
        log.info("database check: %s is sound (PRAGMA quick_check)", path)
        return None
    count = f"{len(problems)}+" if len(problems) >= QUICK_CHECK_LIMIT else str(len(problems))
    log.error(
        "database check: %s is damaged (%s problem(s) found by PRAGMA quick_check, first: %s); "
        "stop Sereno, keep a copy of the damaged file and restore the newest sound backup "
        "(see README 'Backups')",
        path,
        count,
        problems[0][:200],
    )
    return problems[0][:200]


async def watch_integrity(
    path: str | Path,
    first_after: float,
    every: float,
    on_damage: Callable[[str], None] = lambda problem: None,
) -> None:
    """Check the file `first_after` seconds from now, then every `every` seconds, off the loop;
    `on_damage` hears of damage once (the log has a line at every check)."""
    await asyncio.sleep(first_after)
    told = False
    while True:
        problem = await asyncio.to_thread(report_integrity, path)
        if problem is not None and not told:
            told = True
            on_damage(problem)
        await asyncio.sleep(every)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def schema_version(db: Database) -> list[str]:
    """Return the names of the applied migrations, oldest first."""
    return [m.name for m in MIGRATIONS.applied(db)]
