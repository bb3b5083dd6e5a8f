"""The inbox half of the store: events kept before they are acknowledged, worked per lane.

A row is claimed under SQLite's write lock (BEGIN IMMEDIATE), so two processes
sharing the file never claim the same row; the claim is a lease, so a row whose
process died is taken again once the lease ends (at once, for a process on this
machine that is known to be gone). A row marked done loses its raw payload at once (the
trigger of migration m009); its key stays until `inbox_trim`, for late duplicates.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core.base.store_port import StoreBusy, StoreUnavailable
from bot.core.delivery.inbox_rows import DONE, PARKED, PENDING, InboxHealth, InboxRow
from storage.codec import dt, ts

#: The inbox row being worked in this task, and its owner: committed with its effects.
_WORKING: ContextVar[tuple[int, str, str] | None] = ContextVar("sereno_inbox_row", default=None)
_UNAVAILABLE = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY)


def unavailable(exc: sqlite3.Error) -> StoreUnavailable | None:
    """The port's exception for a write SQLite could not make now, or None for a bug."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreBusy(str(exc))
    if code in _UNAVAILABLE or "locked" in str(exc) or "disk is full" in str(exc):
        return StoreUnavailable(str(exc))
    return None


def _dt(value: str) -> datetime:
    parsed = dt(value)
    assert parsed is not None
    return parsed


def _row(row: dict[str, Any]) -> InboxRow:
    return InboxRow(
        id=row["id"],
        platform=row["platform"],
        key=row["key"],
        lane=row["lane"],
        kind=row["kind"],
        payload=json.loads(row["payload"]) if row["payload"] else {},
        received_at=_dt(row["received_at"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
    )


def _claimable(row: dict[str, Any], owner: str, now: str) -> bool:
    """Due (no retry pending) and held by nobody else, or by someone whose lease ran out."""
    if (row["next_at"] or "") > now:
        return False
    return row["claimed_by"] in (None, owner) or (row["claimed_until"] or "") <= now


class InboxRows:
    """Inbox rows and channel cursors (mixed into SqliteStore)."""

    db: Database

    def mark_working_row_done(self) -> None:
        """Called inside every outermost transaction before it commits."""
        working = _WORKING.get()
        if working is not None:
            row_id, owner, at = working
            self.db.execute(
                "UPDATE inbox SET state = ?, done_at = ?, claimed_by = NULL, claimed_until = NULL "
                "WHERE id = ? AND state = ? AND claimed_by = ?",
                [DONE, at, row_id, PENDING, owner],
            )

    @contextmanager
    def brief_waits(self, ms: int = 500) -> Iterator[None]:
        """Wait at most `ms` for another writer's lock (instead of the usual 5 s): what is
        written before a platform hears "received" must answer within its deadline."""
        before = self.db.execute("PRAGMA busy_timeout").fetchone()[0]
        self.db.execute(f"PRAGMA busy_timeout = {int(ms)}")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {int(before)}")

    def inbox_add(
        self,
        platform: str,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        at: datetime,
        author_id: str | None = None,
    ) -> int | None:
        """Keep an arriving event; its id, or None when that key arrived before."""
        sql = (
            "INSERT OR IGNORE INTO inbox (platform, key, lane, kind, payload, author_id, "
            "received_at, state, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)"
        )
        params = [platform, key, lane, kind, json.dumps(payload), author_id, ts(at), PENDING]
        if not self._finish(sql, params):
            return None
        return int(self.db.execute("SELECT last_insert_rowid()").fetchone()[0])

    def inbox_add_claimed(
        self,
        platform: str,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        at: datetime,
        author_id: str | None,
        owner: str,
        until: datetime,
    ) -> tuple[int, bool] | None:
        """`inbox_add`, the row claimed for `owner` in the same statement when it is its
        lane's only pending row (the lane's head: nothing can be before it). (id, claimed),
        or None when that key arrived before. The claim is a lease like `inbox_claim`'s."""
        sql = (
            "INSERT OR IGNORE INTO inbox (platform, key, lane, kind, payload, author_id, "
            "received_at, state, attempts, claimed_by, claimed_until) "
            "SELECT ?, ?, ?, ?, ?, ?, ?, ?, 0, free.owner, free.until FROM (SELECT "
            "CASE WHEN busy THEN NULL ELSE ? END AS owner, "
            "CASE WHEN busy THEN NULL ELSE ? END AS until FROM (SELECT EXISTS (SELECT 1 "
            "FROM inbox WHERE platform = ? AND state = ? AND lane = ?) AS busy)) AS free "
            "WHERE true RETURNING id, claimed_by"
        )
        params = [
            *(platform, key, lane, kind, json.dumps(payload), author_id, ts(at), PENDING),
            *(owner, ts(until), platform, PENDING, lane),
        ]
        try:
            if self.db.conn.in_transaction:
                found = self.db.execute(sql, params).fetchone()
            else:
                with self.db.conn:
                    found = self.db.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise (unavailable(exc) or exc) from exc
        if found is None:
            return None
        return int(found[0]), found[1] is not None

    def inbox_lanes_due(self, platform: str, now: datetime) -> list[str]:
        """Lanes with a pending row (their heads are checked when claimed)."""
        rows = self.db.execute(
            "SELECT lane, min(id) AS head FROM inbox WHERE platform = ? AND state = ? "
            "GROUP BY lane ORDER BY head",
            [platform, PENDING],
        ).fetchall()
        return [lane for lane, _ in rows]

    def inbox_claim(
        self, platform: str, lane: str, owner: str, now: datetime, until: datetime
    ) -> InboxRow | None:
        """Claim the oldest pending row of a lane, if it is due and nobody else holds it.

        Another process's lock is not waited for: the worker backs off without blocking
        the event loop, which must stay free to answer the platforms."""
        try:
            with self.brief_waits(0):
                self.db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise (unavailable(exc) or exc) from exc
        try:
            found = self.db.execute(
                "SELECT * FROM inbox WHERE platform = ? AND lane = ? AND state = ? "
                "ORDER BY id LIMIT 1",
                [platform, lane, PENDING],
            )
            columns = [c[0] for c in found.description]
            head = found.fetchone()
            row = dict(zip(columns, head, strict=True)) if head else None
            if row is not None and not _claimable(row, owner, ts(now) or ""):
                row = None
            if row is not None:
                self.db.execute(
                    "UPDATE inbox SET claimed_by = ?, claimed_until = ? WHERE id = ?",
                    [owner, ts(until), row["id"]],
                )
            self.db.conn.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise
        return _row(row) if row else None

    def inbox_next_at(self, platform: str) -> datetime | None:
        """When the earliest pending row waiting for a retry or a lease falls due."""
        row = self.db.execute(
            "SELECT min(t) FROM (SELECT max(coalesce(next_at, ''), coalesce(claimed_until, '')) "
            "AS t FROM inbox WHERE platform = ? AND state = ?) WHERE t != ''",
            [platform, PENDING],
        ).fetchone()
        return _dt(row[0]) if row and row[0] else None

    @contextmanager
    def inbox_processing(self, row_id: int, owner: str, at: datetime) -> Iterator[None]:
        """While inside, the first transaction to commit also marks the row done."""
        token = _WORKING.set((row_id, owner, ts(at) or ""))
        try:
            yield
        finally:
            _WORKING.reset(token)

    def _finish(self, sql: str, params: list[Any]) -> int:
        """One statement in a transaction of its own (or the caller's); rows changed."""
        try:
            if self.db.conn.in_transaction:
                return self.db.execute(sql, params).rowcount
            with self.db.conn:
                return self.db.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise (unavailable(exc) or exc) from exc

    def inbox_done(self, row_id: int, owner: str, at: datetime) -> None:
        """Mark a row done (a no-op when its effects' transaction already did)."""
        self._finish(
            "UPDATE inbox SET state = ?, done_at = ?, claimed_by = NULL, claimed_until = NULL "
            "WHERE id = ? AND state = ? AND claimed_by = ?",
            [DONE, ts(at), row_id, PENDING, owner],
        )

    def inbox_retry(
        self, row_id: int, owner: str, error: str, next_at: datetime, attempts: int
    ) -> None:
        """Give the row back, to be tried again at `next_at`."""
        self._finish(
            "UPDATE inbox SET attempts = ?, next_at = ?, last_error = ?, claimed_by = NULL, "
            "claimed_until = NULL WHERE id = ? AND claimed_by = ? AND state = ?",
            [attempts, ts(next_at), error[:500], row_id, owner, PENDING],
        )

    def inbox_park(self, row_id: int, owner: str, error: str, at: datetime) -> None:
        """Set a row aside after repeated failures: its lane goes on without it."""
        self._finish(
            "UPDATE inbox SET state = ?, last_error = ?, done_at = ?, claimed_by = NULL, "
            "claimed_until = NULL, attempts = attempts + 1 WHERE id = ? AND claimed_by = ?",
            [PARKED, error[:500], ts(at), row_id, owner],
        )

    def inbox_claim_owners(self) -> list[str]:
        """Every owner holding a claim on a pending row."""
        rows = self.db.execute(
            "SELECT DISTINCT claimed_by FROM inbox WHERE state = ? AND claimed_by IS NOT NULL",
            [PENDING],
        ).fetchall()
        return [r[0] for r in rows]

    def inbox_release_stale(self, owner: str, dead: list[str]) -> int:
        """Release claims held by owners that are gone."""
        if not dead:
            return 0
        marks = ", ".join("?" for _ in dead)
        return self._finish(
            "UPDATE inbox SET claimed_by = NULL, claimed_until = NULL "
            f"WHERE state = ? AND claimed_by IN ({marks})",
            [PENDING, *dead],
        )

    def inbox_parked(self, platform: str | None = None) -> Iterator[InboxRow]:
        """Parked rows, oldest first."""
        sql, params = "SELECT * FROM inbox WHERE state = ?", [PARKED]
        if platform:
            sql, params = sql + " AND platform = ?", [*params, platform]
        for row in self.db.query(sql + " ORDER BY id", params):
            yield _row(row)

    def inbox_requeue_parked(self, platform: str | None = None) -> int:
        """Put parked rows back in their lanes, with a fresh count of attempts."""
        sql, params = (
            "UPDATE inbox SET state = ?, attempts = 0, next_at = NULL WHERE state = ?",
            [
                PENDING,
                PARKED,
            ],
        )
        if platform:
            sql, params = sql + " AND platform = ?", [*params, platform]
        return self._finish(sql, params)

    def inbox_health(self, platform: str) -> InboxHealth:
        """Last event received, rows pending and parked, oldest message not yet delivered."""
        last, pending, parked = self.db.execute(
            "SELECT max(received_at), sum(state = ?), sum(state = ?) FROM inbox WHERE platform = ?",
            [PENDING, PARKED, platform],
        ).fetchone()
        oldest = self.db.execute(
            "SELECT min(created_at) FROM outbox WHERE platform = ? AND status = 'pending'",
            [platform],
        ).fetchone()[0]
        return InboxHealth(
            platform,
            _dt(last) if last else None,
            int(pending or 0),
            int(parked or 0),
            _dt(oldest) if oldest else None,
        )

    def inbox_trim(self, payloads_before: datetime, rows_before: datetime) -> tuple[int, int]:
        """Drop payloads of rows finished before the first time; drop rows before the second."""
        trimmed = self._finish(
            "UPDATE inbox SET payload = NULL WHERE state = ? AND payload IS NOT NULL "
            "AND done_at < ?",
            [DONE, ts(payloads_before)],
        )
        dropped = self._finish(
            "DELETE FROM inbox WHERE state = ? AND done_at < ?", [DONE, ts(rows_before)]
        )
        return trimmed, dropped

    def cursor(self, platform: str, channel_id: str) -> str | None:
        """The newest message id seen in a channel; None before the first start there."""
        row = self.db.execute(
            "SELECT last_id FROM channel_cursors WHERE platform = ? AND channel_id = ?",
            [platform, channel_id],
        ).fetchone()
        return row[0] if row else None

    def advance_cursor(self, platform: str, channel_id: str, message_id: str, at: datetime) -> None:
        """Move a channel's cursor forward (message ids compare by length, then text:
        right for Slack timestamps and Discord snowflakes alike)."""
        self._finish(
            "INSERT INTO channel_cursors (platform, channel_id, last_id, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (platform, channel_id) DO UPDATE SET "
            "last_id = excluded.last_id, updated_at = excluded.updated_at "
            "WHERE length(excluded.last_id) > length(last_id) OR "
            "(length(excluded.last_id) = length(last_id) AND excluded.last_id > last_id)",
            [platform, channel_id, message_id, ts(at)],
        )
