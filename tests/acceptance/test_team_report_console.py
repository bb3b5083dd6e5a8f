"""A lead asks for the team report in the console: a real `sereno console` process.

What the lead sees: the report's text in the chat, and its chart saved under a name for
the day it covers; the figures the chart was drawn from are the text's figures.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.charts import chart_data
from tests.test_console import run_console

SCRIPT = """\
/as Lucía
Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! No vuelvo a comprar.
/as John
My order 5521 arrived broken and nobody answers my emails. I want a refund.
/complaint claim #2
/complaint resolve #2
/complaint report 1d
"""


def report_lines(out: str) -> list[str]:
    """The report card as printed: its title line and its indented lines."""
    rows = out.splitlines()
    first = next(i for i, row in enumerate(rows) if "› 📊 " in row)
    body = [rows[first].split("› ", 1)[1]]
    for row in rows[first + 1 :]:
        if not row.startswith("      "):
            break
        body.append(row[6:])
    return body


def test_the_team_report_from_the_console_names_its_chart_and_agrees(tmp_path: Path) -> None:
    before = datetime.now(UTC).date()
    out = run_console(tmp_path, SCRIPT)
    after = datetime.now(UTC).date()
    lines = report_lines(out)
    saved = re.search(r"📎 saved (\S+)", "\n".join(lines))
    assert saved, out
    chart = Path(saved.group(1))
    # A one-day report is named for that day (not the day after), and so is its title.
    assert chart.name in {f"team-report-{day:%Y-%m-%d}.png" for day in (before, after)}
    day = chart.name.removeprefix("team-report-").removesuffix(".png")
    assert lines[0] == f"📊 Team report · {day} → {day} (UTC)"
    data = chart_data(chart.read_bytes())
    text = "\n".join(lines)
    assert data["title"] == lines[0]
    # Cases by reason: the chart's bars are the text's Reason line, one by one.
    reason = next(row for row in lines if row.startswith("Reason: "))
    bars = " · ".join(f"{b['label']} {b['count']}" for b in data["reasons"])
    assert reason == f"Reason: {bars}"
    assert sum(b["count"] for b in data["reasons"]) == 2
    # First response: the same median in the same unit, the same breaches and target.
    median = re.search(r"First response: median (.+?) ·", text)
    assert median and median.group(1) == data["first_median_label"]
    breaches = re.search(r"breaches: (\d+) of (\d+) .*?· target (.+?)(?: · |$)", text, re.M)
    assert breaches, text
    assert (int(breaches.group(1)), int(breaches.group(2))) == (
        data["breaches"],
        data["clock_cases"],
    )
    assert breaches.group(3) == data["targets_label"]
    assert f"{data['unanswered']} not answered yet" in text and data["unanswered"] == 1
    # The backlog: Lucía's case is still open and under an hour old, on both.
    backlog = [(b["label"], b["count"]) for b in data["backlog"] if b["count"]]
    assert backlog == [("< 1h", 1)]
    assert "🗂 Still open, by age: < 1h 1" in lines
