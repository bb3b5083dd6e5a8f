"""Opening the database: pragmas, then every pending migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 5000


def open_database(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the SQLite file with WAL, a busy timeout and foreign keys."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    if str(path) != ":memory:":
        db.enable_wal()
    if migrate:
        MIGRATIONS.apply(db)
    return db


def schema_version(db: Database) -> list[str]:
    """Return the names of the applied migrations, oldest first."""
    return [m.name for m in MIGRATIONS.applied(db)]
