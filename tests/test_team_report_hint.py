"""Without the charts extra the chat's team report says, in its last line, how to get the
chart; with a chart it says nothing of the kind (issue 15 item 3)."""

from __future__ import annotations

import json

from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.wiring import App
from tests.conftest import LEAD, complaint

HINT = "No chart: it needs the charts extra."


def report_card(app: App) -> dict[str, object]:
    assert run(app.engine, app.times, "report 7d", Context(LEAD, "test", "C1")).ok
    row = app.store.db.execute(
        "SELECT payload FROM outbox WHERE kind = 'report' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return json.loads(row[0])


def test_a_report_without_a_chart_ends_with_how_to_get_one(app: App) -> None:
    app.engine.open_case(complaint("My order 5521 arrived broken. I want a refund."))
    app.engine.chart, app.engine.chart_missing = None, HINT
    card = report_card(app)
    assert card["attachment"] is None and card["lines"][-1] == HINT


def test_a_report_with_its_chart_has_no_such_line(app: App) -> None:
    app.engine.chart, app.engine.chart_missing = (lambda shown: b"png"), HINT
    card = report_card(app)
    assert card["attachment"] is not None and HINT not in card["lines"]
