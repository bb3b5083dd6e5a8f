"""Clocks that match the heat, as a team in Madrid sees them in a real `sereno console`
process (issue 13, item 5): the first-response target in the header, a lawyer threat on
an unclaimed case raising the header and posting a notice, a snooze that would bring a
reminder forward refused with the reason, and no time anywhere in UTC."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

CALM = (
    "Hello, I think I was charged twice on invoice 7781 this month. "
    "Could you please check it? Thank you."
)
LAWYER = "I am calling my LAWYER!!! This is a DISGRACE and I will SUE you!!!"
SCRIPT = """\
/as Lucía
{calm}
/in #1
{lawyer}
/out
/complaint show #1
/complaint claim #1
/complaint followup #1 mañana a las {hour} call her back
/complaint snooze #1 in 2 hours
/complaint snooze #1 in 3 days
/complaint timeline #1
/complaint due all
/complaint export #1 md
"""


def minutes(start: datetime, end: datetime) -> set[str]:
    """Every UTC clock time (HH:MM) from `start` to `end`, a minute either side."""
    shown, moment = set(), start - timedelta(minutes=1)
    while moment <= end + timedelta(minutes=1):
        shown.add(f"{moment:%H:%M}")
        moment += timedelta(minutes=1)
    return shown


def test_a_team_in_madrid_sees_its_own_clock_and_the_heat(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SERENO_", "SLACK_", "DISCORD_"))
    }
    env["SERENO_TIMEZONE"] = "Europe/Madrid"
    started = datetime.now(UTC)
    # A follow-up hour far from the UTC clock of this run, so the two can never be confused.
    hour = 18 if 6 <= started.hour <= 11 else 9
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", str(tmp_path / "c.db"), "--agent", "ana"],
        input=SCRIPT.format(calm=CALM, lawyer=LAWYER, hour=hour),
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    ended = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    # A calm question: the LOW target, 15 minutes, in the header, in Madrid's time (a real
    # clock: a moment has passed since the case opened).
    assert re.search(
        r"next: first-response \S+ \d\d:\d\d CE[S]?T \(in 1[45] min; target 15 min "
        r"for LOW impact\)",
        out,
    ), out
    # A lawyer threat on the unclaimed case: a notice, the header raised, the clock tighter.
    assert "🔥 The customer is angrier now (3/3): " in out
    assert "Header updated: 3/3 · impact HIGH." in out
    assert re.search(
        r"First response now due \S+ \d\d:\d\d CE[S]?T \(target 5 min for HIGH "
        r"impact\)\.",
        out,
    )
    assert re.search(r"^\[m1 updated\] .*target 5 min for HIGH impact", out, re.M)
    assert re.search(r"Case #1 · \w+ · 🔥🔥🔥 intensity 3/3 · impact HIGH · en", out)
    # Snooze never brings the follow-up forward, and says so; a later one says when.
    assert "snooze only postpones" in out and "is still due " in out
    assert re.search(r"snoozed until \S+ \d\d:\d\d CE[S]?T\.", out)
    assert re.search(rf"Follow-up for #1 set for \S+ {hour:02d}:00 CE[S]?T\.", out)
    # The Markdown report a colleague reads is in Madrid's time too.
    (report,) = list(tmp_path.rglob("case-1.md"))
    markdown = report.read_text(encoding="utf-8")
    assert re.search(r"\*\*Opened:\*\* \S+ \d\d:\d\d:\d\d CE[S]?T", markdown)
    # Nothing people read is in UTC: not the word, nor a UTC clock time of this run.
    everything = out + markdown
    assert "UTC" not in everything
    utc_clock = minutes(started, ended)
    shown = set(re.findall(r"\b(\d\d:\d\d)(?::\d\d)?\b", everything))
    assert not shown & utc_clock, f"UTC clock times shown: {sorted(shown & utc_clock)}"
