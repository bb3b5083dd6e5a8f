"""The case engine: opening, lifecycle, steps, permissions, timeline."""

from __future__ import annotations

import pytest

from bot.core.base.case import EventKind
from bot.core.base.model import Actor, Incoming, Status, StepState, Via
from bot.core.commands.interactions import on_button, on_reaction
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, OTHER_AGENT, complaint
from tests.support import FakeClock

ES = "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! Quiero mi dinero."
EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."


def kinds(app: App, case_id: int) -> list[EventKind]:
    return [e.kind for e in app.store.events(case_id)]


def test_opening_is_idempotent_on_the_platform_message(app: App) -> None:
    first = app.engine.open_case(complaint(ES))
    again = app.engine.open_case(complaint(ES))
    assert first is not None and again is None
    assert len(app.store.list_cases(app_query())) == 1


def test_same_event_delivered_twice_opens_one_case(app: App) -> None:
    assert app.engine.open_case(complaint(ES, "m-1", event_id="Ev1")) is not None
    assert app.engine.open_case(complaint(ES, "m-2", event_id="Ev1")) is None


def test_opening_posts_header_first_step_and_first_suggestion_only(app: App) -> None:
    case = app.engine.open_case(complaint(ES))
    assert case is not None
    items = app.store.outbox_for_case(case.id)
    assert [i.card.kind for i in items] == ["header", "step", "suggestion"]
    assert items[0].card.title.startswith(f"Case #{case.id} · delivery")
    assert "(es)" in items[2].card.title and items[2].card.quote
    assert kinds(app, case.id) == [EventKind.OPENED]


def test_reading_is_stored_with_the_case(app: App) -> None:
    case = app.engine.open_case(complaint(ES))
    assert case is not None
    stored = app.store.get_case(case.id)
    assert stored is not None
    assert stored.reading == case.reading
    assert stored.reading.language == "es" and stored.reading.order_ref == "48213"


def test_step_done_records_who_how_when_and_unfolds_the_next(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(ES))
    assert case is not None
    first, second = app.store.steps(case.id)[:2]
    clock.advance(minutes=2)
    reply = app.engine.set_step(case, first.step_id, StepState.DONE, AGENT, Via.COMMAND)
    assert reply.ok
    done = app.store.steps(case.id)[0]
    assert (done.state, done.actor_name, done.via, done.at) == (
        StepState.DONE,
        "ana",
        Via.COMMAND,
        clock.now(),
    )
    # the first steps share one "Before you answer" card (issue 13): it stays until all of
    # them are worked, and the header counts them
    step_items = [i for i in app.store.outbox_for_case(case.id) if i.card.kind == "step"]
    assert [i.step_id for i in step_items] == [first.step_id]
    assert second.step_id == "listen"
    updated = app.store.get_case(case.id)
    assert updated is not None
    assert updated.status is Status.IN_PROGRESS and updated.first_response_at == clock.now()
    edits = [i for i in app.store.outbox_for_case(case.id) if i.edit_of is not None]
    assert edits and "☐ before-answer 1/" in "\n".join(edits[-1].card.lines)
    app.engine.set_step(case, "listen", StepState.DONE, AGENT, Via.COMMAND)
    app.engine.set_step(case, "find-reason", StepState.DONE, AGENT, Via.COMMAND)
    remaining = [s.step_id for s in app.store.steps(case.id) if s.state is StepState.PENDING]
    for step_id in remaining[: remaining.index("apologize")]:  # a tip for the kind, if read
        app.engine.set_step(case, step_id, StepState.DONE, AGENT, Via.COMMAND)
    step_items = [i for i in app.store.outbox_for_case(case.id) if i.card.kind == "step"]
    assert [i.step_id for i in step_items] == [first.step_id, "apologize"]


def test_step_by_number_undo_and_skip(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    assert app.engine.set_step(case, "1", StepState.SKIPPED, AGENT, Via.COMMAND).ok
    assert app.store.steps(case.id)[0].state is StepState.SKIPPED
    assert app.engine.set_step(case, "1", StepState.PENDING, AGENT, Via.COMMAND).ok
    assert app.store.steps(case.id)[0].state is StepState.PENDING
    bad = app.engine.set_step(case, "no-such-step", StepState.DONE, AGENT, Via.COMMAND)
    assert not bad.ok and "no step" in bad.text
    assert kinds(app, case.id)[1:] == [EventKind.STEP_SKIPPED, EventKind.STEP_UNDONE]


def test_reaction_marks_and_removing_it_undoes(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    step_item = next(i for i in app.store.outbox_for_case(case.id) if i.card.kind == "step")
    app.store.mark_outbox_sent(step_item.id, "ts-step-1", app.engine.clock.now())
    reply = on_reaction(app.engine, "test", "ts-step-1", "white_check_mark", AGENT, True)
    assert reply is not None and reply.ok
    assert app.store.steps(case.id)[0].via is Via.REACTION
    on_reaction(app.engine, "test", "ts-step-1", "white_check_mark", AGENT, False)
    assert app.store.steps(case.id)[0].state is StepState.PENDING
    assert on_reaction(app.engine, "test", "ts-step-1", "tada", AGENT, True) is None


def test_customer_and_non_agents_cannot_work_the_case(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    step_item = next(i for i in app.store.outbox_for_case(case.id) if i.card.kind == "step")
    app.store.mark_outbox_sent(step_item.id, "ts-1", app.engine.clock.now())
    reply = on_reaction(app.engine, "test", "ts-1", "✅", LUCIA, True)
    assert reply is not None and not reply.ok
    assert app.store.steps(case.id)[0].state is StepState.PENDING
    assert EventKind.REACTION_IGNORED in kinds(app, case.id)
    agent_customer = Actor("test", LUCIA.user_id, LUCIA.name, is_agent=True)
    assert app.engine.check_agent(case, agent_customer) is not None


def test_lifecycle_and_refused_transitions(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    refused = app.engine.transition(case, AGENT, Status.CLOSED, "close")
    assert not refused.ok and "resolve it first" in refused.text
    assert app.engine.transition(case, AGENT, Status.RESOLVED, "resolve").ok
    case = app.store.get_case(case.id)
    assert case is not None
    assert not app.engine.transition(case, AGENT, Status.LET_GO, "let go").ok
    assert app.engine.transition(case, AGENT, Status.CLOSED, "close").ok
    case = app.store.get_case(case.id)
    assert case is not None and case.status is Status.CLOSED and case.closed_at
    assert app.engine.transition(case, AGENT, Status.IN_PROGRESS, "reopen").ok
    case = app.store.get_case(case.id)
    assert case is not None and case.status is Status.IN_PROGRESS and "reopened" in case.flags
    assert kinds(app, case.id)[-3:] == [EventKind.CLOSED, EventKind.REOPENED, EventKind.FLAG_SET]


def test_let_go_posts_the_let_go_reply_and_cancels_reminders(app: App) -> None:
    case = app.engine.open_case(complaint(ES))
    assert case is not None
    assert app.engine.transition(case, AGENT, Status.LET_GO, "let go", "nothing satisfies").ok
    last = app.store.outbox_for_case(case.id)[-1]
    assert last.card.kind == "suggestion" and last.step_id == "let-go"
    pending = list(
        app.store.db.query(
            "SELECT * FROM reminders WHERE case_id = ? AND status = 'pending'", [case.id]
        )
    )
    assert pending == []


def test_flag_refused_unlocks_the_let_go_step(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    assert "let-go" not in {s.step_id for s in app.store.steps(case.id)}
    assert app.engine.flag(case, AGENT, "refused").ok
    assert "let-go" in {s.step_id for s in app.store.steps(case.id)}
    assert app.store.outbox_for_case(case.id)[-2].step_id == "let-go"
    assert not app.engine.flag(case, AGENT, "nonsense").ok


def test_claim_assign_note_and_thread_messages_on_the_timeline(app: App) -> None:
    case = app.engine.open_case(complaint(ES))
    assert case is not None
    assert app.engine.claim(case, AGENT).ok
    assert app.engine.claim(case, AGENT, OTHER_AGENT).ok
    assert app.engine.note(case, AGENT, "llamé; reembolso aprobado").ok
    reply = Incoming(
        "test", "C1", "m-2", LUCIA, "SIGO ESPERANDO!!! Es una VERGÜENZA, idiotas", case.thread_id
    )
    app.engine.conversation.record_thread_message(reply)
    events = app.store.events(case.id)
    assert [e.kind for e in events][1:5] == [
        EventKind.CLAIMED,
        EventKind.ASSIGNED,
        EventKind.NOTE,
        EventKind.CUSTOMER_MESSAGE,
    ]
    assert events[2].details["assignee"] == "luis" and events[2].actor_name == "ana"
    assert EventKind.ANGER_RISING in [e.kind for e in events]


def test_edits_and_deletes_are_recorded_not_applied(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    app.engine.conversation.record_edit("test", "C1", "m-1", None, "never mind", EN, LUCIA)
    app.engine.conversation.record_delete("test", "C1", "m-1", None, LUCIA)
    stored = app.store.get_case(case.id)
    assert stored is not None and stored.text == EN
    assert kinds(app, case.id)[-2:] == [EventKind.MESSAGE_EDITED, EventKind.MESSAGE_DELETED]


def test_buttons(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    first = app.store.steps(case.id)[0].step_id
    assert on_button(app.engine, "sereno:step-done", f"{case.id}:{first}", AGENT).ok
    assert on_button(app.engine, "sereno:claim", str(case.id), AGENT).ok
    assert not on_button(app.engine, "sereno:claim", "999", AGENT).ok
    assert not on_button(app.engine, "sereno:nope", str(case.id), AGENT).ok
    assert not on_button(app.engine, "sereno:claim", str(case.id), LUCIA).ok
    assert app.store.steps(case.id)[0].via is Via.BUTTON


def test_timeline_is_append_only(app: App) -> None:
    import sqlite3

    case = app.engine.open_case(complaint(EN))
    assert case is not None
    with pytest.raises(sqlite3.IntegrityError):
        app.store.db.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError):
        app.store.db.execute("UPDATE events SET kind = 'x'")


def test_history_marks_a_repeat_customer(app: App) -> None:
    for n in range(4):
        case = app.engine.open_case(complaint(EN, f"m-{n}"))
        assert case is not None
        app.engine.transition(case, AGENT, Status.LET_GO, "let go")
    latest = app.engine.open_case(complaint(EN, "m-9"))
    assert latest is not None
    assert latest.reading.history.earlier_cases == 4 and latest.reading.history.let_go == 4
    assert latest.reading.history.chronic


def app_query():  # type: ignore[no-untyped-def]
    from bot.core.base.store_port import CaseQuery

    return CaseQuery()


def test_first_response_time_is_kept_when_acting_on_an_old_copy(app: App, clock: FakeClock) -> None:
    stale = app.engine.open_case(complaint(EN))
    assert stale is not None
    clock.advance(minutes=2)
    app.engine.claim(stale, AGENT)
    first = clock.now()
    clock.advance(minutes=5)
    app.engine.note(stale, AGENT, "still the copy from before the claim")
    case = app.store.get_case(stale.id)
    assert case is not None and case.first_response_at == first


def test_a_nameless_customer_is_greeted_without_a_blank(app: App) -> None:
    nameless = Actor("test", "U-anon", "")
    case = app.engine.open_case(complaint(ES, author=nameless))
    assert case is not None
    suggestion = next(i for i in app.store.outbox_for_case(case.id) if i.card.kind == "suggestion")
    assert suggestion.card.quote and suggestion.card.quote.startswith("Hola, entiendo")
    assert "[" not in suggestion.card.quote


def test_an_agents_top_level_message_is_not_a_complaint(app: App) -> None:
    assert app.engine.open_case(complaint("Team: couriers are late today", author=AGENT)) is None
    assert app.store.db["cases"].count == 0
