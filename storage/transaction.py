"""`SqliteStore.atomic`'s transaction, as a class."""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from sqlite_utils import Database

from storage.inbox import unavailable


class Transactional(Protocol):
    """What a transaction needs of its store (`SqliteStore`), without importing it."""

    db: Database

    def mark_working_row_done(self) -> None: ...


class Transaction:
    """`SqliteStore.atomic`: BEGIN, then COMMIT (ROLLBACK on an error), or nothing when a
    transaction is open already. A class, not a generator: every post's mark-sent and every
    event opens one (sqlite-utils' `atomic` and contextlib's wrapper cost ~3 us a time)."""

    __slots__ = ("_outer", "_store")

    def __init__(self, store: Transactional) -> None:
        self._store = store
        self._outer = False

    def __enter__(self) -> Database:
        db = self._store.db
        if not db.conn.in_transaction:
            try:
                db.conn.execute("BEGIN")
            except sqlite3.OperationalError as exc:
                raise (unavailable(exc) or exc) from exc
            self._outer = True
        return db

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: Any
    ) -> None:
        if not self._outer:
            return  # joined: an error goes on up and undoes the whole transaction
        self._outer = False
        db = self._store.db
        if error is None:
            try:
                self._store.mark_working_row_done()
                db.conn.execute("COMMIT")
            except BaseException as failed:
                db.rollback()
                if isinstance(failed, sqlite3.OperationalError):
                    raise (unavailable(failed) or failed) from failed
                raise
            return
        db.rollback()
        if isinstance(error, sqlite3.OperationalError):
            raise (unavailable(error) or error) from error
