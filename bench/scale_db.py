"""Databases of 1k and 100k cases, built fast and shaped like a team's long history.

A seed of real cases is opened through the engine (the labelled complaints, so steps,
timeline, reminders and outbox rows are what Sereno writes). Each database is then filled
by SQL `INSERT … SELECT` from the seed, as many copies as it needs, each copy with fresh
ids, message ids, customers and outbox message ids, so every index is as full as it
would be. Both sizes are shaped by the same rules, from a case's number alone:

- a team opens SEED / 30 cases a day: 1k cases are a month, 100k some eight years;
  every timestamp of a case and its rows moves back by its age;
- cases of the last OPEN_DAYS days are open, as is one in 100 older ones (forgotten);
  the rest are closed (70%), resolved, let go or dismissed; their reminders are done.
  Every outbox row is sent: the seed's rows are marked sent through the store, so they
  keep what Sereno keeps of a sent row.
- one case in REMEDY_EVERY records a remedy, one in SATISFACTION_EVERY the customer's
  satisfaction and one in STORY_EVERY is marked a success story, through the same core
  functions as `/complaint remedy|satisfied|story`: the export and the report then also
  pay for the timeline cells a team's history has, not only for bare cases.

The databases are built once per process and removed at its exit.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.open_case import Bench
from bot.core.base.case import EventKind
from bot.core.base.model import Actor
from bot.core.cases import outcomes
from storage.db import open_database

SEED, QUICK_SEED = 1_000, 200
LARGE, QUICK_LARGE = 100_000, 2_000
DAYS_PER_SEED = 30
OPEN_DAYS = 3
FORGOTTEN_EVERY = 100
REMEDY_EVERY, SATISFACTION_EVERY, STORY_EVERY = 5, 7, 50
TABLES = ("cases", "case_steps", "events", "reminders", "outbox")


@dataclass(frozen=True)
class Databases:
    """The small and the large database, and how many cases each holds."""

    small: Path
    large: Path
    small_cases: int
    large_cases: int


def _shift(column: str) -> str:
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', {column}, "
        f"'-' || x.age_s || ' seconds') || substr({column}, 20) END"
    )


def _later(column: str, seconds: int) -> str:
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S', {column}, '-' || x.age_s || ' seconds', "
        f"'+{seconds} seconds') || substr({column}, 20)"
    )


_OPEN = "x.st IN ('new', 'in_progress')"
#: Per table, the columns whose value the copy changes (others are copied as they are).
_OVERRIDES: dict[str, dict[str, str]] = {
    "cases": {
        "id": "x.ncid",
        "message_id": "x.message_id || '.' || x.k",
        "thread_id": "x.thread_id || '.' || x.k",
        "staff_thread_id": "x.staff_thread_id || '.' || x.k",
        "customer_id": "x.customer_id || '.' || x.k",
        "status": "x.st",
        "first_response_at": f"CASE WHEN x.st != 'new' THEN {_later('x.opened_at', 1200)} END",
        "resolved_at": f"CASE WHEN x.st IN ('resolved', 'closed') "
        f"THEN {_later('x.opened_at', 86400)} END",
        "closed_at": f"CASE WHEN x.st = 'closed' THEN {_later('x.opened_at', 172800)} END",
    },
    "case_steps": {"case_id": "x.ncid"},
    "events": {"id": "x.id + x.k * :events", "case_id": "x.ncid"},
    "reminders": {
        "id": "x.id + x.k * :reminders",
        "case_id": "x.ncid",
        "status": f"CASE WHEN {_OPEN} THEN x.status ELSE 'done' END",
        "done_at": f"CASE WHEN {_OPEN} THEN {_shift('x.done_at')} ELSE {_shift('x.due_at')} END",
        "ping_outbox_id": "x.ping_outbox_id + x.k * :outbox",
    },
    "outbox": {
        "id": "x.id + x.k * :outbox",
        "case_id": "x.ncid",
        "edit_of": "x.edit_of + x.k * :outbox",
        "thread_of": "x.thread_of + x.k * :outbox",
        "status": "'sent'",
        "platform_message_id": "'p' || (x.id + x.k * :outbox)",
        "sent_at": _shift("x.created_at"),
    },
}  # fmt: skip


def _status(ncid: str, age: str) -> str:
    return (
        f"CASE WHEN {age} < {OPEN_DAYS * 86400} OR {ncid} % {FORGOTTEN_EVERY} = 0 "
        f"THEN CASE WHEN {ncid} % 2 THEN 'new' ELSE 'in_progress' END "
        f"ELSE CASE {ncid} % 10 WHEN 7 THEN 'resolved' WHEN 8 THEN 'let_go' "
        f"WHEN 9 THEN 'dismissed' ELSE 'closed' END END"
    )


def _copy_sql(conn: sqlite3.Connection, table: str) -> str:
    columns = [row[1] for row in conn.execute(f"PRAGMA seed.table_info({table})")]
    overrides = _OVERRIDES[table]
    exprs = []
    for c in columns:
        if c in overrides:
            exprs.append(overrides[c])
        elif c.endswith("_at") or c in ("at", "not_before"):
            exprs.append(_shift(f"x.{c}"))
        else:
            exprs.append(f"x.{c}")
    key = "id" if table == "cases" else "case_id"
    order = "t.id" if "id" in columns else "t.case_id"  # case_steps may be WITHOUT ROWID
    ncid = f"(t.{key} + r.k * :cases)"
    age = f"((:total - {ncid}) * 86400 * {DAYS_PER_SEED} / :seed)"
    return (
        "WITH RECURSIVE r(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM r WHERE k + 1 < :rounds) "
        f"INSERT INTO main.{table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM "
        f"(SELECT t.*, r.k AS k, {ncid} AS ncid, {age} AS age_s, {_status(ncid, age)} AS st "
        f"FROM seed.{table} AS t, r ORDER BY r.k, {order}) AS x"
    )


def seed(path: Path, cases: int) -> None:
    """Open `cases` real cases through the engine (5 channels, each customer 5 cases) and
    mark every outbox row sent through the store, so a sent row keeps what Sereno keeps."""
    bench = Bench(path.parent, path.name, customers=max(1, cases // 5))
    store = bench.app.store
    try:
        for _ in range(cases):
            bench.open()
        _outcomes(bench, cases)
        now = bench.app.engine.clock.now()
        for item in list(store.iter_pending_outbox("bench")):  # delivered, as Sereno keeps it
            store.mark_outbox_sent(item.id, f"sent-{item.id}", now)
    finally:
        bench.close()


def _outcomes(bench: Bench, cases: int) -> None:
    """Remedies, satisfaction and story marks on a share of the seed's cases."""
    engine, store = bench.app.engine, bench.app.store
    agent = Actor("bench", "A1", "agent one", is_agent=True)
    for case_id in range(1, cases + 1):
        case = store.get_case(case_id)
        if case is None:
            raise RuntimeError(f"seed case {case_id} is missing")
        if case_id % REMEDY_EVERY == 0:
            amount = 5 + case_id % 90
            assert outcomes.remedy(engine, case, agent, f"refund {amount}.50 EUR goodwill").ok
        if case_id % SATISFACTION_EVERY == 0:
            assert outcomes.satisfied(engine, case, agent, f"{1 + case_id % 5} thanks").ok
        if case_id % STORY_EVERY == 0:  # as outcomes.story does for a resolved case (the
            now = engine.clock.now()  # copies' status is set by age, most are closed)
            with store.atomic():
                store.update_case(case_id, flags=case.flags | {"story"}, updated_at=now)
                store.append_event(case_id, now, agent, EventKind.STORY_MARKED, {})


def grow(seed_path: Path, path: Path, rounds: int) -> int:
    """Fill a fresh database with `rounds` shaped copies of the seed; its number of cases."""
    open_database(path).close()  # Sereno's own schema and indexes
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        # a bench file built in one go: no journal while it is filled, WAL as Sereno opens it
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -200000"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("ATTACH DATABASE ? AS seed", (str(seed_path),))
        most = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM seed.{t}").fetchone()[0]
                for t in TABLES if t != "case_steps"}  # fmt: skip
        params = {
            "cases": most["cases"], "events": most["events"], "reminders": most["reminders"],
            "outbox": most["outbox"], "rounds": rounds, "seed": most["cases"],
            "total": most["cases"] * rounds,
        }  # fmt: skip
        conn.execute("BEGIN")
        for table in TABLES:
            sql = _copy_sql(conn, table)
            used = {k: v for k, v in params.items() if f":{k}" in sql}
            conn.execute(sql, used)
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE seed")
        conn.execute("PRAGMA journal_mode = WAL")
        return conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()


@functools.cache
def databases(quick: bool = False) -> Databases:
    """The two databases of this process (built on first use)."""
    tmp = Path(tempfile.mkdtemp(prefix="sereno-bench-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    size, large = (QUICK_SEED, QUICK_LARGE) if quick else (SEED, LARGE)
    seed(tmp / "seed.db", size)
    small_cases = grow(tmp / "seed.db", tmp / "small.db", 1)
    large_cases = grow(tmp / "seed.db", tmp / "large.db", large // size)
    return Databases(tmp / "small.db", tmp / "large.db", small_cases, large_cases)
