"""`sereno forget-customer`, `sereno export` and `sereno report`: records from the shell."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.clock import SystemClock
from bot.core.records.case_list import CaseRows, write_cases_csv
from bot.core.records.csv_rows import CSV_ENCODING
from bot.core.texts import plural
from bot.settings import Settings
from storage.db import open_database
from storage.forget import forget_closed_before, forget_customer
from storage.store import SqliteStore


def forget(
    settings: Settings,
    who: str,
    yes: bool,
    ask: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
) -> int:
    """Forget one customer, after a typed confirmation unless --yes."""
    platform, sep, user = who.partition(":")
    if not sep or not platform or not user:
        out.write("Give the customer as platform:user, e.g. slack:U0123ABC.\n")
        return 2
    db = open_database(settings.db_path)
    try:
        count = db.execute(
            "SELECT count(*) FROM cases WHERE platform = ? AND customer_id = ?", [platform, user]
        ).fetchone()[0]
        if not count:
            out.write(f"No cases for {who}; nothing to forget.\n")
            return 1
        cases = plural("count.cases", count, "en")
        if (
            not yes
            and ask(
                f"Forget {who} in {cases}? Their name, handle and words "
                "are replaced for good. Type the customer again to confirm: "
            ).strip()
            != who
        ):
            out.write("Not confirmed; nothing changed.\n")
            return 1
        forget_customer(db, platform, user, SystemClock().now())
        out.write(f"Forgot {who} in {cases}. Counts and durations are kept.\n")
        out.write(
            "Exports, reports and backups made before now still hold their data: "
            "delete those copies too.\n"
        )
        return 0
    finally:
        db.close()


def apply_retention(settings: Settings) -> int:
    """Forget customers of cases closed more than SERENO_RETENTION_DAYS ago."""
    if settings.retention_days is None:
        return 0
    now = SystemClock().now()
    db = open_database(settings.db_path)
    try:
        return forget_closed_before(db, now - timedelta(days=settings.retention_days), now)
    finally:
        db.close()


def private_file(path: Path) -> Path:
    """Create (or empty) `path` readable by this user only: exports hold customers' data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)
    return path


def write_file(path: Path, data: bytes | str) -> Path:
    """Write an export (0600), creating its folder."""
    private_file(path)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def export(
    settings: Settings,
    case_id: int | None,
    fmt: str,
    out_path: Path | None,
    out: TextIO = sys.stdout,
) -> int:
    """Write a case report (or, with no case, every case as CSV) to a file or stdout."""
    from bot.core.records.commands import FORMATS, case_file
    from bot.wiring import build

    if fmt not in FORMATS:
        out.write("Formats: md, json, csv.\n")
        return 2
    if case_id is None:  # rows only: no playbooks, rules or detector to load first
        store = SqliteStore(open_database(settings.db_path, max_mb=settings.db_max_mb))
        try:
            return _export_every_case(store, SystemClock().now(), out_path, out)
        finally:
            store.close()
    app = build(settings)
    try:
        now = app.engine.clock.now()
        case = app.store.get_case(case_id)
        if case is None:
            out.write(f"There is no case #{case_id}.\n")
            return 1
        attachment = case_file(app.engine, case, fmt, now)
    finally:
        app.close()
    if out_path is None:
        out.write(attachment.data.decode("utf-8-sig"))
    else:
        out.write(f"Wrote {write_file(out_path, attachment.data)}\n")
    return 0


def export_corrections(
    settings: Settings, period: str | None, out_path: Path | None, out: TextIO = sys.stdout
) -> int:
    """Every corrected case (opened in `period`, or ever) as labelled examples (TOML)."""
    from bot.core.records.corrections_export import corrected_cases, corrections_toml
    from bot.core.records.team_report import parse_period
    from bot.wiring import build

    app = build(settings)
    try:
        now = app.engine.clock.now()
        try:
            start, end = (
                parse_period(period, now, settings.timezone)
                if period
                else (datetime(1970, 1, 1, tzinfo=UTC), now + timedelta(days=1))
            )
        except ValueError as exc:
            out.write(f"{exc}\n")
            return 2
        cases = corrected_cases(app.store, app.store, start, end)
        text = corrections_toml(cases, now, period or "")
    finally:
        app.close()
    if out_path is None:
        out.write(text)
    else:
        written = plural("count.cases", len(cases), "en")
        out.write(f"Wrote {write_file(out_path, text)} ({written})\n")
    return 0


def _export_every_case(store: CaseRows, now: datetime, out_path: Path | None, out: TextIO) -> int:
    """Every case, written a page at a time as it is read."""
    if out_path is None:
        write_cases_csv(store, now, out)
        return 0
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with private_file(out_path).open("w", encoding=CSV_ENCODING, newline="") as target:
        written = write_cases_csv(store, now, target)
    out.write(f"Wrote {out_path} ({plural('count.cases', written, 'en')})\n")
    return 0


def report(settings: Settings, period: str, out_dir: Path, out: TextIO = sys.stdout) -> int:
    """Print the team report and save its chart (without the charts extra: say how to get it)."""
    from bot.core.records.team_report import compute, file_name, parse_period, render_text
    from bot.core.records.team_report_figures import figures as shown_figures
    from bot.wiring import CHARTS_HINT, build, charts_installed

    app = build(settings)
    try:
        now = app.engine.clock.now()
        try:
            start, end = parse_period(period, now, settings.timezone)
        except ValueError as exc:
            out.write(f"{exc}\n")
            return 2
        figures = compute(app.store, start, end, now, settings.timezone)
    finally:
        app.close()
    shown = shown_figures(figures, settings.agent_language)
    text = render_text(figures, settings.agent_language, shown)
    if not charts_installed():
        out.write(text + f"\n\n{CHARTS_HINT}\n")
        return 0
    from bot.charts import report_png

    name = file_name("team-report", start, end, "png", settings.timezone)
    chart = write_file(out_dir / name, report_png(shown))
    out.write(text + f"\n\nChart saved to {chart}\n")
    return 0
