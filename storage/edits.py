"""Edits of posted rows (mixed into SqliteStore): a header is one living message.

A newer edit of a row replaces one not sent yet, and the drainer holds an edit back
until the last one is a few seconds old; the rows are in SQLite, so nothing of this
is lost across a restart.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from storage.codec import dt, ts


class EditRows:
    """The outbox rows that edit an earlier one."""

    db: Database

    if TYPE_CHECKING:

        def atomic(self) -> AbstractContextManager[Any]: ...  # SqliteStore's

    def supersede_edits(self, edit_of: int) -> None:
        """Edits of a row not sent yet give way to a newer one: the latest content wins.
        (One being sent just now is still marked sent when it has gone.)"""
        self.db.execute(
            "UPDATE outbox SET status = 'superseded' WHERE edit_of = ? AND status = 'pending'",
            [edit_of],
        )

    def last_edit_sent_at(self, edit_of: int) -> datetime | None:
        """When an edit of this row last reached the platform."""
        row = self.db.execute(
            "SELECT max(sent_at) FROM outbox WHERE edit_of = ? AND sent_at IS NOT NULL",
            [edit_of],
        ).fetchone()
        return dt(row[0]) if row else None

    def hold_outbox(self, item_id: int, not_before: datetime) -> None:
        """Hold a row back until `not_before`, with no failure counted."""
        with self.atomic():
            self.db.execute(
                "UPDATE outbox SET not_before = ? WHERE id = ?", [ts(not_before), item_id]
            )
