"""The console adapter end to end: a real `sereno console` process fed through stdin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = """\
/as Lucía
Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! No vuelvo a comprar.
/as John
My order 5521 arrived broken and nobody answers my emails. I want a refund.
/react ✅ m2
/complaint done #2 1
/complaint claim #2
/in #1
Hola? sigo esperando
/complaint note llamé a Lucía, reembolso aprobado
/complaint frobnicate
/complaint timeline
/out
/complaint list
"""


def run_console(tmp_path: Path, script: str, agent: str = "ana", **extra: str) -> str:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SERENO_", "SLACK_", "DISCORD_"))
    }
    env.update(extra)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", str(tmp_path / "c.db"), "--agent", agent],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def test_console_session_end_to_end(tmp_path: Path) -> None:
    out = run_console(tmp_path, SCRIPT)
    # Each complaint opens a case with a header, step 1 and a suggestion in its language.
    assert re.search(r"^\[m1\] Sereno \(#1\) › Case #1 · delivery · .* · es$", out, re.M)
    assert re.search(r"^\[m2\] Sereno \(#1\) › Step 1/\d+ · ", out, re.M)
    assert re.search(r"^\[m3\] Sereno \(#1\) › Suggested reply \(es\)", out, re.M)
    assert re.search(r"^\[m4\] Sereno \(#2\) › Case #2 · .* · en$", out, re.M)
    assert re.search(r"^\[m6\] Sereno \(#2\) › Suggested reply \(en\)", out, re.M)
    spanish = out.split("[m3]")[1].split("[m4]")[0]
    assert "48213" in spanish and "Lucía" in spanish
    # A reaction marks what its card stands for (the folded "Before you answer" steps,
    # issue 13) and the next card unfolds; a command marks one step.
    assert "Step '" in out and "done by ana on #1" in out and "done by ana on #2" in out
    assert re.search(r"^\[m\d+\] Sereno \(#1\) › Step \d+/\d+ · First reply", out, re.M)
    assert re.search(r"^\[m1 updated\] Progress [3-9]/\d+ · ☑ before-answer ☐ reply", out, re.M)
    # Bad commands get help, not a crash.
    assert "I don't know 'frobnicate'" in out
    # The timeline says who did what, when.
    timeline = out.split("Timeline of #1:")[1]
    assert re.search(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC Sereno opened the case from Lucía's", timeline
    )
    assert re.search(r"UTC ana marked “[^”]+” done with ✅", timeline)
    assert "John (not the customer) wrote in the thread: “Hola? sigo esperando”" in timeline
    assert "ana added a note: llamé a Lucía, reembolso aprobado" in timeline


def test_console_restart_keeps_the_case(tmp_path: Path) -> None:
    run_console(tmp_path, "My order 12 never arrived!\n")
    out = run_console(tmp_path, "/complaint show #1\n/react ✅ m2\n", agent="luis")
    assert "Case #1" in out and "done by luis on #1" in out


def test_console_shows_a_ping_and_marks_it_done(tmp_path: Path) -> None:
    script = "My order 12 never arrived!\n/react ✅ m4\n/complaint due all\n"
    out = run_console(tmp_path, script, SERENO_FIRST_RESPONSE="0s")
    assert re.search(r"^\[m4\] Sereno \(#1\) › @agents ⏰ First response due · #1", out, re.M)
    assert "first-response reminder for #1 done." in out
    assert "Nothing is due." in out
