"""Cases as CSV that a spreadsheet opens safely: quoted text, no formulas."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, NamedTuple, Protocol

from bot.core.base.case import Case, Event, EventKind
from bot.core.base.store_port import CaseStore
from bot.core.records.facts import (
    iso,
    remedies,
    remedies_total,
    satisfaction,
    spans,
    story_marked,
)

#: Write the text with this encoding: the BOM makes spreadsheets read UTF-8 (emoji, accents).
CSV_ENCODING = "utf-8-sig"
CASE_COLUMNS = (
    "id",
    "status",
    "opened_at",
    "first_response_seconds",
    "resolved_at",
    "reason",
    "kind",
    "intensity",
    "impact",
    "language",
    "customer",
    "assignee",
    "channel",
    "remedies_total",
    "satisfaction",
    "story",
    "resolution_seconds",
    "open_for_seconds",
)
TIMELINE_COLUMNS = ("at", "actor", "kind", "details")
#: The first letters `safe` guards (storage.export_rows guards the same in SQL).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Where a row of the store's `export_cells` says what the core must finish: after the cells.
PENDING = len(CASE_COLUMNS)


class SupportsWrite(Protocol):
    """Where CSV text can be written: a text file, stdout."""

    def write(self, text: str, /) -> Any: ...


def safe(value: Any) -> str:
    """A cell value as text; text a spreadsheet would run as a formula gets a leading '."""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(row: Iterable[Any]) -> list[Any]:
    """A row's cells as `safe` writes them, without a call for the common ones: numbers and
    None as the csv module writes them, text checked for a formula start in place."""
    return [
        v
        if v is None or type(v) is int
        else ("'" + v if v.startswith(FORMULA_STARTS) else v)
        if type(v) is str
        else safe(v)
        for v in row
    ]


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text one line at a time, header first, as the rows come: minimal quoting,
    CRLF line ends, every cell made safe."""
    written: list[str] = []  # the csv module writes each row with one write() call
    writer = csv.writer(SimpleNamespace(write=written.append), lineterminator="\r\n")
    writer.writerow(list(header))
    yield written.pop()
    for row in rows:
        writer.writerow(_cells(row))
        yield "".join(written)
        written.clear()


def write_safe_csv(
    target: SupportsWrite, header: Iterable[str], rows: Iterable[Iterable[Any]]
) -> int:
    """The text of `csv_lines` for rows whose cells are already safe (made so by the store,
    or by `safe`), straight to `target` by the csv module's own loop; the number of rows
    written, the header left out."""
    count = 0

    def counted() -> Iterator[Iterable[Any]]:
        nonlocal count
        for count, row in enumerate(rows, 1):  # noqa: B007 - count is read after the loop
            yield row

    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(counted())
    return count


def write_rows(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """CSV text: minimal quoting, CRLF line ends, every cell made safe."""
    return "".join(csv_lines(header, rows))


#: The timeline entries a case's line shows (its remedies, satisfaction and story mark).
ROW_EVENTS = (EventKind.REMEDY, EventKind.SATISFACTION, EventKind.STORY_MARKED)


class CaseLine(NamedTuple):
    """What a case's line in the list of cases shows, read without the rest of the case
    (the reading's parts come from their own columns)."""

    id: int
    status: str
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reason: str
    kind: str
    intensity: int
    impact: str
    language: str
    customer_name: str
    assignee_name: str | None
    channel_id: str
    flags: frozenset[str]
    #: opened_at and resolved_at as the line shows them (see `facts.iso`)
    opened_iso: str | None
    resolved_iso: str | None


def line_of(case: Case) -> CaseLine:
    """The line of a case already read whole."""
    r = case.reading
    return CaseLine(
        case.id,
        case.status.value,
        case.opened_at,
        case.first_response_at,
        case.resolved_at,
        case.closed_at,
        r.reason.value,
        r.kind.value,
        r.intensity,
        r.impact.value,
        r.language,
        case.customer_name,
        case.assignee_name,
        case.channel_id,
        case.flags,
        iso(case.opened_at),
        iso(case.resolved_at),
    )


def case_row(store: CaseStore, case: Case, now: datetime) -> list[Any]:
    """One case's line in the list of cases."""
    return case_cells(line_of(case), store.events(case.id), now)


def case_cells(line: CaseLine, events: list[Event], now: datetime) -> list[Any]:
    """One case's cells, from its line and its timeline (only ROW_EVENTS are looked at)."""
    first, resolution, _, open_for = spans(line, now)
    if events:
        found = remedies_total(remedies(events))
        total = "; ".join(f"{t['amount']} {t['currency']}".strip() for t in found)
        sat = satisfaction(events)
        score = sat["score"] if sat else None
    else:  # most cases: nothing given, never asked
        total, score = "", None
    return [
        line.id,
        line.status,
        line.opened_iso,
        first,
        line.resolved_iso,
        line.reason,
        line.kind,
        line.intensity,
        line.impact,
        line.language,
        line.customer_name,
        line.assignee_name,
        line.channel_id,
        total,
        score,
        "yes" if story_marked(line, events) else "no",
        resolution,
        open_for,
    ]


def patched_cells(cells: Sequence[Any], flags: str | None, events: list[Event]) -> list[Any]:
    """A line computed by the store (`export_cells`: safe, its timeline cells left blank)
    with its remedies, satisfaction and story mark from its flags' JSON and timeline."""
    marks = frozenset(json.loads(flags)) if flags and flags != "[]" else frozenset()
    row = list(cells)
    if events:
        found = remedies_total(remedies(events))
        row[13] = safe("; ".join(f"{t['amount']} {t['currency']}".strip() for t in found))
        sat = satisfaction(events)
        row[14] = sat["score"] if sat else None
    story = "story" in marks or any(e.kind is EventKind.STORY_MARKED for e in events)
    row[15] = "yes" if story else "no"
    return row


def cases_csv_lines(store: CaseStore, cases: Iterable[Case], now: datetime) -> Iterator[str]:
    """The list of cases as CSV lines, header first, one line per case as it comes."""
    return csv_lines(CASE_COLUMNS, (case_row(store, c, now) for c in cases))


def cases_csv(store: CaseStore, cases: Iterable[Case], now: datetime) -> str:
    """The list of cases, one row each (columns: CASE_COLUMNS)."""
    return "".join(cases_csv_lines(store, cases, now))


def case_report_csv(report: dict[str, Any]) -> str:
    """One case as CSV: its timeline, one row per event (details as JSON)."""
    rows = [
        [
            e["at"],
            e["actor"],
            e["kind"],
            json.dumps(e["details"], ensure_ascii=False, sort_keys=True),
        ]
        for e in report["timeline"]
    ]
    return write_rows(TIMELINE_COLUMNS, rows)
