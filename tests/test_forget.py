"""Forgetting a customer leaves no trace of them in the file; the numbers stay."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.core.base.case import EventKind
from bot.core.base.model import Actor, Incoming, Status
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records.team_report import compute
from bot.records_cli import forget
from bot.settings import Settings
from bot.wiring import App, build
from storage.forget import forget_closed_before
from tests.conftest import AGENT, complaint
from tests.support import FakeClock

LUCIA = Actor("test", "U-lucia-perez", "Lucía Pérez")
JOHN = Actor("test", "U-john", "John Smith")
SECRET_WORDS = "Zanahoria-77 pedido 48213"


def raw_files(db_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))


def figures(app: App) -> list[tuple[object, ...]]:
    return [
        tuple(r.values())
        for r in app.store.db.query(
            "SELECT id, status, reason, kind, intensity, impact, opened_at, first_response_at, "
            "resolved_at, closed_at, (SELECT count(*) FROM events e WHERE e.case_id = c.id "
            "AND kind != 'customer_forgotten') FROM cases c ORDER BY id"
        )
    ]


def lucia_case(app: App, clock: FakeClock, n: int) -> int:
    case = app.engine.open_case(
        complaint(
            f"Soy Lucía Pérez y llevo TRES semanas esperando el {SECRET_WORDS}!!! (caso {n})",
            f"m-{n}",
            author=LUCIA,
        )
    )
    assert case is not None
    ctx = Context(AGENT, "test", "C1", case.thread_id)
    clock.advance(minutes=3)
    app.engine.conversation.record_thread_message(
        Incoming("test", "C1", f"r-{n}", LUCIA, f"Sigo esperando, {SECRET_WORDS}", case.thread_id)
    )
    for command in (
        "claim",
        "note llamé a Lucía, reembolso aprobado",
        "remedy refund 20 EUR para Lucía",
        "resolve",
        "satisfied 4 Lucía dice que todo bien",
    ):
        assert run(app.engine, app.times, command, ctx).ok, command
    return case.id


def test_forgetting_erases_name_handle_and_text_but_keeps_the_figures(
    app: App, clock: FakeClock, db_path: Path
) -> None:
    mine = [lucia_case(app, clock, n) for n in range(2)]
    other = app.engine.open_case(complaint("My parcel never came", "m-x", author=JOHN))
    assert other is not None
    before = figures(app)
    start, end = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    report_before = compute(app.store, start, end, clock.now())
    raw = raw_files(db_path)
    assert "Lucía".encode() in raw and b"Zanahoria" in raw and b"U-lucia-perez" in raw

    settings = Settings.from_env({"SERENO_DB": str(db_path)})
    out = io.StringIO()
    assert forget(settings, "test:U-lucia-perez", yes=False, ask=lambda _: "nope", out=out) == 1
    assert "nothing changed" in out.getvalue()
    assert (
        forget(
            settings, "test:U-lucia-perez", yes=False, ask=lambda _: "test:U-lucia-perez", out=out
        )
        == 0
    )

    fresh = build(settings, clock=clock, detector=app.engine.detector)
    assert figures(fresh) == before
    assert compute(fresh.store, start, end, clock.now()) == report_before
    raw = raw_files(db_path)
    for trace in ("Lucía", "Lucia", "Pérez", "Zanahoria", "48213", "U-lucia-perez"):
        assert trace.encode() not in raw, trace
    assert b"My parcel never came" in raw  # other customers are untouched
    pseudonyms = {fresh.store.get_case(c).customer_id for c in mine}  # type: ignore[union-attr]
    assert len(pseudonyms) == 1 and next(iter(pseudonyms)).startswith("forgotten-")
    last = fresh.store.events(mine[0])[-1]
    assert last.kind is EventKind.CUSTOMER_FORGOTTEN and "Lucía" not in json.dumps(last.details)
    with sqlite3.connect(db_path) as conn:  # the timeline is append-only again
        try:
            conn.execute("DELETE FROM events")
            raise AssertionError("delete was allowed")
        except sqlite3.IntegrityError:
            pass
    fresh.close()


def test_retention_forgets_only_cases_closed_long_ago(app: App, clock: FakeClock) -> None:
    old = lucia_case(app, clock, 1)
    case = app.store.get_case(old)
    assert case is not None and case.status is Status.RESOLVED
    app.engine.transition(case, AGENT, Status.CLOSED, "close")
    recent = app.engine.open_case(complaint("Mi pedido 555 no llegó", "m-new", author=JOHN))
    assert recent is not None
    clock.advance(days=40)
    assert forget_closed_before(app.store.db, clock.now() - timedelta(days=30), clock.now()) == 1
    assert app.store.get_case(old).customer_name == "[forgotten]"  # type: ignore[union-attr]
    assert app.store.get_case(recent.id).text == "Mi pedido 555 no llegó"  # type: ignore[union-attr]
    assert forget_closed_before(app.store.db, clock.now(), clock.now()) == 0  # idempotent


def test_forget_cli_refuses_a_malformed_or_unknown_customer(db_path: Path) -> None:
    settings = Settings.from_env({"SERENO_DB": str(db_path)})
    out = io.StringIO()
    assert forget(settings, "nocolon", yes=True, out=out) == 2
    assert forget(settings, "slack:UNOBODY", yes=True, out=out) == 1
    assert "platform:user" in out.getvalue() and "nothing to forget" in out.getvalue()
