"""Forgiving commands in a real `sereno console` process, as an agent sees them (issue 13
item 6): `show 2` for `show #2`, a did-you-mean for a typo, `done N` ticking the step
the playbook listing numbered N, a timeline in sentences, `/react` on a missing message."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_console import run_console

FIRST = """\
/as Lucía
My order 5521 arrived broken and nobody answers my emails. I want a refund.
/as John
The app logged me out twice today and I lost my basket, this is useless!!!
/complaint show 2
/complaint shwo 1
/complaint dne 1
/complaint flag 1 refused
/complaint playbook 1
"""
NOTE = (
    "called Lucía at 10:40: she accepts a refund of 25 EUR on the card she paid with, not "
    "store credit; the courier says the parcel is in Zaragoza; I call back tomorrow at noon"
)


def test_an_agent_is_understood_when_they_type_as_people_do(tmp_path: Path) -> None:
    out = run_console(tmp_path, FIRST)
    assert re.search(r"^\(only you\) Sereno › Case #2 · ", out, re.M)  # `show 2` = `show #2`
    assert "Sereno › ⚠ I don't know 'shwo'. Did you mean `show`? /complaint show [#case]" in out
    assert "Sereno › ⚠ I don't know 'dne'. Did you mean `done`? /complaint done [#case]" in out
    listing = out.split("Playbook '")[1]
    numbered = dict(re.findall(r"^  ☐ (\d+)\. ([\w-]+) — ", listing, re.M))
    assert len(numbered) >= 3, listing
    last = str(len(numbered))  # the step `flag refused` added, last in the case

    out = run_console(tmp_path, f"/complaint done #1 {last}\n/complaint show 1\n")
    assert f"Step '{numbered[last]}' done by ana on #1" in out
    shown = out.split("Complaint by Lucía:")[1]
    assert re.search(rf"^  {last}\. {numbered[last]}: done by ana via command", shown, re.M)
    assert len(re.findall(r": done by ", shown)) == 1

    out = run_console(tmp_path, f"/complaint note 1 {NOTE}\n")
    assert "Sereno › ⚠ Which case?" in out  # a number starting a note is the note's, not #1
    out = run_console(tmp_path, f"/complaint note #1 {NOTE}\n/complaint timeline 1\n")
    timeline = out.split("Timeline of #1:")[1].splitlines()[1:]
    said = [re.sub(r"^  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ ", "", line) for line in timeline]
    assert said[0] == "Sereno opened the case from Lucía's message", timeline
    assert [s for s in said if s.startswith("ana flagged the case as refused")], timeline
    assert said[-2].startswith("ana marked “") and said[-2].endswith("” done with a command")
    assert said[-1] == f"ana added a note: {NOTE}"
    assert not [line for line in said if re.search(r"\w+=\S|\b[a-z]+_[a-z_]+\b", line)]


def test_a_reaction_on_a_message_that_does_not_exist_says_so(tmp_path: Path) -> None:
    script = "My order 12 never arrived!\n/react ✅ m999\n/unreact ✅ m999\n/react ✅ m2\n"
    out = run_console(tmp_path, script)
    assert out.count("There is no message m999. Each of Sereno's messages starts with") == 2
    assert "(/complaint show #N shows a case's steps)" in out
    assert "done by ana on #1" in out  # a real reference still works after it
