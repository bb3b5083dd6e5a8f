"""Remedies, satisfaction, stories, exports and reports from the command language."""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

from bot.core.base.model import Status
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.wiring import App
from tests.conftest import AGENT, LEAD, LUCIA, complaint
from tests.support import FakeClock

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."


def ctx(thread: str | None = None) -> Context:
    return Context(AGENT, "test", "C1", thread)


def files(app: App) -> list[tuple[str, bytes]]:
    rows = app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report' ORDER BY id")
    cards = [json.loads(r["payload"]) for r in rows]
    return [
        (c["attachment"]["name"], base64.b64decode(c["attachment"]["data"]))
        for c in cards
        if c.get("attachment")
    ]


def test_remedy_satisfaction_and_story(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    here = ctx(case.thread_id)
    assert run(app.engine, app.times, "remedy refund 25,5 eur broken on arrival", here).ok
    remedy = app.store.events(case.id)[-1].details
    assert remedy == {
        "type": "refund",
        "amount": "25.50",
        "currency": "EUR",
        "note": "broken on arrival",
        "approved_by": "ana",
    }
    for bad in (
        "remedy",
        "remedy gift 5 EUR",
        "remedy refund lots EUR",
        "remedy refund 5 E",
        "remedy refund -3 EUR",
        "remedy refund NaN EUR",
        "satisfied 9",
        "satisfied",
    ):
        reply = run(app.engine, app.times, bad, here)
        assert not reply.ok and ("Usage" in reply.text or "amount" in reply.text), bad
    assert not run(app.engine, app.times, "story", here).ok  # not resolved yet
    app.engine.transition(case, AGENT, Status.RESOLVED, "resolve")
    assert run(app.engine, app.times, "satisfied 5 very happy", here).ok
    assert run(app.engine, app.times, "story", here).ok
    stored = app.store.get_case(case.id)
    assert stored is not None and "story" in stored.flags
    customer = Context(LUCIA, "test", "C1", case.thread_id)
    assert not run(app.engine, app.times, "remedy refund 1000 EUR", customer).ok


def test_exports_go_to_the_thread_as_files_in_each_format(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    for fmt in ("md", "json", "csv"):
        reply = run(app.engine, app.times, f"export #{case.id} {fmt}", ctx())
        assert reply.ok and f"case-{case.id}.{fmt}" in reply.text
    assert not run(app.engine, app.times, "export #1 pdf", ctx()).ok
    assert not run(app.engine, app.times, "export #99", ctx()).ok
    names = [name for name, _ in files(app)]
    assert names == [f"case-{case.id}.md", f"case-{case.id}.json", f"case-{case.id}.csv"]
    md, js, _ = (data for _, data in files(app))
    assert md.decode().startswith("#") and json.loads(js)["schema_version"] == 1
    item = next(i for i in app.store.outbox_for_case(case.id) if i.card.kind == "report")
    assert item.thread_id == case.thread_id


def test_the_case_list_csv_opens_in_a_spreadsheet(app: App) -> None:
    app.engine.open_case(complaint('Broken, "really" broken\nand late 🔥', "m-1"))
    app.engine.open_case(complaint("=HYPERLINK(evil) my invoice is wrong", "m-2", channel="C2"))
    assert run(app.engine, app.times, "export csv", Context(LEAD, "test", "C1")).ok
    name, data = files(app)[-1]
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0][0] == "id"


def test_team_report_is_posted_with_a_png_chart(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    clock.advance(minutes=7)
    app.engine.claim(case, AGENT)
    app.engine.transition(case, AGENT, Status.RESOLVED, "resolve")
    clock.advance(hours=1)
    reply = run(app.engine, app.times, "report 7d", ctx())
    assert reply.ok, reply.text
    name, png = files(app)[-1]
    assert name.endswith(".png") and png.startswith(b"\x89PNG\r\n\x1a\n")
    card = json.loads(
        list(app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report'"))[-1]["payload"]
    )
    assert "1" in card["title"] + " ".join(card["lines"])
    assert not run(app.engine, app.times, "report last tuesday-ish", ctx()).ok


def test_stories_export_for_a_period(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    app.engine.transition(case, AGENT, Status.RESOLVED, "resolve")
    assert run(app.engine, app.times, f"story #{case.id}", ctx()).ok
    clock.advance(days=1)
    assert run(app.engine, app.times, "stories 30d", ctx()).ok
    name, data = files(app)[-1]
    assert name.startswith("stories-") and f"#{case.id}" in data.decode()
    clock.advance(days=60)
    assert run(app.engine, app.times, "stories 7d", ctx()).ok
    assert f"#{case.id}" not in files(app)[-1][1].decode()


def test_sereno_export_and_report_from_the_shell(app: App, tmp_path: Path) -> None:
    from bot.records_cli import export, report

    case = app.engine.open_case(complaint(EN))
    assert case is not None
    out = io.StringIO()
    assert export(app.settings, case.id, "json", None, out) == 0
    assert json.loads(out.getvalue())["case"]["id"] == case.id
    assert export(app.settings, 99, "md", None, io.StringIO()) == 1
    assert export(app.settings, None, "pdf", None, io.StringIO()) == 2
    target = tmp_path / "all.csv"
    assert export(app.settings, None, "csv", target, io.StringIO()) == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfid,")
    out = io.StringIO()
    assert report(app.settings, "30d", tmp_path / "charts", out) == 0
    assert "Chart saved to" in out.getvalue()
    assert next((tmp_path / "charts").glob("*.png")).read_bytes().startswith(b"\x89PNG")
    assert report(app.settings, "someday", tmp_path, io.StringIO()) == 2
