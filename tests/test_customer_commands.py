"""A customer can never list, show, export or change other cases: every subcommand in the
command table, run as a customer, is refused politely (only `help` answers, and it names
no case), and a customer's ✅ marks nothing. Exporting every case is for the lead alone.

The subcommands come from `commands.USAGE`, so a new one is covered without editing this.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.core.base.model import Actor, StepState
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.commands.interactions import on_button, on_reaction
from bot.core.commands.language import USAGE
from bot.settings import Settings
from bot.wiring import App, build
from tests.conftest import AGENT, LEAD, LUCIA, complaint
from tests.support import FakeClock

OTHERS = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
OWN = "The invoice 7781 charges me twice for one month, fix it now!!!"
JOHN = Actor("test", "U-john", "John")  # a customer, with a case of his own (#2)
#: What each subcommand is tried with: nothing, another's case, a step, filters, formats.
TAILS = ("", " #1", " #1 1", " #1 all", " #1 csv", " all", " csv", " 7d", " #1 in 3 days")


def snapshot(app: App) -> dict[str, Any]:
    """Everything a command could change or cause: cases, steps, timelines, the outbox."""
    return {
        "cases": [app.store.get_case(n) for n in (1, 2)],
        "steps": [app.store.steps(n) for n in (1, 2)],
        "events": [len(app.store.events(n)) for n in (1, 2)],
        "outbox": len(list(app.store.db.query("SELECT id FROM outbox"))),
        "reminders": [app.store.reminders_for(n, open_only=False) for n in (1, 2)],
    }


@pytest.fixture
def cases(app: App) -> App:
    assert app.engine.open_case(complaint(OTHERS, "m-1", LUCIA)) is not None
    assert app.engine.open_case(complaint(OWN, "m-2", JOHN)) is not None
    return app


def places(app: App) -> list[Context]:
    """In the channel, inside the other customer's thread, inside his own."""
    threads = [None, *(case.thread_id for n in (1, 2) if (case := app.store.get_case(n)))]
    return [Context(JOHN, "test", "C1", thread, bare_names=False) for thread in threads]


@pytest.mark.parametrize("name", sorted(USAGE))
def test_no_subcommand_shows_or_changes_another_case_for_a_customer(cases: App, name: str) -> None:
    before = snapshot(cases)
    for where in places(cases):
        for tail in TAILS:
            reply = run(cases.engine, cases.times, name + tail, where)
            said = f"/complaint {name}{tail} in {where.thread_id}: {reply.text!r}"
            assert reply.ok is (name == "help"), said
            assert "Lucía" not in reply.text and "5521" not in reply.text, said
            assert not re.search(r"#[12]\b", reply.text), said  # no case is named
    assert snapshot(cases) == before


def test_a_customers_check_mark_and_buttons_change_nothing(cases: App) -> None:
    step = next(i for i in cases.store.outbox_for_case(1) if i.card.kind == "step")
    cases.store.mark_outbox_sent(step.id, "m-step", cases.engine.clock.now())
    before = snapshot(cases)["steps"]
    for customer in (JOHN, LUCIA):  # another customer, and the case's own
        reply = on_reaction(cases.engine, "test", "m-step", "✅", customer, added=True)
        assert reply is not None and not reply.ok
        assert not on_button(cases.engine, "sereno:step-done", f"1:{step.step_id}", customer).ok
        assert not on_button(cases.engine, "sereno:resolve", "1", customer).ok
    assert snapshot(cases)["steps"] == before
    assert cases.store.steps(1)[0].state is StepState.PENDING
    ignored = [e for e in cases.store.events(1) if e.kind.value == "reaction_ignored"]
    # each ignored ✅ is on the timeline, not lost
    assert [e.actor_id for e in ignored] == ["test:U-john", "test:U-lucia"]


def test_exporting_every_case_is_for_the_lead_alone(cases: App) -> None:
    here = Context(AGENT, "test", "C1")
    for text in ("export", "export csv", "export csv 7d"):
        refused = run(cases.engine, cases.times, text, here)
        assert not refused.ok and "Only the team lead can export every case" in refused.text
    assert run(cases.engine, cases.times, "export #1 md", here).ok  # one case: any agent
    assert run(cases.engine, cases.times, "export csv", Context(LEAD, "test", "C1")).ok


def test_the_configured_lead_is_known_to_the_core_without_the_adapter(tmp_path: Path) -> None:
    settings = Settings.from_env({"SERENO_DB": str(tmp_path / "x.db"), "SERENO_SLACK_LEAD": "U1"})
    app = build(settings, clock=FakeClock())
    try:
        lead = Actor("slack", "U1", "lea", is_agent=True)
        assert app.engine.is_lead(lead)
        assert not app.engine.is_lead(Actor("slack", "U1", "lea"))  # not an agent: no lead
        assert not app.engine.is_lead(Actor("discord", "U1", "lea", is_agent=True))
        assert run(app.engine, app.times, "export", Context(lead, "slack", "C1")).ok
    finally:
        app.close()
