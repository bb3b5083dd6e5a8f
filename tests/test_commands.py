"""The command language: parsing hostile input and running every subcommand."""

from __future__ import annotations

import pytest

from bot.core.base.model import Status, StepState
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.commands.language import USAGE, CommandError, parse
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, complaint
from tests.support import FakeClock

HOSTILE = [
    "",
    " ",
    "/complaint",
    "x" * 10_000,
    "🔥" * 500,
    "'; DROP TABLE cases; --",
    "done #1 '; DELETE FROM events; --",
    "note #1 \x00\x01\x02",
    "show #99999999999",
    "show #-1",
    "show #abc",
    "assign #1",
    "assign #1 <@>",
    "followup #1 ayer",
    "followup #1 when pigs fly",
    "followup #1",
    "done",
    "done #1 999",
    "frobnicate",
    "LIST ALL",
    "list sideways",
    "help nonsense",
    "💩 #1",
    "note",
    "flag #1 evil",
    "/complaint ​done #1 pause",
    "suggest #1 nope",
    "reopen #1",
    "close #1",
    "%s%s%n",
    "{customer} {0} {__class__}",
    "done #1 ../../etc/passwd",
]


def ctx(thread: str | None = None) -> Context:
    return Context(AGENT, "test", "C1", thread)


def test_parser_reads_case_refs_and_aliases() -> None:
    cmd = parse("/complaint done #12 pause")
    assert (cmd.name, cmd.case_id, cmd.args) == ("done", 12, "pause")
    assert parse("let-go #3 no agreement").name == "letgo"
    assert parse("").name == "help"
    assert parse("note hello #3").case_id is None


@pytest.mark.parametrize("text", ["frobnicate", "x" * 10_000, "🔥" * 500, "DROP TABLE"])
def test_parser_refuses_politely(text: str) -> None:
    with pytest.raises(CommandError) as exc:
        parse(text)
    assert len(str(exc.value)) < 300


def test_hostile_input_never_raises_and_never_corrupts(app: App) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!"))
    assert case is not None
    for text in HOSTILE:
        reply = run(app.engine, app.times, text, ctx())
        assert reply.text and len(reply.text) < 4000 and "Traceback" not in reply.text
    assert app.store.db["cases"].count == 1
    assert app.store.db["events"].count >= 1


def test_sql_metacharacters_are_stored_literally(app: App) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!"))
    assert case is not None
    text = '\'); DROP TABLE cases; -- "quoted" %_'
    assert run(app.engine, app.times, f"note #{case.id} {text}", ctx()).ok
    assert app.store.events(case.id)[-1].details["text"] == text


def test_case_is_implied_inside_its_thread(app: App) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!"))
    assert case is not None
    reply = run(app.engine, app.times, "done 1", ctx(thread=case.thread_id))
    assert reply.ok and app.store.steps(case.id)[0].state is StepState.DONE
    outside = run(app.engine, app.times, "done 1", ctx())
    assert not outside.ok and "Which case?" in outside.text


def test_customers_cannot_run_agent_commands(app: App) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!"))
    assert case is not None
    reply = run(app.engine, app.times, f"resolve #{case.id}", Context(LUCIA, "test", "C1"))
    assert not reply.ok
    assert run(app.engine, app.times, "help", Context(LUCIA, "test", "C1")).ok
    stored = app.store.get_case(case.id)
    assert stored is not None and stored.status is Status.NEW


def test_every_subcommand_runs(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!"))
    assert case is not None
    script = [
        "claim",
        "assign <@U9|marta>",
        "done 1",
        "undo 1",
        "skip 1",
        "note called",
        "followup in 3 days call back",
        "flag refused",
        "suggest",
        "suggest let-go",
        "show",
        "playbook",
        "timeline",
        "resolve fixed",
        "close",
        "reopen again",
        "letgo no deal",
    ]
    for text in script:
        name, _, rest = text.partition(" ")
        reply = run(app.engine, app.times, f"{name} #{case.id} {rest}", ctx())
        assert reply.ok, (text, reply.text)
    assert run(app.engine, app.times, "list all", ctx()).text.startswith(f"#{case.id}")
    assert run(app.engine, app.times, "help", ctx()).text.count("/complaint") == len(USAGE)
    stored = app.store.get_case(case.id)
    assert stored is not None and stored.status is Status.LET_GO


def test_followup_in_the_past_or_unreadable_is_refused_with_examples(app: App) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!"))
    assert case is not None
    for when in ("yesterday", "ayer", "la semana pasada tal vez", "blah"):
        reply = run(app.engine, app.times, f"followup #{case.id} {when}", ctx())
        assert not reply.ok and "in 3 days" in reply.text
    ok = run(app.engine, app.times, f"followup #{case.id} mañana a las 10 llamar", ctx())
    assert ok.ok, ok.text
    stored = app.store.get_case(case.id)
    assert stored is not None and stored.followup_at is not None


def test_list_filters(app: App) -> None:
    a = app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    b = app.engine.open_case(complaint("Mi factura está mal", "m-2", channel="C2"))
    assert a and b
    app.engine.claim(a, AGENT)
    mine = run(app.engine, app.times, "list mine", ctx()).text
    assert mine.startswith(f"#{a.id}") and f"#{b.id} " not in mine
    here = run(app.engine, app.times, "list here", ctx()).text
    assert f"#{b.id} " not in here
    assert run(app.engine, app.times, "list overdue", ctx()).text == "No cases match."
