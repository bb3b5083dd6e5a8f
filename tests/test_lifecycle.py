"""Life-cycle fixes (issue 13 item 4): post-resolution steps after resolving, `dismiss`,
a customer's new top-level message joining their open case and `split`, reopen that
keeps header, steps and records consistent, and one reply suggestion per decision.
Real SQLite files and a fixed clock."""

from __future__ import annotations

from datetime import timedelta

from bot.core.base.case import Case, EventKind
from bot.core.base.model import Actor, Status, StepState, Via
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records import formats, team_report
from bot.core.records.csv_rows import CASE_COLUMNS, case_row
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, complaint
from tests.support import FakeClock

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
LATER = "Also my second order 7788 never came at all, this is a separate problem!"
PEDRO = Actor("test", "U-pedro", "Pedro")


def fresh(app: App, case_id: int) -> Case:
    case = app.store.get_case(case_id)
    assert case is not None
    return case


def opened(app: App, text: str = EN, message_id: str = "m-1", **kw: object) -> Case:
    case = app.engine.open_case(complaint(text, message_id, **kw))  # type: ignore[arg-type]
    assert case is not None
    return case


def command(app: App, text: str, thread: str | None = None) -> str:
    reply = run(app.engine, app.times, text, Context(AGENT, "test", "C1", thread))
    assert reply.ok, reply.text
    return reply.text


def posted(app: App, case_id: int) -> list[tuple[str, str | None, str]]:
    """(kind, step id, title) of every new post (edits left out) of a case, in order."""
    return [
        (i.card.kind, i.step_id, i.card.title)
        for i in app.store.outbox_for_case(case_id)
        if i.edit_of is None
    ]


def header_now(app: App, case_id: int) -> str:
    """The 'now:' part of the header's latest version."""
    last = [i for i in app.store.outbox_for_case(case_id) if i.card.kind == "header"][-1]
    line = next(x for x in last.card.lines if "now:" in x)
    return line.split("now:")[1].split("·")[0].strip()


# -- post-resolution steps ----------------------------------------------------------------


def test_post_resolution_steps_are_marked_after_resolving_others_still_need_a_reopen(
    app: App,
) -> None:
    case = opened(app)
    command(app, f"resolve #{case.id} replaced")
    for step in ("document", "follow-up", "show-resolution", "share-improvements"):
        reply = app.engine.set_step(fresh(app, case.id), step, StepState.DONE, AGENT, Via.COMMAND)
        assert reply.ok, reply.text
    states = {s.step_id: s.state for s in app.store.steps(case.id)}
    assert states["document"] is StepState.DONE and states["share-improvements"] is StepState.DONE
    refused = app.engine.set_step(fresh(app, case.id), "solve", StepState.DONE, AGENT, Via.COMMAND)
    assert not refused.ok and "reopen it first" in refused.text
    assert fresh(app, case.id).status is Status.RESOLVED  # marking reopens nothing
    command(app, f"close #{case.id}")
    assert "Step 'offer-more' skipped" in command(app, f"skip #{case.id} offer-more")


def test_a_let_go_case_takes_no_step(app: App) -> None:
    case = opened(app)
    command(app, f"letgo #{case.id} no deal")
    reply = app.engine.set_step(fresh(app, case.id), "document", StepState.DONE, AGENT, Via.COMMAND)
    assert not reply.ok and "reopen it first" in reply.text


# -- dismiss ------------------------------------------------------------------------------


def test_dismiss_closes_without_a_word_to_the_customer_and_reopen_undoes_it(
    app: App, clock: FakeClock
) -> None:
    case = opened(app, "thanks!")
    before = posted(app, case.id)
    clock.advance(minutes=1)
    answer = command(app, f"dismiss #{case.id} just a thank-you")
    assert "dismissed by ana: not a complaint" in answer and "`reopen` undoes it" in answer
    dismissed = fresh(app, case.id)
    assert dismissed.status is Status.DISMISSED and dismissed.closed_at == clock.now()
    assert posted(app, case.id) == before  # no suggestion, no goodbye: only the header edit
    pending = app.store.db.query(
        "SELECT * FROM reminders WHERE case_id = ? AND status = 'pending'", [case.id]
    )
    assert list(pending) == []
    [event] = [e for e in app.store.events(case.id) if e.kind is EventKind.DISMISSED]
    assert event.details["text"] == "just a thank-you"
    report = formats.case_report(app.store, case.id, clock.now())
    assert report["outcome"]["result"] == "dismissed" and report["outcome"]["by"] == "ana"
    assert not run(app.engine, app.times, f"dismiss #{case.id}", Context(AGENT, "test", "C1")).ok
    command(app, f"reopen #{case.id} it was a complaint after all")
    back = fresh(app, case.id)
    assert back.status is Status.IN_PROGRESS and back.closed_at is None
    assert "reopened" not in back.flags and "reconsidered" not in back.flags


def test_dismissed_messages_are_left_out_of_the_team_report_and_shown_apart(
    app: App, clock: FakeClock
) -> None:
    real = opened(app)
    stray = opened(app, "clear", "m-2", author=PEDRO)
    thanks = opened(app, "thanks!", "m-3", author=PEDRO, channel="C2")
    command(app, f"resolve #{real.id}")
    command(app, f"dismiss #{stray.id}")
    command(app, f"dismiss #{thanks.id}")
    start, end = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    report = team_report.compute(app.store, start, end, clock.now())
    assert (report.opened, report.resolved, report.let_go, report.still_open) == (1, 1, 0, 0)
    assert report.dismissed == 2 and report.by_channel == (("C1", 1),)
    text = team_report.render_text(report)
    assert "2 dismissed as not complaints, left out of these figures" in text
    assert "0 let go" in text
    history = app.store.customer_history("test", PEDRO.user_id, None)
    assert history["total"] == 0  # a dismissed message is no earlier complaint


def test_dismissed_cases_are_listed_by_their_status(app: App) -> None:
    case = opened(app)
    command(app, f"dismiss #{case.id}")
    assert command(app, "list dismissed").startswith(f"#{case.id}")
    assert f"#{case.id}" not in command(app, "list")


# -- a customer who writes again, and split -----------------------------------------------


def test_a_new_top_level_message_joins_the_customers_open_case_in_that_channel(
    app: App, clock: FakeClock
) -> None:
    case = opened(app)
    clock.advance(minutes=5)
    assert app.engine.open_case(complaint(LATER, "m-2")) is None
    assert [c.id for c in app.store.list_cases(_all())] == [case.id]
    joined = app.store.events(case.id)[-1]
    assert joined.kind is EventKind.CUSTOMER_MESSAGE and joined.details["joined"] is True
    assert joined.details["text"] == LATER and joined.details["message_id"] == "m-2"
    kind, _, title = posted(app, case.id)[-1]
    assert (
        kind == "notice"
        and title == f"Lucía Pérez wrote again outside the thread: added to #{case.id}"
    )
    notice = app.store.outbox_for_case(case.id)[-1].card
    assert notice.quote == LATER and f"/complaint split #{case.id}" in notice.lines[0]


def test_another_channel_another_customer_or_a_closed_case_open_a_case(app: App) -> None:
    first = opened(app)
    other_channel = opened(app, LATER, "m-2", channel="C2")
    other_customer = opened(app, LATER, "m-3", author=PEDRO)
    command(app, f"resolve #{first.id}")
    after_resolving = opened(app, LATER, "m-4")
    ids = {first.id, other_channel.id, other_customer.id, after_resolving.id}
    assert len(ids) == 4


def test_split_opens_the_joined_message_as_a_case_of_its_own(app: App, clock: FakeClock) -> None:
    case = opened(app)
    clock.advance(minutes=5)
    app.engine.open_case(complaint(LATER, "m-2"))
    clock.advance(minutes=1)
    answer = command(app, "split", thread=case.thread_id)
    [new] = [c for c in app.store.list_cases(_all()) if c.id != case.id]
    assert (
        answer == f"Split off from #{case.id}: the customer's latest message is case #{new.id} now."
    )
    assert (new.message_id, new.text, new.customer_id) == ("m-2", LATER, LUCIA.user_id)
    assert new.reading.order_ref == "7788" and new.thread_id == "m-2"
    assert [k for k, _, _ in posted(app, new.id)][:3] == ["header", "step", "suggestion"]
    [mark] = [e for e in app.store.events(case.id) if e.kind is EventKind.SPLIT]
    assert mark.details == {"message_id": "m-2", "case": new.id} and mark.actor_name == "ana"
    [origin] = [e for e in app.store.events(new.id) if e.kind is EventKind.SPLIT]
    assert origin.details["from_case"] == case.id
    assert posted(app, case.id)[-1][2] == f"Split off by ana: that message is case #{new.id} now."
    again = run(app.engine, app.times, f"split #{case.id}", Context(AGENT, "test", "C1"))
    assert not again.ok and "no message to split off" in again.text
    assert app.engine.open_case(complaint("And a third thing!!", "m-3")) is None  # joins #new
    assert app.store.events(new.id)[-1].details.get("joined") is True


def _all():  # type: ignore[no-untyped-def]
    from bot.core.base.store_port import CaseQuery

    return CaseQuery(limit=100)


# -- reopen -------------------------------------------------------------------------------


def test_reopening_a_resolved_case_makes_the_reopened_step_current_everywhere(
    app: App, clock: FakeClock
) -> None:
    case = opened(app)
    command(app, f"done #{case.id} 1")
    command(app, f"resolve #{case.id} replaced")
    clock.advance(hours=1)
    command(app, f"close #{case.id}")
    clock.advance(hours=1)
    command(app, f"reopen #{case.id} broken again")
    assert header_now(app, case.id) == "reopened"
    pending = [s.step_id for s in app.store.steps(case.id) if s.state is StepState.PENDING]
    assert pending[0] == "reopened"
    kind, step_id, title = posted(app, case.id)[-1]
    assert (kind, step_id) == ("step", "reopened") and "the fix didn't hold" in title
    assert title.startswith("Step 2/")  # numbered where it stands now: after the one done
    back = fresh(app, case.id)
    assert back.closed_at is None and back.resolved_at is None
    report = formats.case_report(app.store, case.id, clock.now())
    assert report["case"]["closed_at"] is None and report["case"]["resolved_at"] is None
    assert report["outcome"]["result"] == "open"
    row = dict(zip(CASE_COLUMNS, case_row(app.store, back, clock.now()), strict=True))
    assert row["status"] == "in_progress" and row["resolved_at"] is None
    assert "**Closed:** —" in formats.render_markdown(report)


def test_reopening_after_a_let_go_offers_another_chance_not_a_failed_fix(app: App) -> None:
    case = opened(app)
    command(app, f"letgo #{case.id} no deal")
    command(app, f"reopen #{case.id} they called back")
    back = fresh(app, case.id)
    assert "reconsidered" in back.flags and "reopened" not in back.flags
    assert header_now(app, case.id) == "reconsidered"
    kind, step_id, title = posted(app, case.id)[-1]
    assert (kind, step_id) == ("step", "reconsidered")
    assert "fix" not in title.lower() and "another chance" in title
    assert "reopened" not in {s.step_id for s in app.store.steps(case.id)}


# -- one suggestion per decision ----------------------------------------------------------


def test_the_goodbye_is_posted_once_after_flag_refused_and_letgo(app: App) -> None:
    case = opened(app)
    command(app, f"flag #{case.id} refused")
    command(app, f"letgo #{case.id} nothing satisfies")
    goodbyes = [s for k, s, _ in posted(app, case.id) if k == "suggestion" and s == "let-go"]
    assert goodbyes == ["let-go"]


def test_letgo_alone_still_posts_the_goodbye(app: App) -> None:
    case = opened(app)
    command(app, f"letgo #{case.id}")
    assert [s for k, s, _ in posted(app, case.id) if k == "suggestion"][-1] == "let-go"


def test_a_new_let_go_after_a_reopen_is_a_new_decision_with_its_goodbye(
    app: App, clock: FakeClock
) -> None:
    case = opened(app)
    command(app, f"letgo #{case.id} no deal")
    clock.advance(minutes=5)
    command(app, f"reopen #{case.id} they called back")
    clock.advance(minutes=5)
    command(app, f"letgo #{case.id} still no deal")
    goodbyes = [s for k, s, _ in posted(app, case.id) if k == "suggestion" and s == "let-go"]
    assert goodbyes == ["let-go", "let-go"]
