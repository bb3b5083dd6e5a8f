"""`sereno backup FILE`: a consistent copy of the database, safe while Sereno runs.

SQLite's online backup API copies every page inside one read transaction; in
WAL mode that never blocks Sereno's writers, and the copy holds exactly the
committed state at that moment. The copy is written to a private temporary file
next to FILE and renamed into place, so FILE is either the whole backup or
untouched. It is a single self-contained file (no -wal), readable by this user only.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.core.texts import plural
from storage.db import BUSY_TIMEOUT_MS, PRIVATE, unusable


class BackupRefused(Exception):
    """The backup was not made; the message is one line saying why and what to do."""


@dataclass(frozen=True)
class Backup:
    """What `backup_database` wrote."""

    path: Path
    size: int  # bytes
    cases: int

    def summary(self, source: Path) -> str:
        """One line for the operator."""
        cases = plural("count.cases", self.cases, "en")
        return f"Backed up {source} to {self.path}: {human_size(self.size)}, {cases}."


def backup_database(source: Path, target: Path, *, force: bool = False) -> Backup:
    """Copy `source` to `target` with the online backup API; refuse to overwrite unless `force`."""
    if not source.is_file():
        raise BackupRefused(f"{source} does not exist; there is nothing to back up")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupRefused(f"{target} is the database itself; choose another file")
    if target.is_dir():
        raise BackupRefused(f"{target} is a folder; give the backup's file name")
    if target.exists() and not force:
        raise BackupRefused(f"{target} already exists; pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        cases = _copy(source, partial)
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        with contextlib.suppress(FileNotFoundError):
            partial.with_name(partial.name + "-journal").unlink()
    return Backup(target, target.stat().st_size, cases)


def _copy(source: Path, partial: Path) -> int:
    """Write the backup to `partial` (created 0600); the number of cases in it."""
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    os.close(fd)
    uri = source.resolve().as_uri() + "?mode=rw"  # never creates it
    try:
        src = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise unusable(source, exc) from None
    try:
        dest = sqlite3.connect(str(partial))
        try:
            try:
                src.backup(dest)  # every page in one step: one consistent snapshot
            except sqlite3.Error as exc:
                raise unusable(source, exc) from None
            dest.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            cases = _count_cases(dest)
            dest.commit()
        finally:
            dest.close()
    finally:
        src.close()
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    return cases


def _count_cases(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])
    except sqlite3.OperationalError:  # a database Sereno has not set up yet
        return 0


def human_size(size: int) -> str:
    """1.2 MB, 340 KB, 512 bytes."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} bytes"
