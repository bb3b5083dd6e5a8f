"""Every case, a page at a time: the list of cases streamed whole, or fitted to a file limit.

Nothing here stops at a fixed number of cases. The shell export streams them all;
a chat platform that caps file sizes gets the newest cases that fit, with the
count held and the count there is, so the message can say what is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.core.base.case import Case, Event
from bot.core.records.csv_rows import (
    CASE_COLUMNS,
    CSV_ENCODING,
    PENDING,
    ROW_EVENTS,
    CaseLine,
    SupportsWrite,
    case_cells,
    csv_lines,
    patched_cells,
    safe,
    write_safe_csv,
)

PAGE_SIZE = 500
Row = TypeVar("Row", Case, CaseLine)
Period = tuple[datetime, datetime]


class CaseRows(Protocol):
    """What listing every case reads (storage.reports.ReportRows has it)."""

    def cases_page(
        self,
        after_id: int | None,
        limit: int,
        *,
        newest_first: bool = False,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> list[Case]: ...

    def case_lines_page(
        self,
        after_id: int | None,
        limit: int,
        *,
        newest_first: bool = False,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> list[CaseLine]: ...

    def export_cells(
        self,
        now: datetime,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> Iterator[tuple[Any, ...]]: ...

    def count_cases(
        self, opened_from: datetime | None = None, opened_before: datetime | None = None
    ) -> int: ...

    def case_events(self, case_id: int, kinds: Iterable[str]) -> list[Event]: ...

    def events_by_case(
        self,
        kinds: Iterable[str],
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> dict[int, list[Event]]: ...


@dataclass(frozen=True)
class CaseList:
    """The list of cases as CSV text, and how many of how many it holds."""

    text: str
    held: int
    total: int

    @property
    def complete(self) -> bool:
        return self.held == self.total


def iter_cases(
    store: CaseRows,
    period: Period | None = None,
    *,
    newest_first: bool = False,
    page_size: int = PAGE_SIZE,
) -> Iterator[Case]:
    """Every case (opened in `period` when given), by number, one page of rows at a time."""
    return _paged(store.cases_page, period, newest_first, page_size)


def iter_lines(
    store: CaseRows,
    period: Period | None = None,
    *,
    newest_first: bool = False,
    page_size: int = PAGE_SIZE,
) -> Iterator[CaseLine]:
    """Every case's line (opened in `period` when given), by number, a page at a time."""
    return _paged(store.case_lines_page, period, newest_first, page_size)


def _paged(
    fetch: Callable[..., Sequence[Row]], period: Period | None, newest_first: bool, size: int
) -> Iterator[Row]:
    start, end = period if period else (None, None)
    after: int | None = None
    while True:
        page = fetch(after, size, newest_first=newest_first, opened_from=start, opened_before=end)
        yield from page
        if len(page) < size:
            return
        after = page[-1].id


def stream_cases_csv(store: CaseRows, now: datetime, period: Period | None = None) -> Iterator[str]:
    """The whole list of cases as CSV lines, header first, written as the pages come.
    The timeline entries the lines show are read once for the whole list, not per case."""
    return _lines(store, iter_lines(store, period), now, period)


def _lines(
    store: CaseRows, lines: Iterable[CaseLine], now: datetime, period: Period | None
) -> Iterator[str]:
    events = store.events_by_case(ROW_EVENTS, *(period or (None, None)))
    rows = (case_cells(line, events.get(line.id, []), now) for line in lines)
    return csv_lines(CASE_COLUMNS, rows)


def write_cases_csv(
    store: CaseRows, now: datetime, target: SupportsWrite, period: Period | None = None
) -> int:
    """The text of `stream_cases_csv`, written to `target` as the rows come; how many cases.
    The store computes the cells (`export_cells`), timeline cells included; only a case
    whose timeline or flags need the core's reading (several remedies, odd shapes, story
    flags) or with a time stored oddly is finished here, with its own timeline."""
    return write_safe_csv(target, CASE_COLUMNS, _finished(store, now, period or (None, None)))


def _finished(
    store: CaseRows, now: datetime, bounds: tuple[datetime | None, datetime | None]
) -> Iterator[Sequence[Any]]:
    for row in store.export_cells(now, *bounds):
        pending = row[PENDING]
        if pending is None:
            yield row[:PENDING]
        elif pending == "odd":  # a time not in the stored form: read its line as the chat does
            line = store.case_lines_page(row[0] - 1, 1)[0]
            events = store.case_events(line.id, ROW_EVENTS)
            yield [safe(v) for v in case_cells(line, events, now)]
        else:
            yield patched_cells(row[:PENDING], pending, store.case_events(row[0], ROW_EVENTS))


def fit_cases_csv(
    store: CaseRows, now: datetime, max_bytes: int | None, period: Period | None = None
) -> CaseList:
    """The list of cases as one text; under `max_bytes` (encoded, with its BOM) only the
    newest cases that fit, still oldest first in the file."""
    if max_bytes is None:
        lines = list(stream_cases_csv(store, now, period))
        return CaseList("".join(lines), len(lines) - 1, len(lines) - 1)
    newest = _lines(store, iter_lines(store, period, newest_first=True), now, period)
    header = next(newest)
    used = len(header.encode(CSV_ENCODING))
    rows: list[str] = []
    for line in newest:
        size = len(line.encode("utf-8"))
        if used + size > max_bytes:
            total = store.count_cases(*(period or (None, None)))
            return CaseList(header + "".join(reversed(rows)), len(rows), max(total, len(rows) + 1))
        rows.append(line)
        used += size
    return CaseList(header + "".join(reversed(rows)), len(rows), len(rows))
