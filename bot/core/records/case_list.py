"""Every case, a page at a time: the list of cases streamed whole, or fitted to a file limit.

Nothing here stops at a fixed number of cases. The shell export streams them all;
a chat platform that caps file sizes gets the newest cases that fit, with the
count held and the count there is, so the message can say what is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.core.base.case import Case
from bot.core.base.store_port import CaseStore
from bot.core.records.csv_rows import CSV_ENCODING, cases_csv_lines

PAGE_SIZE = 500
Period = tuple[datetime, datetime]


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
    store: CaseStore,
    period: Period | None = None,
    *,
    newest_first: bool = False,
    page_size: int = PAGE_SIZE,
) -> Iterator[Case]:
    """Every case (opened in `period` when given), by number, one page of rows at a time."""
    start, end = period if period else (None, None)
    after: int | None = None
    while True:
        page = store.cases_page(
            after, page_size, newest_first=newest_first, opened_from=start, opened_before=end
        )
        yield from page
        if len(page) < page_size:
            return
        after = page[-1].id


def stream_cases_csv(
    store: CaseStore, now: datetime, period: Period | None = None
) -> Iterator[str]:
    """The whole list of cases as CSV lines, header first, written as the pages come."""
    return cases_csv_lines(store, iter_cases(store, period), now)


def fit_cases_csv(
    store: CaseStore, now: datetime, max_bytes: int | None, period: Period | None = None
) -> CaseList:
    """The list of cases as one text; under `max_bytes` (encoded, with its BOM) only the
    newest cases that fit, still oldest first in the file."""
    if max_bytes is None:
        lines = list(stream_cases_csv(store, now, period))
        return CaseList("".join(lines), len(lines) - 1, len(lines) - 1)
    newest = cases_csv_lines(store, iter_cases(store, period, newest_first=True), now)
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
