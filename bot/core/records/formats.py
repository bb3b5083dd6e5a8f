"""Records of cases for people and machines: case reports, case lists, success stories.

The report itself is one JSON-ready dict (`case_report`); Markdown, JSON and CSV
are renderings of it. The JSON schema is documented in docs/case-report-schema.md.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.records.case_report import SCHEMA_VERSION, case_report
from bot.core.records.csv_rows import CSV_ENCODING, case_report_csv, cases_csv
from bot.core.records.markdown import render_markdown
from bot.core.records.stories import stories_markdown, story_cases

#: Every top-level key of a version-1 report, with the JSON type it must have.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "schema_version": int,
    "generated_at": str,
    "case": dict,
    "complaint": dict,
    "reading": dict,
    "steps": list,
    "notes": list,
    "messages": list,
    "changes": list,
    "reminders": list,
    "remedies": list,
    "remedies_total": list,
    "satisfaction": (dict, type(None)),
    "story": dict,
    "outcome": dict,
    "durations": dict,
    "timeline": list,
}
CASE_KEYS = ("id", "ref", "platform", "channel", "status", "customer", "opened_at", "flags")
DURATION_KEYS = ("first_response_seconds", "resolution_seconds", "close_seconds")


class ReportError(ValueError):
    """A text that is not a case report this version of Sereno can read."""


def render_json(report: dict[str, Any]) -> str:
    """The report as JSON: sorted keys, indented, UTF-8 text kept as is."""
    return json.dumps(report, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def load_json(text: str) -> dict[str, Any]:
    """Read a JSON case report, checking its version and required keys."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ReportError("a case report is a JSON object")
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise ReportError(f"schema_version {version!r} is not {SCHEMA_VERSION}")
    _check(data, REQUIRED, "report")
    _require(data["case"], CASE_KEYS, "case")
    _require(data["durations"], DURATION_KEYS, "durations")
    return data


def _check(data: dict[str, Any], required: dict[str, Any], where: str) -> None:
    _require(data, tuple(required), where)
    for key, kind in required.items():
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise ReportError(f"{where}.{key} has the wrong type")


def _require(data: Any, keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if not isinstance(data, dict) or k not in data]
    if missing:
        raise ReportError(f"{where} lacks {', '.join(missing)}")


__all__ = [
    "CSV_ENCODING",
    "SCHEMA_VERSION",
    "ReportError",
    "case_report",
    "case_report_csv",
    "cases_csv",
    "load_json",
    "render_json",
    "render_markdown",
    "stories_markdown",
    "story_cases",
]
