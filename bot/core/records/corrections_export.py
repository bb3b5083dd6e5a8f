"""`sereno export --corrections`: every case whose reading an agent corrected, written as a
labelled example in the format of tests/data/complaints.toml, so a team can check and tune
its own reading.toml with bench/reading_accuracy.py (its `load_labelled` reads the file).

Each `[[complaint]]` holds the complaint's text and language, the reading as corrected
(reason, kind, intensity, impact, subject, threats) and what Sereno first read (`read_*`
fields), which parts were corrected and by whom.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.core.base.case import Case, EventKind
from bot.core.base.store_port import CaseStore
from bot.core.guidance.corrections import PARTS, current_value
from bot.core.records.facts import iso
from bot.core.records.team_report_model import ReportSource

_HEADER = """\
# Corrected readings exported by `sereno export --corrections` ({when}).
#
# Each [[complaint]] is a case whose reading an agent corrected: reason, kind, intensity,
# impact, subject and threats are the reading as corrected (the labels); read_* is what
# Sereno first read; corrected names the parts agents corrected. Check the labels, then
# measure your reading.toml with bench/reading_accuracy.py (load_labelled reads this file).
# Periods: {period}. Cases: {count}.
"""


def corrected_cases(
    store: CaseStore, source: ReportSource, start: datetime, end: datetime
) -> list[tuple[Case, list[dict[str, Any]]]]:
    """Cases opened in [start, end) with at least one correction, and their corrections."""
    by_case: dict[int, list[dict[str, Any]]] = {}
    for row in source.report_events(start, end, (EventKind.READING_CORRECTED,)):
        by_case.setdefault(int(row["case_id"]), []).append(row)
    found = []
    for case_id in sorted(by_case):
        case = store.get_case(case_id)
        if case is not None:
            found.append((case, by_case[case_id]))
    return found


def corrections_toml(
    cases: Iterable[tuple[Case, list[dict[str, Any]]]], now: datetime, period: str
) -> str:
    """The labelled examples, TOML (the layout of tests/data/complaints.toml)."""
    chosen = list(cases)
    parts = [_HEADER.format(when=iso(now), period=period or "all", count=len(chosen))]
    parts += [_example(case, rows) for case, rows in chosen]
    return "\n".join(parts)


def _example(case: Case, rows: list[dict[str, Any]]) -> str:
    r = case.reading
    first: dict[str, str] = {}
    for row in rows:  # the value before a part's first correction is what Sereno read
        part = str(row["details"].get("part", ""))
        first.setdefault(part, str(row["details"].get("from", "")))
    read = {part: first.get(part, current_value(r, part)) for part in PARTS}
    by = sorted({str(by) for _, by in r.corrected})
    fields: list[tuple[str, Any]] = [
        ("id", f"case-{case.id}"),
        ("text", case.text),
        ("language", r.language),
        ("reason", r.reason.value),
        ("kind", r.kind.value),
        ("intensity", r.intensity),
        ("impact", r.impact.value),
        ("subject", r.subject.value),
        ("threats", _threats(current_value(r, "threats"))),
        ("read_reason", read["reason"]),
        ("read_kind", read["kind"]),
        ("read_intensity", int(read["intensity"]) if read["intensity"].isdigit() else 0),
        ("read_subject", read["subject"]),
        ("read_threats", _threats(read["threats"])),
        ("corrected", [part for part in PARTS if part in first]),
        ("corrected_by", by),
        ("opened_at", iso(case.opened_at)),
    ]
    body = "\n".join(f"{key} = {_value(value)}" for key, value in fields)
    return f"[[complaint]]\n{body}\n"


def _threats(value: str) -> list[str]:
    return [] if value in ("", "none") else value.split(",")


def _value(value: Any) -> str:
    """A TOML value: strings as basic strings (JSON's escapes are TOML's), ints, lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    text = json.dumps(str(value or ""), ensure_ascii=False)
    return text.replace("\x7f", "\\u007f")  # TOML wants DEL escaped; JSON leaves it
