"""Opening a case costs a fixed, small number of SQL statements (issue 15).

Counted on a real Engine and a real SQLite file through the connection's trace
callback, by kind: one transaction, one INSERT per row group written (case, steps,
timeline entry, each reminder, each outbox row), the few look-ups the decision needs
before it, no savepoints, no sqlite-utils table look-ups, and nothing read back once
writing has begun. Counts, not times: these are deterministic.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from bot.core.base.case import EventKind
from bot.core.base.model import Actor, Status
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, complaint

ANGRY = (
    "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! Si no me "
    "devuelven el dinero no vuelvo a comprar."
)
#: Inserts of a new case: the case, its steps (one statement), its timeline entry, two
#: reminders (first response, stalled) and three outbox rows (header, step, suggestion).
CASE_INSERTS = 8


@contextmanager
def traced(app: App) -> Iterator[list[str]]:
    """Every statement SQLite runs on the store's connection meanwhile, in order."""
    statements: list[str] = []
    conn: sqlite3.Connection = app.store.db.conn
    conn.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


def kinds(statements: list[str]) -> Counter[str]:
    """Statements by their first word (BEGIN, SELECT, INSERT, SAVEPOINT...)."""
    return Counter(s.split(None, 1)[0].upper() for s in statements)


def lookups(statements: list[str]) -> list[str]:
    """Schema look-ups (what sqlite-utils' Table.insert does before each insert)."""
    return [s for s in statements if "sqlite_master" in s.lower() or s.upper().startswith("PRAGMA")]


def read_back(statements: list[str]) -> list[str]:
    """SELECTs run once the case row is written: rows re-read that the writer knew."""
    start = next((i for i, s in enumerate(statements) if s.startswith("INSERT INTO cases")), 0)
    return [s for s in statements[start:] if s.upper().startswith("SELECT")]


def test_a_new_customers_case_is_fifteen_statements_in_one_transaction(app: App) -> None:
    with traced(app) as statements:
        case = app.engine.open_case(complaint(ANGRY, event_id="Ev1"))
    assert case is not None
    counted = kinds(statements)
    assert len(statements) <= 15, statements
    assert counted["BEGIN"] == 1 and counted["COMMIT"] == 1
    assert counted["INSERT"] == CASE_INSERTS + 1  # and the delivered event's id
    assert counted["SAVEPOINT"] == counted["RELEASE"] == 0
    assert lookups(statements) == []
    assert read_back(statements) == []
    # What was written is what the engine built from it, without reading it back.
    assert app.store.get_case(case.id) == case
    posted = [(r.card.kind.value, r.edit_of) for r in app.store.outbox_for_case(case.id)]
    assert posted == [("header", None), ("step", None), ("suggestion", None)]


def test_a_returning_customer_adds_only_the_flood_look_ups(app: App) -> None:
    earlier = app.engine.open_case(complaint("Mi pedido no llegó.", message_id="m-0"))
    assert earlier is not None
    app.engine.transition(earlier, AGENT, Status.RESOLVED, "resolve")
    with traced(app) as statements:
        case = app.engine.open_case(complaint(ANGRY, message_id="m-1", event_id="Ev2"))
    assert case is not None and case.reading.history.earlier_cases == 1
    counted = kinds(statements)
    # the flood check is one probe however much history (latest case, cases this minute,
    # its last join); the case itself is read only when the message joins it
    assert len(statements) <= 15, statements
    assert counted["INSERT"] == CASE_INSERTS + 1
    assert counted["SAVEPOINT"] == 0 and lookups(statements) == []
    assert read_back(statements) == []


def test_a_case_with_a_staff_place_adds_its_opener_row_only(app: App) -> None:
    with traced(app) as statements:
        case = app.engine.open_case(complaint(ANGRY), staff_channel="C-staff")
    assert case is not None
    counted = kinds(statements)
    assert counted["INSERT"] == CASE_INSERTS + 1  # the opener
    assert len(statements) <= 15, statements
    assert counted["SAVEPOINT"] == 0 and lookups(statements) == []
    assert read_back(statements) == []
    rows = app.store.outbox_for_case(case.id)
    opener = rows[0]
    assert opener.card.kind.value == "opener" and opener.thread_id is None
    assert all(r.channel_id == "C-staff" for r in rows)
    # The rest wait for the opener's thread: they name its row until it is posted.
    later = app.store.db.execute(
        "SELECT thread_of FROM outbox WHERE case_id = ? AND id > ?", [case.id, opener.id]
    ).fetchall()
    assert {r[0] for r in later} == {opener.id}


def test_a_duplicate_inside_a_transaction_undoes_only_itself(app: App) -> None:
    """No savepoint is needed for a duplicate: SQLite undoes the failed statement alone."""
    case = app.engine.open_case(complaint(ANGRY, event_id="Ev3"))
    assert case is not None
    now = app.engine.clock.now()
    with traced(app) as statements, app.store.atomic():
        app.store.append_event(case.id, now, AGENT, EventKind.NOTE, {"text": "first"})
        assert app.store.remember_event("test", "Ev3", now) is False
        app.store.append_event(case.id, now, AGENT, EventKind.NOTE, {"text": "second"})
    assert kinds(statements)["SAVEPOINT"] == 0
    notes = [e.details["text"] for e in app.store.events(case.id) if e.kind is EventKind.NOTE]
    assert notes == ["first", "second"]


def test_the_same_message_twice_opens_one_case(app: App) -> None:
    assert app.engine.open_case(complaint(ANGRY, event_id="Ev4")) is not None
    again = Actor("test", LUCIA.user_id, LUCIA.name)
    assert app.engine.open_case(complaint(ANGRY, author=again, event_id="Ev4")) is None
    assert len(app.store.db.execute("SELECT id FROM cases").fetchall()) == 1


def test_a_write_outside_a_transaction_is_committed(app: App) -> None:
    case = app.engine.open_case(complaint(ANGRY))
    assert case is not None
    app.store.append_event(case.id, app.engine.clock.now(), AGENT, EventKind.NOTE, {"text": "n"})
    assert not app.store.db.conn.in_transaction
