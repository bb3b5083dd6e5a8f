"""Benchmark: what agents ask for, on 1k cases and on 100k (`bench.scale_db`).

`list`, `due all`, `show` of a recent case, the 30-day team report (figures and text, no
chart) and the customer-history look-up that every new case makes, each timed on both
databases in turn, round after round; issue 15's goal: each grows ≤ 3× for 100× the
cases (indexes, limits, no full scans). Run alone: `python -m bench.suite --only scale`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bench.scale_db import databases
from bench.table import Row, median, ratio_row
from bot.core.base.model import Actor
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records.team_report import compute, parse_period, render_text
from bot.core.records.team_report_figures import figures
from bot.settings import Settings
from bot.wiring import App, build

GROWTH_LIMIT = 3.0
BUDGET_S = 2.0  # per query, both sizes together
MIN_ROUNDS, MAX_ROUNDS = 3, 30
AGENT = Actor("bench", "A1", "agent", is_agent=True, is_lead=True)


def open_app(path: Path) -> App:
    """Sereno's engine on an existing file."""
    return build(Settings.from_env({"SERENO_DB": str(path)}))


def _command(text: str) -> Callable[[App], object]:
    def ask(app: App) -> object:
        ctx = Context(AGENT, "bench", "C0")
        reply = run(app.engine, app.times, text, ctx)
        if not reply.ok:
            raise RuntimeError(f"{text!r}: {reply.text[:200]}")
        return reply

    return ask


def _recent_open(app: App) -> dict[str, object]:
    row = app.store.db.execute(
        "SELECT id, platform, customer_id FROM cases WHERE status IN ('new', 'in_progress') "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return {"id": row[0], "platform": row[1], "customer": row[2]}


def _show(app: App) -> object:
    return _command(f"show #{_recent_open(app)['id']}")(app)


def _report(app: App) -> object:
    now = app.engine.clock.now()
    zone = app.settings.timezone
    start, end = parse_period("30d", now, zone)
    report = compute(app.store, start, end, now, zone)
    lang = app.settings.agent_language
    return render_text(report, lang, figures(report, lang))


def _history(app: App) -> object:
    case = _recent_open(app)
    return app.store.customer_history(str(case["platform"]), str(case["customer"]), None)


#: key -> (what the row says, the query)
QUERIES: dict[str, tuple[str, Callable[[App], object]]] = {
    "scale_list": ("`list` (open cases)", _command("list")),
    "scale_due": ("`due all`", _command("due all")),
    "scale_show": ("`show` a recent case", _show),
    "scale_report": ("team report, 30 days (text)", _report),
    "scale_history": ("customer-history look-up", _history),
}


def time_both(query: Callable[[App], object], small: App, large: App) -> tuple[float, float]:
    """Median seconds of `query` on each, taken in turn until the budget is spent."""
    samples: tuple[list[float], list[float]] = ([], [])
    spent = 0.0
    for app in (small, large):  # once each untimed: caches warm alike
        query(app)
    while len(samples[0]) < MIN_ROUNDS or (spent < BUDGET_S and len(samples[0]) < MAX_ROUNDS):
        for app, kept in zip((small, large), samples, strict=True):
            start = time.perf_counter()
            query(app)
            took = time.perf_counter() - start
            kept.append(took)
            spent += took
    return median(samples[0]), median(samples[1])


def rows(quick: bool = False) -> list[Row]:
    """One growth row per query."""
    dbs = databases(quick)
    small, large = open_app(dbs.small), open_app(dbs.large)
    sizes = f"{dbs.small_cases:,} → {dbs.large_cases:,} cases"
    out = []
    try:
        for key, (what, query) in QUERIES.items():
            at_small, at_large = time_both(query, small, large)
            out.append(
                ratio_row(
                    key, f"{what}, {sizes}", at_large * 1e3, at_small * 1e3, "ms",
                    GROWTH_LIMIT, f"at {dbs.small_cases:,}: ",
                )
            )  # fmt: skip
    finally:
        small.close()
        large.close()
    return out
