"""Life-cycle fixes in a real `sereno console` process, as an agent sees them (issue 13
item 4): a customer's second message joins their open case and `split` makes it a case of
its own; `dismiss` closes a stray "thanks!" without a reply and the team report counts it
apart; post-resolution steps are marked after resolving; reopening makes the reopened
step the current one in the header and the export shows no closed date."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_console import run_console

FIRST = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
LATER = "Also my other order 7788 never came at all, that is a different problem!"
SCRIPT = f"""\
/as Lucía
{FIRST}
{LATER}
/complaint split #1
/as Pedro
thanks!
/complaint dismiss #3 just a thank-you
/complaint resolve #1 replaced
/complaint done #1 document
/complaint reopen #1 broken again
/complaint report 7d
/complaint export #1 md
/complaint list dismissed
"""


def test_join_split_dismiss_and_reopen_in_the_console(tmp_path: Path) -> None:
    out = run_console(tmp_path, SCRIPT)
    # The second message joins case #1: its thread says so, and how to split it off.
    assert re.search(
        r"^\[m\d+\] Sereno \(#1\) › Lucía wrote again outside the thread: added to #1$", out, re.M
    )
    assert "`/complaint split #1` makes it a case of its own." in out
    assert "(case #2 opened" not in out  # no second case until an agent splits it
    assert "Split off from #1: the customer's latest message is case #2 now." in out
    header_2 = re.search(r"^\[m\d+\] Sereno \(#2\) › Case #2 · .*$", out, re.M)
    assert header_2, out
    assert "7788" in out.split(header_2.group(0))[1].split("Sereno (#1)")[0]
    assert re.search(
        r"^\[m\d+\] Sereno \(#1\) › Split off by ana: that message is case #2 now\.$", out, re.M
    )
    # "thanks!" is dismissed: no goodbye to the customer, and the report counts it apart.
    dismissed = out.split("#3 dismissed by ana: not a complaint.")[1]
    assert not re.search(r"^\[m\d+\] Sereno \(#3\) › Suggested reply", dismissed, re.M)
    assert "Status: dismissed" in dismissed.split("\n", 2)[1]
    report = out.split("📊 Team report")[1]
    assert "2 opened · 0 resolved · 0 let go · 2 still open" in report
    assert "1 dismissed as not a complaint, left out of these figures" in report
    # After resolving, a post-resolution step is marked without reopening.
    assert "✓ Step 'document' done by ana on #1." in out and "reopen it first" not in out
    # Reopened: the header's "now:" is the reopened step, the step posted says so.
    reopened = out.split("#1 reopened by ana.")[1]
    assert re.search(r"^\[m1 updated\] .*▸ now: reopened · .*Status: in progress", reopened, re.M)
    assert re.search(
        r"^\[m\d+\] Sereno \(#1\) › Step 1/\d+ · Reopened: the fix didn't hold", reopened, re.M
    )
    # The export of the in-progress case shows no closed or resolved date.
    report_md = (tmp_path / "sereno-files" / "case-1.md").read_text(encoding="utf-8")
    assert "**Status:** in progress · **Outcome:** open" in report_md
    assert "**Resolved:** — · **Closed:** —" in report_md
    listed = out.rsplit("(only you) Sereno › ", 1)[1]  # the last answer: list dismissed
    assert listed.startswith("#3 · ") and "#1 · " not in listed
