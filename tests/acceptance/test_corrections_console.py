"""An agent corrects Sereno's reading in a real `sereno console` process (issue 14 item 4).

What the agent sees: the header's menu as a command line, the header redrawn with the
corrected parts marked, the re-planned next card (the rude customer's tip), the timeline's
sentences, the team report's counts, and `sereno export --corrections` writing the case as
a labelled example that bench/reading_accuracy.py loads.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bench.reading_accuracy import load_labelled
from tests.test_console import run_console

ROOT = Path(__file__).resolve().parents[2]
LATE = "My order 48213 never arrived and nobody answers!!!"
SCRIPT = f"""\
/as Lucía
{LATE}
/as John
The app crashes every time I open it.
/in #1
/react ✅ m2
/complaint reading reason billing intensity 2 kind rude
/complaint reading
/complaint reading kind=rudee
/complaint reading intensity 9
/complaint timeline
/out
/complaint reading #2 threats legal
/complaint report 7d
"""


def test_an_agent_corrects_the_reading_in_the_console(tmp_path: Path) -> None:
    out = run_console(tmp_path, SCRIPT)
    # The header offers the correction as the command that does it.
    assert re.search(
        r"^      Correct the reading: /complaint reading #1 reason product\|delivery\|billing"
        r"\|service\|technical\|other intensity 0\|1\|2\|3 kind argumentative\|.*\|rude\|unknown$",
        out,
        re.M,
    )
    after = out.split("✓ Reading of #1 corrected: ", 1)[1]
    assert after.startswith("reason delivery → billing, intensity 1 → 2, kind unknown → rude.")
    assert "New steps: Rude customer: never insult back" in after.split("\n", 1)[0]
    # The header is redrawn: corrected parts say who corrected them, the rest its evidence.
    assert re.search(r"^\[m1 updated\] Case #1 · billing · 🔥🔥 intensity 2/3 · ", after, re.M)
    assert '      Reason: billing (corrected by ana) · about: order ("My order")' in after
    assert "      Customer seems: rude (corrected by ana) → " in after
    assert '"!!!" (exclamations)' in after and "intensity: 2 (corrected by ana)" in after
    assert re.search(r"^\[m1 updated\] Progress 3/\d+ · .*▸ now: tip-rude", after, re.M)
    # The re-planned next card: the rude customer's tip, though its group was done.
    tip = re.search(r"^\[m\d+\] Sereno \(#1\) › Step 4/\d+ · Before you answer\n(.*)$", after, re.M)
    assert tip and tip.group(1).strip().startswith("Rude customer: never insult back — ")
    # One private confirmation; the thread gains the tip's card and one fresh suggestion.
    until_show = after.split("Reading of #1:", 1)[0]
    posted = re.findall(r"^\[m\d+\] Sereno \(#1\) › (\w+)", until_show, re.M)
    assert posted == ["Step", "Suggested"], posted
    # `reading` alone: the reading, its evidence, how to correct it.
    shown = after.split("Reading of #1:", 1)[1]
    assert "  reason: billing — corrected by ana" in shown
    assert '  subject: order — "My order"' in shown
    assert "Correct it: /complaint reading #1 reason … intensity 0-3" in shown
    # Typos and bad values: a polite answer, never a crash.
    assert "“rudee” is not a value of kind. Did you mean rude?" in out
    assert "“9” is not a value of intensity. Valid: 0, 1, 2, 3." in out
    # The timeline says it in sentences.
    assert re.search(r"UTC ana corrected the reading: reason delivery → billing$", out, re.M)
    assert re.search(r"UTC ana corrected the reading: kind unknown → rude$", out, re.M)
    # Outside the thread, with the case named: a legal threat makes case #2 weigh HIGH.
    assert "✓ Reading of #2 corrected: threats none → legal." in out
    assert re.search(r"^\[m4 updated\] Case #2 · technical · .* impact HIGH", out, re.M)
    assert "      Threats: legal (corrected by ana)" in out
    # The team report: how often each part was corrected.
    report = out.split("📊 Team report", 1)[1]
    assert "Reading corrected: reason 1 of 2 cases (50%), intensity 1, kind 1, threats 1" in report
    # `sereno export --corrections`: the corrected cases as labelled examples.
    labelled = tmp_path / "mine.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERENO_", "SLACK_"))}
    env["SERENO_DB"] = str(tmp_path / "c.db")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--corrections", "--out", str(labelled)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Wrote {labelled} (2 cases)\n"
    first, second = load_labelled(labelled)
    assert first["text"] == LATE and first["language"] == "en"
    assert (first["reason"], first["intensity"], first["kind"]) == ("billing", 2, "rude")
    assert (first["read_reason"], first["read_intensity"], first["read_kind"]) == (
        "delivery",
        1,
        "unknown",
    )
    assert first["corrected"] == ["reason", "intensity", "kind"]
    assert second["threats"] == ["legal"] and second["read_threats"] == []
