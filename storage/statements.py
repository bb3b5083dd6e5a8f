"""The SQL of the hot path's writes (opening a case, marking what was sent), as fixed text,
and `Writes`, which runs them (mixed into SqliteStore).

They run on sqlite-utils' own connection: the same text each time, so sqlite3's statement
cache keeps each one compiled, and no table is looked up first (sqlite-utils' Table.insert
and Table.update read the schema before every write).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError


class Writes:
    """One statement at a time: in the open transaction, else committed at once."""

    db: Database

    def _write(self, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
        """Run one write: part of the open transaction, else committed at once."""
        if self.db.conn.in_transaction:
            return self.db.conn.execute(sql, params)
        return self.db.execute(sql, params)

    def _change(self, sql: str, params: Sequence[Any]) -> None:
        """An UPDATE of one row by its key (the last parameter); NotFoundError when there is
        none, as sqlite-utils' Table.update."""
        if self._write(sql, params).rowcount == 0:
            raise NotFoundError(f"no row {params[-1]!r}")

    def _change_columns(self, table: str, row_id: int, values: Mapping[str, Any]) -> None:
        """Set some columns of one row by id (names from our own code, never from input)."""
        if not all(column.isidentifier() for column in values):
            raise ValueError(f"not column names: {sorted(values)}")
        sets = ", ".join(f"{column} = ?" for column in values) or "id = id"
        self._change(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id])


SEEN_INSERT = "INSERT INTO seen_events (platform, event_id, at) VALUES (?, ?, ?)"
CASE_INSERT = (
    "INSERT INTO cases (platform, channel_id, message_id, thread_id, customer_id, "
    "customer_name, text, status, playbook_id, language, reason, kind, intensity, impact, "
    "reading, flags, opened_at, updated_at, posted_at, staff_channel_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Positions continue after the case's last step; a step it has already is kept (its place
# is skipped). SQLite reads the whole SELECT before writing, as it reads the same table.
STEPS_INSERT = (
    "INSERT OR IGNORE INTO case_steps (case_id, step_id, position, state) "
    "SELECT ?1, j.value, last.n + j.key + 1, 'pending' FROM json_each(?2) j, "
    "(SELECT coalesce(max(position), 0) AS n FROM case_steps WHERE case_id = ?1) last "
    "ORDER BY j.key"
)
EVENT_INSERT = (
    "INSERT INTO events (case_id, at, actor_id, actor_name, kind, details) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
REMINDER_INSERT = (
    "INSERT INTO reminders (case_id, kind, due_at, status, note, created_by, created_at) "
    "VALUES (?, ?, ?, 'pending', ?, ?, ?)"
)
# Outbox rows: ?1 platform, ?2 channel, ?3 thread (a staff card: the caller's copy of the
# staff thread), ?4 case, ?5 kind, ?6 step, ?7 payload, ?8 edit of, ?9 created, ?10 ping.
# Priority 0 (first) for a ping, and for every card of a case none of whose rows is sent.
_FIRST = (
    "CASE WHEN ?10 OR NOT EXISTS (SELECT 1 FROM outbox s WHERE s.case_id = ?4 "
    "AND s.status = 'sent') THEN 0 ELSE 1 END"
)
_OUTBOX_COLUMNS = (
    "INSERT INTO outbox (platform, channel_id, thread_id, thread_of, case_id, kind, step_id, "
    "payload, edit_of, status, attempts, created_at, priority) "
)
OUTBOX_INSERT = (
    _OUTBOX_COLUMNS + f"VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, ?7, ?8, 'pending', 0, ?9, {_FIRST})"
)
# A staff card goes in the staff thread once its opener is posted, else it names the
# opener's row to take the thread from when that is sent.
STAFF_OUTBOX_INSERT = (
    _OUTBOX_COLUMNS + "SELECT ?1, ?2, t.thread, CASE WHEN t.thread IS NULL THEN "
    "(SELECT min(id) FROM outbox WHERE case_id = ?4 AND kind = 'opener') END, "
    f"?4, ?5, ?6, ?7, ?8, 'pending', 0, ?9, {_FIRST} "
    "FROM (SELECT coalesce((SELECT staff_thread_id FROM cases WHERE id = ?4), ?3) AS thread) t"
)
LONE_OUTBOX_INSERT = (
    "INSERT INTO outbox (platform, channel_id, thread_id, case_id, kind, step_id, payload, "
    "edit_of, status, attempts, created_at) "
    "VALUES (?, ?, ?, NULL, ?, NULL, ?, NULL, 'pending', 0, ?)"
)

# The flood and merge checks of a new complaint, in one pass over the author's cases (see
# SqliteStore.flood_probe): ?1 platform, ?2 customer, ?3..?4 the posting window, ?5 channel.
_OPEN = "status IN ('new', 'in_progress')"
_LAST_MESSAGE = "FROM events WHERE case_id = l.id AND kind = 'customer_message' ORDER BY id DESC"
FLOOD_PROBE = (
    f"SELECT l.id, l.recent, (SELECT details {_LAST_MESSAGE} LIMIT 1), "
    f"(SELECT at {_LAST_MESSAGE} LIMIT 1), l.here "
    f"FROM (SELECT coalesce(max(CASE WHEN {_OPEN} THEN id END), max(id)) AS id, "
    "count(CASE WHEN posted_at BETWEEN ?3 AND ?4 THEN 1 END) AS recent, "
    f"max(CASE WHEN channel_id = ?5 AND {_OPEN} THEN id END) AS here "
    "FROM cases WHERE platform = ?1 AND customer_id = ?2) l"
)

# Changes of one row, by its key.
STEP_UPDATE = (
    "UPDATE case_steps SET state = ?, actor_id = ?, actor_name = ?, via = ?, at = ? "
    "WHERE case_id = ? AND step_id = ?"
)
OUTBOX_SENT = "UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ? WHERE id = ?"
OPENER_SENT = (
    "UPDATE cases SET staff_thread_id = ?1 WHERE staff_thread_id IS NULL AND id = "
    "(SELECT case_id FROM outbox WHERE id = ?2 AND kind = 'opener')"
)
OUTBOX_RETRY = (
    "UPDATE outbox SET attempts = ?, not_before = ?, error = ?, "
    "first_failed_at = coalesce(first_failed_at, ?) WHERE id = ?"
)
OUTBOX_FAILED = "UPDATE outbox SET status = 'failed', error = ?, sent_at = ? WHERE id = ?"


@functools.cache
def first_steps_insert(count: int) -> str:
    """A new case's `count` steps, positions given, as one multi-row VALUES (a playbook's
    checklists come in a handful of sizes, so each text is built once)."""
    rows = ", ".join(["(?, ?, ?, 'pending')"] * count)
    return f"INSERT INTO case_steps (case_id, step_id, position, state) VALUES {rows}"
