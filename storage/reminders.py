"""Reminder rows: picking due ones through the (status, due_at) index, and their states."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core.base.clocks import ReminderKind
from bot.core.base.model import Actor
from bot.core.base.reminder import OPEN_STATUSES, Reminder
from bot.core.base.store_port import StoreBusy
from storage.codec import dt, ts
from storage.statements import REMINDER_INSERT, Writes


def reminder_from_row(row: dict[str, Any]) -> Reminder:
    """Build a Reminder from a `reminders` row."""
    return Reminder(
        id=row["id"],
        case_id=row["case_id"],
        kind=ReminderKind(row["kind"]),
        due_at=dt(row["due_at"]),  # type: ignore[arg-type]
        status=row["status"],
        note=row["note"] or "",
        created_by=row["created_by"] or "",
        sent_at=dt(row["sent_at"]),
        escalate_at=dt(row.get("escalate_at")),
        escalated_at=dt(row.get("escalated_at")),
        ping_outbox_id=row.get("ping_outbox_id"),
    )


class ReminderRows(Writes):
    """The reminder half of the store (mixed into SqliteStore)."""

    db: Database

    def mark_working_row_done(self) -> None: ...  # storage.inbox.InboxRows

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """A transaction that takes SQLite's write lock at once (BEGIN IMMEDIATE), so two
        processes sharing the file never pick the same due reminder."""
        if self.db.conn.in_transaction:  # it joins the open one (see SqliteStore.atomic)
            yield
            return
        try:
            self.db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreBusy(str(exc)) from exc
        try:
            yield
            self.mark_working_row_done()
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise
        self.db.conn.execute("COMMIT")

    def add_reminder(
        self, case_id: int, kind: str, due_at: datetime, note: str, by: Actor, at: datetime
    ) -> int:
        """Schedule a reminder for a case."""
        row = (case_id, str(kind), ts(due_at), note, by.key, ts(at))
        return int(self._write(REMINDER_INSERT, row).lastrowid or 0)

    def _reminders(self, sql: str, params: Iterable[Any]) -> list[Reminder]:
        return [reminder_from_row(r) for r in self.db.query(sql, list(params))]

    def get_reminder(self, reminder_id: int) -> Reminder | None:
        """A reminder by id."""
        found = self._reminders("SELECT * FROM reminders WHERE id = ?", [reminder_id])
        return found[0] if found else None

    def due_reminders(self, now: datetime, limit: int) -> list[Reminder]:
        """Pending reminders due by `now`, oldest first (index: status, due_at)."""
        return self._reminders(
            "SELECT * FROM reminders WHERE status = 'pending' AND due_at <= ? "
            "ORDER BY due_at, id LIMIT ?",
            [ts(now), limit],
        )

    def next_reminder_at(self) -> datetime | None:
        """When the soonest pending reminder or unanswered ping falls due (both indexed)."""
        row = self.db.execute(
            "SELECT min(t) FROM ("
            "SELECT min(due_at) AS t FROM reminders WHERE status = 'pending' "
            "UNION ALL SELECT min(escalate_at) FROM reminders "
            "WHERE status = 'sent' AND escalated_at IS NULL)"
        ).fetchone()
        return dt(row[0]) if row and row[0] else None

    def due_escalations(self, now: datetime, limit: int) -> list[Reminder]:
        """Pinged reminders nobody finished before their escalation time."""
        return self._reminders(
            "SELECT * FROM reminders WHERE status = 'sent' AND escalate_at <= ? "
            "AND escalated_at IS NULL ORDER BY escalate_at, id LIMIT ?",
            [ts(now), limit],
        )

    def reminders_for(self, case_id: int, open_only: bool = True) -> list[Reminder]:
        """A case's reminders, soonest first."""
        where = f"AND status IN {OPEN_STATUSES}" if open_only else ""
        return self._reminders(
            f"SELECT * FROM reminders WHERE case_id = ? {where} ORDER BY due_at, id", [case_id]
        )

    def open_reminders_due(
        self, now: datetime, assignee_id: str | None, limit: int
    ) -> list[Reminder]:
        """Due and overdue reminders not finished yet, optionally for one assignee, oldest
        first: each open status walks (status, due_at) in order and stops at `limit`, so the
        cost is what is shown, not every overdue reminder sorted."""
        mine = "AND c.assignee_id = ? " if assignee_id is not None else ""
        branch = (
            "SELECT * FROM (SELECT r.* FROM reminders r JOIN cases c ON c.id = r.case_id "
            f"WHERE r.status = ? AND r.due_at <= ? {mine}ORDER BY r.due_at, r.id LIMIT ?)"
        )
        params: list[Any] = []
        for status in OPEN_STATUSES:
            params += [status, ts(now), *([assignee_id] if assignee_id is not None else []), limit]
        sql = " UNION ALL ".join(branch for _ in OPEN_STATUSES) + " ORDER BY due_at, id LIMIT ?"
        return self._reminders(sql, [*params, limit])

    def update_reminder(self, reminder_id: int, **changes: Any) -> None:
        """Change some columns of a reminder."""
        values = {k: ts(v) if isinstance(v, datetime) else v for k, v in changes.items()}
        self._change_columns("reminders", reminder_id, values)

    def finish_reminders(
        self, case_id: int, kinds: Iterable[str], status: str, at: datetime, by: str = ""
    ) -> int:
        """Mark a case's open reminders of these kinds done or cancelled."""
        kinds = [str(k) for k in kinds]
        cursor = self.db.execute(
            f"UPDATE reminders SET status = ?, done_at = ?, done_by = ? "
            f"WHERE case_id = ? AND status IN {OPEN_STATUSES} "
            f"AND kind IN ({', '.join('?' * len(kinds))})",
            [status, ts(at), by, case_id, *kinds],
        )
        return cursor.rowcount

    def cancel_reminders(self, case_id: int, at: datetime) -> int:
        """Cancel every open reminder of a case; return how many."""
        return self.finish_reminders(case_id, [k.value for k in ReminderKind], "cancelled", at)
