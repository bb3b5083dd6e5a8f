"""What agents look at costs what it shows, not what the file holds (issue 15, long histories).

Every SQL statement that `list`, `due`, `show`, `timeline`, the 30-day team report, the
customer-history look-up (run for every new case) and opening a case send is caught with
`set_trace_callback` and its plan read with EXPLAIN QUERY PLAN on a real SQLite file. The
plans are deterministic (no ANALYZE statistics, as in production), so the tests assert them:
no statement reads a whole table (SCAN), the ones that show a first page sort no more rows
than the page, and each walks the index meant for it. Timing lives in bench/scale.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.core.base.model import Actor, Status
from bot.core.base.store_port import CaseQuery
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records.case_list import stream_cases_csv
from bot.core.records.team_report import compute
from bot.wiring import App
from tests.conftest import AGENT, LEAD, complaint
from tests.support import FakeClock

TABLES = ("cases", "case_steps", "events", "reminders", "outbox", "inbox")
_SCAN = re.compile(rf"^SCAN ({'|'.join(TABLES)})\b")
_TABLE_STEP = re.compile(r"^(SCAN|SEARCH) (\w+)")
TEXTS = (
    "Llevo TRES semanas esperando el pedido 48213 y nadie me contesta!!! Quiero mi dinero.",
    "My order 5521 arrived broken and nobody answers my emails. I want a refund.",
    "You charged me twice for the same subscription, fix it now.",
    "El técnico no vino y perdí el día entero esperando.",
)

Plan = list[tuple[int, int, str]]


def statements(app: App, op: Callable[[], Any]) -> list[str]:
    """Every statement `op` sends to SQLite, with its parameters written in."""
    seen: list[str] = []
    app.store.db.conn.set_trace_callback(seen.append)
    try:
        op()
    finally:
        app.store.db.conn.set_trace_callback(None)
    return seen


def plans(app: App, op: Callable[[], Any]) -> list[tuple[str, Plan]]:
    """(statement, plan rows) of every SELECT `op` sends."""
    found = []
    for sql in statements(app, op):
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            rows = app.store.db.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            found.append((sql, [(r[0], r[1], r[3]) for r in rows]))
    return found


def full_scans(found: list[tuple[str, Plan]]) -> list[str]:
    """Statements reading a whole table (or a whole index of one, or every entry of one
    platform's: a search on `platform` alone reads as much, there is one platform a team)."""
    return [
        f"{detail} <- {sql[:120]}"
        for sql, plan in found
        for _, _, detail in plan
        if _SCAN.match(detail) or detail.endswith("(platform=?)")
    ]


def table_sorts(found: list[tuple[str, Plan]]) -> list[str]:
    """Statements sorting rows read from a table (not just the few rows of a LIMITed
    subquery): the sort is a sibling of the table's SEARCH or SCAN in the plan."""
    sorting = []
    for sql, plan in found:
        for node, parent, detail in plan:
            if not detail.startswith("USE TEMP B-TREE"):
                continue
            siblings = [d for n, p, d in plan if p == parent and n != node]
            if any((m := _TABLE_STEP.match(d)) and m.group(2) in TABLES for d in siblings):
                sorting.append(f"{detail} <- {sql[:120]}")
    return sorting


def indexes(found: list[tuple[str, Plan]]) -> set[str]:
    return {
        m.group(1)
        for _, plan in found
        for *_, d in plan
        for m in [re.search(r"INDEX (\w+)", d)]
        if m
    }


@pytest.fixture
def busy(app: App, clock: FakeClock) -> App:
    """A few customers' cases in every state: claimed, resolved (with follow-ups), open."""
    engine = app.engine
    for n in range(8):
        author = Actor("test", f"U-{n}", f"customer {n}")
        engine.open_case(complaint(TEXTS[n % len(TEXTS)], f"m-{n}", author))
        clock.advance(minutes=7)
    for case_id in (1, 2, 3, 4, 5):
        case = app.store.get_case(case_id)
        assert case is not None
        engine.claim(case, AGENT)
    for case_id in (1, 2, 3):
        case = app.store.get_case(case_id)
        assert case is not None
        engine.transition(case, AGENT, Status.RESOLVED, "resolve")
    clock.advance(days=3)
    return app


def command(app: App, text: str) -> Callable[[], Any]:
    def op() -> Any:
        reply = run(app.engine, app.times, text, Context(LEAD, "test", "C1"))
        assert reply.ok, reply.text
        return reply

    return op


def test_list_walks_each_status_in_number_order_and_stops_at_the_page(busy: App) -> None:
    for words in ("list", "list open", "list mine", "list here", "list overdue", "list resolved"):
        found = plans(busy, command(busy, words))
        assert found, words
        assert full_scans(found) == [], words
        assert table_sorts(found) == [], words
        assert indexes(found) & {"idx_cases_status_id", "idx_cases_status_channel_id"}, words
    found = plans(
        busy, lambda: busy.store.list_cases(CaseQuery(statuses=frozenset(Status), limit=50))
    )
    assert full_scans(found) == [] and table_sorts(found) == []


def test_due_reads_the_overdue_reminders_it_shows_not_every_one_sorted(busy: App) -> None:
    for words in ("due all", "due"):
        found = plans(busy, command(busy, words))
        assert full_scans(found) == [], words
        assert table_sorts(found) == [], words
        assert "idx_reminders_status_due_at" in indexes(found), words


def test_show_and_timeline_read_one_case(busy: App) -> None:
    for words in ("show #2", "timeline #2", "show #7"):
        found = plans(busy, command(busy, words))
        assert found and full_scans(found) == [], words


def test_the_30_day_report_reads_the_period_through_its_indexes(busy: App) -> None:
    now = busy.engine.clock.now()
    found = plans(busy, lambda: compute(busy.store, now - timedelta(days=30), now, now))
    assert full_scans(found) == []
    used = indexes(found)
    assert {"idx_cases_opened_at", "idx_cases_resolved_at", "idx_reminders_followup_due_at"} <= used


def test_a_new_case_and_its_customer_history_read_no_whole_table(busy: App) -> None:
    author = Actor("test", "U-1", "customer 1")  # a returning customer: history to count
    found = plans(busy, lambda: busy.engine.open_case(complaint(TEXTS[1], "m-new", author)))
    assert found and full_scans(found) == []
    history = plans(busy, lambda: busy.store.customer_history("test", "U-1", None))
    assert full_scans(history) == [] and indexes(history)
    case = busy.store.get_case(1)
    assert case is not None and case.thread_id
    for op in (
        lambda: busy.store.latest_case_of("test", "U-1"),
        lambda: busy.store.open_case_in_channel("test", "C1", "U-1"),
        lambda: busy.store.find_case_by_message("test", "C1", "m-1"),
        lambda: busy.store.find_case_by_thread("test", case.thread_id or ""),
    ):
        assert full_scans(plans(busy, op)) == []
    latest = plans(busy, lambda: busy.store.latest_case_of("test", "U-1"))
    assert table_sorts(latest) == [] and "idx_cases_status_id" not in indexes(latest)
    assert busy.store.find_case_by_thread("test", case.thread_id or "") == case


def test_the_export_reads_the_timeline_once_not_once_per_case(busy: App) -> None:
    now = busy.engine.clock.now()

    def export() -> list[str]:
        return list(stream_cases_csv(busy.store, now))

    few = statements(busy, export)
    for n in range(30):
        busy.engine.open_case(complaint(TEXTS[n % 4], f"more-{n}", Actor("test", f"X{n}", "x")))
    lines = export()
    assert len(lines) == 1 + 8 + 30
    assert len(statements(busy, export)) == len(few)  # same statements for 4x the cases
    timeline = [s for s in few if "FROM events" in s]
    assert len(timeline) == 1


def test_the_flood_check_searches_a_customers_cases_and_events(busy: App) -> None:
    now = busy.engine.clock.now()
    found = plans(
        busy, lambda: busy.store.flood_probe("test", "U-1", now - timedelta(minutes=1), now)
    )
    assert found and full_scans(found) == [] and table_sorts(found) == []
    assert all("SEARCH" in detail for _, plan in found for *_, detail in plan if "cases" in detail)


def test_the_next_post_of_a_channel_reads_its_head_not_every_pending_row(busy: App) -> None:
    """Each candidate's queue (its case, or the channel's rows of no case) is searched by
    (platform, case_id): a busy channel's post costs what one case holds, not the backlog."""
    busy.store.enqueue_to(
        "test", "C1", None, busy.store.outbox_for_case(1)[0].card, busy.engine.clock.now()
    )
    found = plans(busy, lambda: busy.store.next_in_channel("test", "C1", busy.engine.clock.now()))
    assert found and full_scans(found) == [] and table_sorts(found) == []
    searches = [d for _, plan in found for *_, d in plan if d.startswith("SEARCH h ")]
    assert len(searches) == 2, searches  # a case's queue, and the channel's rows of no case
    assert all("(platform=? AND case_id=?)" in d for d in searches), searches


def vm_steps(app: App, op: Callable[[], Any]) -> int:
    """SQLite virtual-machine instructions `op` runs: the work of its statements, counted
    the same way on every machine (a cost that grows with the backlog shows here)."""
    count = 0

    def step() -> int:
        nonlocal count
        count += 1
        return 0

    app.store.db.conn.set_progress_handler(step, 1)
    try:
        op()
    finally:
        app.store.db.conn.set_progress_handler(None, 1)
    return count


def _open(app: App, first: int, count: int, channel: str = "C1") -> None:
    for n in range(first, first + count):
        author = Actor("test", f"B{n}", f"burst {n}")
        app.engine.open_case(complaint(TEXTS[n % len(TEXTS)], f"b-{n}", author, channel))


def test_a_burst_backlog_leaves_the_cost_of_each_post_as_it_was(app: App, clock: FakeClock) -> None:
    """What the drainer asks for every post (the channels due, the channel's next row,
    marking it sent) costs the same behind 3 cases pending as behind 40 (issue 15: CPU per
    complaint grew with the burst). A late case's first card goes first: its queue alone is
    searched, not every row pending before it."""
    store, now = app.store, clock.now

    def costs() -> tuple[int, int, int]:
        head = store.next_in_channel("test", "C1", now())
        assert head is not None
        return (
            vm_steps(app, lambda: store.outbox_channels_due("test", now())),
            vm_steps(app, lambda: store.next_in_channel("test", "C1", now())),
            vm_steps(app, lambda: store.mark_outbox_sent(head.id, f"p{head.id}", now())),
        )

    _open(app, 0, 3)
    store.db.execute("UPDATE outbox SET priority = 1 WHERE case_id < 3")  # as if shown once
    few = costs()
    _open(app, 3, 37)
    store.db.execute("UPDATE outbox SET priority = 1 WHERE case_id < 40")
    many = costs()
    assert all(m <= 1.5 * f for f, m in zip(few, many, strict=True)), (few, many)
    assert store.outbox_channels_due("test", now()) == ["C1"]


def test_the_channels_due_are_those_with_a_row_that_may_go_now(app: App, clock: FakeClock) -> None:
    for channel in ("C3", "C1", "C2"):
        _open(app, len(channel) * 10 + int(channel[1]), 2, channel)
    held = [i.id for i in app.store.iter_pending_outbox("test") if i.channel_id == "C2"]
    for row_id in held:
        app.store.hold_outbox(row_id, clock.now() + timedelta(seconds=30))
    one = next(i.id for i in app.store.iter_pending_outbox("test") if i.channel_id == "C3")
    app.store.hold_outbox(one, clock.now() + timedelta(seconds=30))  # the others may go
    assert app.store.outbox_channels_due("test", clock.now()) == ["C1", "C3"]
    assert app.store.outbox_channels_due("test", clock.now(), limit=1) == ["C1"]
    clock.advance(seconds=30)
    assert app.store.outbox_channels_due("test", clock.now()) == ["C1", "C2", "C3"]
    assert app.store.outbox_channels_due("other", clock.now()) == []
