"""Cases as CSV that a spreadsheet opens safely: quoted text, no formulas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from bot.core.base.case import Case
from bot.core.base.store_port import CaseStore
from bot.core.records.facts import (
    durations,
    iso,
    remedies,
    remedies_total,
    satisfaction,
    story,
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
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> str:
    """A cell value as text; text a spreadsheet would run as a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text one line at a time, header first, as the rows come: minimal quoting,
    CRLF line ends, every cell made safe."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(list(header))
    yield _take(out)
    for row in rows:
        writer.writerow([safe(v) for v in row])
        yield _take(out)


def _take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def write_rows(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """CSV text: minimal quoting, CRLF line ends, every cell made safe."""
    return "".join(csv_lines(header, rows))


def case_row(store: CaseStore, case: Case, now: datetime) -> list[Any]:
    """One case's line in the list of cases."""
    events = store.events(case.id)
    total = "; ".join(
        f"{t['amount']} {t['currency']}".strip() for t in remedies_total(remedies(events))
    )
    sat = satisfaction(events)
    spans = durations(case, now)
    r = case.reading
    return [
        case.id,
        case.status.value,
        iso(case.opened_at),
        spans["first_response_seconds"],
        iso(case.resolved_at),
        r.reason.value,
        r.kind.value,
        r.intensity,
        r.impact.value,
        r.language,
        case.customer_name,
        case.assignee_name,
        case.channel_id,
        total,
        sat["score"] if sat else None,
        story(case, events)["marked"],
        spans["resolution_seconds"],
        spans["open_for_seconds"],
    ]


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
