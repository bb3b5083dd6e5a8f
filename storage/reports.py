"""Read-only rows for the team report and exports (mixed into SqliteStore).

The report functions take a period [start, end) and return plain dicts; times stay
UTC ISO text (the core parses them), and no customer names or message text are read.
`cases_page` and `count_cases` let an export walk every case a page at a time, and
`events_by_case` gives it the timeline entries it shows in one query, not one per case.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core.base.case import Case, Event
from bot.core.records.csv_rows import CaseLine
from bot.core.records.facts import stored_iso
from storage.codec import case_from_row, dt, event_from_row, ts
from storage.export_rows import export_cells

_CASE_COLUMNS = (
    "id, platform, customer_id, status, reason, kind, intensity, channel_id, "
    "assignee_id, assignee_name, opened_at, first_response_at, resolved_at, closed_at"
)
_LINE_COLUMNS = (
    "id, status, opened_at, first_response_at, resolved_at, closed_at, reason, kind, "
    "intensity, impact, language, customer_name, assignee_name, channel_id, flags"
)
_REMINDER_COLUMNS = "id, case_id, kind, due_at, status, sent_at, done_at"
_IN_PERIOD = "SELECT id FROM cases WHERE opened_at >= ? AND opened_at < ?"


class ReportRows:
    """The report half of the store: a few small queries, no writes."""

    db: Database

    def _rows(self, sql: str, params: Iterable[Any]) -> list[dict[str, Any]]:
        return [dict(row) for row in self.db.query(sql, list(params))]

    def cases_page(
        self,
        after_id: int | None,
        limit: int,
        *,
        newest_first: bool = False,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> list[Case]:
        """Up to `limit` cases past `after_id` by number (below it when newest first),
        optionally only those opened in [opened_from, opened_before)."""
        sql, params = _page("*", after_id, limit, newest_first, opened_from, opened_before)
        return [case_from_row(row) for row in self.db.query(sql, params)]

    def case_lines_page(
        self,
        after_id: int | None,
        limit: int,
        *,
        newest_first: bool = False,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> list[CaseLine]:
        """Like `cases_page`, only the columns a line of the list of cases shows: no text,
        no reading to decode, so a long export costs little more than the query."""
        columns = _LINE_COLUMNS
        sql, params = _page(columns, after_id, limit, newest_first, opened_from, opened_before)
        return [_line(row) for row in self.db.execute(sql, params).fetchall()]

    def export_cells(
        self,
        now: datetime,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Every case's cells in the list of cases, computed by SQLite (storage.export_rows)."""
        return export_cells(self.db, now, opened_from, opened_before)

    def count_cases(
        self, opened_from: datetime | None = None, opened_before: datetime | None = None
    ) -> int:
        """How many cases there are (opened in [opened_from, opened_before) when given)."""
        where, params = _opened_in(opened_from, opened_before)
        rows = self._rows(f"SELECT count(*) AS n FROM cases WHERE {' AND '.join(where)}", params)
        return int(rows[0]["n"])

    def case_events(self, case_id: int, kinds: Iterable[str]) -> list[Event]:
        """One case's timeline entries of these kinds, oldest first."""
        kinds = [str(k) for k in kinds]
        sql = (
            f"SELECT * FROM events WHERE case_id = ? AND kind IN ({', '.join('?' * len(kinds))})"
            " ORDER BY id"
        )
        return [event_from_row(row) for row in self.db.query(sql, [case_id, *kinds])]

    def events_by_case(
        self,
        kinds: Iterable[str],
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> dict[int, list[Event]]:
        """Timeline entries of these kinds, oldest first, by case (only cases opened in
        [opened_from, opened_before) when given): one pass over the timeline for a whole
        export instead of a query per case."""
        kinds = [str(k) for k in kinds]
        if not kinds:
            return {}
        sql = f"SELECT * FROM events WHERE kind IN ({', '.join('?' * len(kinds))})"
        params: list[Any] = list(kinds)
        if opened_from is not None or opened_before is not None:
            where, bounds = _opened_in(opened_from, opened_before)
            sql += f" AND case_id IN (SELECT id FROM cases WHERE {' AND '.join(where)})"
            params += bounds
        found: dict[int, list[Event]] = {}
        for row in self.db.query(sql + " ORDER BY id", params):
            found.setdefault(row["case_id"], []).append(event_from_row(row))
        return found

    def report_cases(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Cases opened in [start, end), oldest first."""
        return self._rows(
            f"SELECT {_CASE_COLUMNS} FROM cases WHERE opened_at >= ? AND opened_at < ? "
            "ORDER BY opened_at, id",
            [ts(start), ts(end)],
        )

    def report_events(
        self, start: datetime, end: datetime, kinds: Iterable[str]
    ) -> list[dict[str, Any]]:
        """Timeline entries of these kinds for cases opened in [start, end), details decoded."""
        kinds = [str(k) for k in kinds]
        if not kinds:
            return []
        rows = self._rows(
            "SELECT id, case_id, at, actor_id, kind, details FROM events "
            f"WHERE case_id IN ({_IN_PERIOD}) AND kind IN ({', '.join('?' * len(kinds))}) "
            "ORDER BY id",
            [ts(start), ts(end), *kinds],
        )
        for row in rows:
            row["details"] = json.loads(row["details"] or "{}")
        return rows

    def report_reminders(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Reminders of cases opened in [start, end), plus any follow-up due in it."""
        return self._rows(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE case_id IN ({_IN_PERIOD}) "
            f"UNION SELECT {_REMINDER_COLUMNS} FROM reminders "
            "WHERE kind = 'follow-up' AND due_at >= ? AND due_at < ? "  # its partial index
            "ORDER BY due_at, id",
            [ts(start), ts(end), ts(start), ts(end)],
        )

    def report_agent_cases(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Assigned cases that are open now or were resolved in [start, end)."""
        return self._rows(
            f"SELECT {_CASE_COLUMNS} FROM cases WHERE status IN ('new', 'in_progress') "
            f"AND assignee_id IS NOT NULL UNION SELECT {_CASE_COLUMNS} FROM cases "
            "WHERE resolved_at >= ? AND resolved_at < ? AND assignee_id IS NOT NULL ORDER BY id",
            [ts(start), ts(end)],
        )


def _page(
    columns: str,
    after_id: int | None,
    limit: int,
    newest_first: bool,
    opened_from: datetime | None,
    opened_before: datetime | None,
) -> tuple[str, list[Any]]:
    """The query of one page of cases by number, past `after_id`, in the opening period."""
    where, params = _opened_in(opened_from, opened_before)
    if after_id is not None:
        where.append("id < ?" if newest_first else "id > ?")
        params.append(after_id)
    order = "DESC" if newest_first else "ASC"
    sql = f"SELECT {columns} FROM cases WHERE {' AND '.join(where)} ORDER BY id {order} LIMIT ?"
    return sql, [*params, limit]


def _opened_in(start: datetime | None, end: datetime | None) -> tuple[list[str], list[Any]]:
    where, params = ["1 = 1"], []
    if start is not None:
        where.append("opened_at >= ?")
        params.append(ts(start))
    if end is not None:
        where.append("opened_at < ?")
        params.append(ts(end))
    return where, params


def _line(row: tuple[Any, ...]) -> CaseLine:
    """A `_LINE_COLUMNS` row as a CaseLine: times parsed, the flags' JSON read."""
    flags = row[14]
    return CaseLine(
        row[0],
        row[1],
        dt(row[2]),  # type: ignore[arg-type]
        dt(row[3]),
        dt(row[4]),
        dt(row[5]),
        row[6] or "",
        row[7] or "",
        row[8] or 0,
        row[9] or "",
        row[10] or "",
        row[11] or "",
        row[12],
        row[13],
        frozenset(json.loads(flags)) if flags and flags != "[]" else frozenset(),
        stored_iso(row[2]),
        stored_iso(row[4]),
    )
