"""The team report's chart agrees with its text: both drawn from the same figures.

Each test reads what the chart really drew (matplotlib's bars, labels and legends) and
compares it with the numbers parsed back out of the text message.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib.axes import Axes

from bot.charts import chart_data, draw, report_png
from bot.core.base.case import EventKind
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records.team_report import TeamReport, compute, file_name, parse_period
from bot.core.records.team_report_figures import Figures, figures, top
from bot.core.records.team_report_text import render_text
from bot.wiring import App
from tests.conftest import AGENT, LEAD
from tests.support import FakeClock
from tests.test_team_report import NOW, Team, early_week, late_week


@pytest.fixture
def week(app: App, clock: FakeClock) -> TeamReport:
    team = Team(app, clock)
    late_week(team, *early_week(team))
    return compute(app.store, *parse_period("2026-11-20..2026-11-26", NOW), NOW)


def panels(fig: Figures) -> dict[str, Axes]:
    """The chart's panels by their title."""
    return {axes.get_title(loc="left"): axes for axes in draw(fig).axes}


def line(text: str, start: str) -> str:
    """The one line of the text that starts with `start`."""
    found = [row for row in text.splitlines() if row.startswith(start)]
    assert len(found) == 1, (start, text)
    return found[0]


def pairs(row: str) -> list[tuple[str, int]]:
    """'Reason: delivery 3 · billing 1' as [('delivery', 3), ('billing', 1)]."""
    values = row.split(": ", 1)[1].split(" · ")
    return [(v.rsplit(" ", 1)[0], int(v.rsplit(" ", 1)[1])) for v in values]


def drawn_bars(axes: Axes, horizontal: bool = False) -> list[tuple[str, int]]:
    """(label, value) of each bar a panel drew, in reading order."""
    ticks = axes.get_yticklabels() if horizontal else axes.get_xticklabels()
    sizes = [p.get_width() if horizontal else p.get_height() for p in axes.patches]
    found = [(tick.get_text(), round(size)) for tick, size in zip(ticks, sizes, strict=True)]
    return found[::-1] if horizontal else found


def legend(axes: Axes) -> list[str]:
    box = axes.get_legend()
    assert box is not None
    return [entry.get_text() for entry in box.get_texts()]


def test_every_figure_on_the_chart_is_the_texts(week: TeamReport) -> None:
    fig = figures(week, "en")
    text = render_text(week, "en", fig)
    drawn = panels(fig)
    # Cases by reason: the same labels, counts and order as the text's Reason line.
    reasons = drawn["Cases by reason"]
    assert drawn_bars(reasons, horizontal=True) == pairs(line(text, "Reason:"))
    # First response: the same median (same unit), breach count and target as the text.
    response = legend(drawn["First response against the target"])
    median = re.search(r"First response: median (.+?) ·", text)
    breaches = re.search(r"breaches: (\d+) of (\d+) .* · target (.+?)( ·|$)", text, re.M)
    assert median and breaches
    assert f"median {median.group(1)}" in response and median.group(1) == "15 min"
    breached, clocks = int(breaches.group(1)), int(breaches.group(2))
    assert f"breached ({breached})" in response
    assert f"within the target ({clocks - breached})" in response
    assert f"target {breaches.group(3)}" in response
    assert "not answered yet (1)" in response and "1 not answered yet" in text
    # Satisfaction: each bar's mean and count are the text's, and the paradox line is too.
    scores = drawn["Satisfaction by the anger the case opened with"]
    levels = re.findall(r"(\d): (\d\.\d/5) \((\d+)\)", line(text, "Intensity 0"))
    labels = [t.get_text() for t in scores.texts if "scored" in t.get_text()]
    assert labels == [f"{mean}\n{n} scored" for _, mean, n in levels]
    assert [round(p.get_height(), 1) for p in scores.patches] == [
        float(m.split("/")[0]) for _, m, _ in levels
    ]
    recovered = line(text, "Started hot")
    assert recovered == "Started hot (2–3) and ended satisfied (4–5/5): 1 of 1"
    assert recovered in [t.get_text() for t in scores.texts]
    # Backlog: the buckets the text lists, with their counts; the others drew nothing.
    backlog = [(label, n) for label, n in drawn_bars(drawn["Still open, by age"]) if n]
    assert backlog == pairs(line(text, "🗂 Still open, by age")) == [("1–4h", 1)]


def test_the_png_carries_the_figures_it_was_drawn_from(week: TeamReport) -> None:
    fig = figures(week, "es")
    png = report_png(fig)
    assert chart_data(png) == json.loads(json.dumps(asdict(fig)))
    assert chart_data(png)["first_median_label"] == "15 min"
    assert png == report_png(fig)  # still deterministic with the data chunk
    with pytest.raises(ValueError, match="no team report figures"):
        chart_data(b"\x89PNG\r\n\x1a\n")


def test_a_median_under_a_minute_reads_the_same_on_both(app: App, clock: FakeClock) -> None:
    t = Team(app, clock)
    case = t.open("11-25 09:00:00", "quick")
    t.act(case, "11-25 09:00:48", "claim")  # answered in 48 s
    report = compute(app.store, *parse_period("7d", NOW), NOW)
    fig = figures(report, "en")
    assert "First response: median 48 s · 90% within 48 s (1 case)" in render_text(report)
    drawn = panels(fig)["First response against the target"]
    assert "median 48 s" in legend(drawn)
    assert not any("1 min" in label for label in legend(drawn))


def test_one_other_bucket_named_alike_in_both_languages() -> None:
    counts = (
        ("delivery", 9), ("other", 2), ("billing", 3), ("product", 3),
        ("service", 2), ("technical", 2), ("card", 1),
    )  # fmt: skip
    en = top(counts, "en", "reason")
    assert [(b.label, b.count) for b in en][-1] == ("other", 3)  # "other" 2 + the rest 1
    assert sum(b.count for b in en) == 22 and [b.label for b in en].count("other") == 1
    es = top(counts, "es", "reason")
    assert [(b.label, b.count) for b in es][-1] == ("otros", 3)
    assert "otro" not in [b.label for b in es]
    assert top((("delivery", 1), ("other", 1)), "en", "reason")[-1].label == "other"


def test_the_reason_line_has_no_other_beside_others(app: App, clock: FakeClock) -> None:
    t = Team(app, clock)
    reasons = ("other", "other", "billing", "product", "service", "technical", "delivery")
    for n, reason in enumerate((*reasons, "card")):
        t.open(f"11-25 0{n}:00", f"cust{n}", reason=reason)
    report = compute(app.store, *parse_period("7d", NOW), NOW)
    for lang, other in (("en", "other"), ("es", "otros")):
        fig = figures(report, lang)
        text = render_text(report, lang, fig)
        row = line(text, "Reason:" if lang == "en" else "Motivo:")
        assert row.count(other) == 1 and row.endswith(f"{other} 3"), row
        assert "others" not in row and "otro " not in row
        chart = panels(fig)["Cases by reason" if lang == "en" else "Casos por motivo"]
        assert drawn_bars(chart, horizontal=True)[-1] == (other, 3)


def test_panels_without_data_say_so(app: App, clock: FakeClock) -> None:
    t = Team(app, clock)
    case = t.open("11-25 09:00", "solo")
    t.act(case, "11-25 09:05", "claim")
    t.act(case, "11-25 10:00", "resolve")
    report = compute(app.store, *parse_period("7d", NOW), NOW)
    drawn = panels(figures(report, "en"))
    for title, note in (
        ("Satisfaction by the anger the case opened with", "No satisfaction scores yet"),
        ("Still open, by age", "Nothing from this period is still open"),
    ):
        axes = drawn[title]
        assert [x.get_text() for x in axes.texts] == [note] and not axes.patches
        assert not axes.axison
    assert "Still open, by age" not in render_text(report)
    empty = compute(app.store, *parse_period("2026-10-01..2026-10-07", NOW), NOW)
    only = draw(figures(empty, "es")).axes
    assert len(only) == 1 and [x.get_text() for x in only[0].texts] == [
        "No se abrió ningún caso en este periodo."
    ]


def test_a_hot_complaint_that_ended_satisfied_is_the_paradox(app: App, clock: FakeClock) -> None:
    t = Team(app, clock)
    hot, calm = (
        t.open("11-24 09:00", "hot", intensity=3),
        t.open("11-24 10:00", "calm", intensity=0),
    )
    for case, score in ((hot, 5), (calm, 3)):
        t.act(case, "11-24 11:00", "claim")
        t.act(case, "11-24 12:00", "resolve")
        t.record(case, "11-26 12:00", EventKind.SATISFACTION, score=score)
    report = compute(app.store, *parse_period("7d", NOW), NOW)
    fig = figures(report, "es")
    assert (fig.hot_scored, fig.hot_satisfied) == (1, 1)
    text = render_text(report, "es", fig)
    assert "Llegaron acaloradas (2–3) y terminaron satisfechas (4–5/5): 1 de 1" in text
    chart = panels(fig)["Satisfacción según el enfado con que llegó el caso"]
    assert [t.get_text() for t in chart.xaxis.get_ticklabels()] == ["calma", "3"]


@pytest.mark.parametrize(
    ("period", "name"),
    [
        ("1d", "team-report-2026-11-26.png"),  # today only, named for today
        ("2026-11-05", "team-report-2026-11-05.png"),
        ("2026-11-05..2026-11-05", "team-report-2026-11-05.png"),
        ("7d", "team-report-2026-11-20..2026-11-26.png"),
        ("2026-11", "team-report-2026-11-01..2026-11-30.png"),
        ("2026-12", "team-report-2026-12-01..2026-12-31.png"),
        ("30d", "team-report-2026-10-28..2026-11-26.png"),
        ("2026-10-03..2026-11-15", "team-report-2026-10-03..2026-11-15.png"),
    ],
)
def test_files_are_named_for_the_days_they_cover(period: str, name: str) -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    assert file_name("team-report", *parse_period(period, now), "png") == name


def test_a_month_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="not a month"):
        parse_period("2026-13", NOW)


def test_the_chat_and_the_shell_name_the_file_for_the_period(app: App, tmp_path: Path) -> None:
    from bot.records_cli import report

    assert run(app.engine, app.times, "report 2026-11", Context(AGENT, "test", "C1", None)).ok
    rows = app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report' ORDER BY id")
    card = json.loads(list(rows)[-1]["payload"])
    assert card["attachment"]["name"] == "team-report-2026-11-01..2026-11-30.png"
    out = io.StringIO()
    assert report(app.settings, "2026-11-01..2026-11-07", tmp_path, out) == 0
    saved = tmp_path / "team-report-2026-11-01..2026-11-07.png"
    assert f"Chart saved to {saved}" in out.getvalue()
    assert chart_data(saved.read_bytes())["title"] == line(out.getvalue(), "📊")


def test_exports_of_a_period_are_named_for_its_days_too(app: App) -> None:
    here = Context(LEAD, "test", "C1", None)  # only the lead exports every case
    assert run(app.engine, app.times, "export csv 2026-11", here).ok
    assert run(app.engine, app.times, "stories 2026-11-05", here).ok
    rows = app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report' ORDER BY id")
    names = [json.loads(r["payload"])["attachment"]["name"] for r in rows]
    assert names == ["cases-2026-11-01..2026-11-30.csv", "stories-2026-11-05.md"]
