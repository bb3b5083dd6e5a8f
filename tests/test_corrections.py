"""Agents correct Sereno's reading (issue 14 item 4): typed, or from the header's menu.

A correction is stored before it is acknowledged, is on the timeline part by part,
marks the header's corrected parts with who corrected them, re-plans the pending
steps and, when its words change, the suggestion.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.base.cards import ActionId, CardKind
from bot.core.base.case import EventKind
from bot.core.base.clocks import ReminderKind
from bot.core.base.model import Actor, CustomerKind, Reason, StepState, Via
from bot.core.cases.context import Context
from bot.core.commands.correction import correct_reading, on_reading_choice
from bot.core.commands.dispatch import run
from bot.core.commands.interactions import on_button
from bot.settings import Settings
from bot.wiring import App, build
from storage.db import open_database
from storage.store import SqliteStore
from tests.conftest import AGENT, LUCIA, complaint
from tests.support import FakeClock

LATE = "My order 48213 never arrived and nobody answers!!!"


def ctx(thread: str | None = None, actor: Actor = AGENT) -> Context:
    return Context(actor, "test", "C1", thread)


def opened(app: App, text: str = LATE) -> int:
    case = app.engine.open_case(complaint(text))
    assert case is not None
    return case.id


def header(app: App, case_id: int) -> list[str]:
    """The latest header the thread shows, as lines."""
    cards = [i.card for i in app.store.outbox_for_case(case_id) if i.card.kind is CardKind.HEADER]
    return [cards[-1].title, *cards[-1].lines]


def posts(app: App, case_id: int) -> list[str]:
    """Every post (not edit) queued for a case's thread, by kind."""
    return [i.card.kind.value for i in app.store.outbox_for_case(case_id) if i.edit_of is None]


def corrections(app: App, case_id: int) -> list[tuple[str, str, str, str]]:
    return [
        (e.actor_name, e.details["part"], e.details["from"], e.details["to"])
        for e in app.store.events(case_id)
        if e.kind is EventKind.READING_CORRECTED
    ]


def test_a_typed_correction_is_stored_on_the_timeline_and_in_the_header(
    app: App, db_path: Path
) -> None:
    case_id = opened(app)
    before = app.store.get_case(case_id)
    assert before is not None and before.reading.reason is Reason.DELIVERY
    reply = run(
        app.engine, app.times, f"reading #{case_id} reason billing intensity 2 kind rude", ctx()
    )
    assert reply.ok, reply.text
    assert "reason delivery → billing" in reply.text and "kind unknown → rude" in reply.text
    # stored: a second connection to the same file reads the corrected reading
    again = SqliteStore(open_database(db_path)).get_case(case_id)
    assert again is not None
    r = again.reading
    assert (r.reason, r.intensity, r.kind) == (Reason.BILLING, 2, CustomerKind.RUDE)
    assert dict(r.corrected) == {"reason": "ana", "intensity": "ana", "kind": "ana"}
    row = app.store.db["cases"].get(case_id)
    assert (row["reason"], row["intensity"], row["kind"]) == ("billing", 2, "rude")
    assert corrections(app, case_id) == [
        ("ana", "reason", "delivery", "billing"),
        ("ana", "intensity", "1", "2"),
        ("ana", "kind", "unknown", "rude"),
    ]
    lines = header(app, case_id)
    assert lines[0].startswith(f"Case #{case_id} · billing · 🔥🔥 intensity 2/3")
    assert any(line.startswith("Reason: billing (corrected by ana)") for line in lines)
    assert any(line.startswith("Customer seems: rude (corrected by ana)") for line in lines)
    assert any("intensity: 2 (corrected by ana)" in line for line in lines)
    # the parts nobody corrected keep their evidence
    assert any('about: order ("My order")' in line for line in lines)
    assert any('"!!!" (exclamations)' in line for line in lines)
    timeline = run(app.engine, app.times, f"timeline #{case_id}", ctx()).text
    assert "ana corrected the reading: reason delivery → billing" in timeline
    assert "ana corrected the reading: kind unknown → rude" in timeline


def test_the_pending_steps_re_plan_and_worked_steps_stay(app: App) -> None:
    case_id = opened(app)
    assert run(app.engine, app.times, f"done #{case_id} pause", ctx()).ok
    assert run(app.engine, app.times, f"skip #{case_id} listen", ctx()).ok
    ids = [s.step_id for s in app.store.steps(case_id)]
    assert "tip-rude" not in ids
    reply = run(app.engine, app.times, f"reading #{case_id} kind rude", ctx())
    assert "New steps: Rude customer: never insult back" in reply.text
    assert "No longer needed" not in reply.text
    steps = {s.step_id: s for s in app.store.steps(case_id)}
    assert steps["pause"].state is StepState.DONE and steps["pause"].actor_name == "ana"
    assert steps["listen"].state is StepState.SKIPPED
    assert steps["tip-rude"].state is StepState.PENDING
    order = [s.step_id for s in app.store.steps(case_id)]
    assert order.index("find-reason") < order.index("tip-rude") < order.index("apologize")
    assert len(order) == len(set(order))
    # kind corrected again: the tip follows, the worked steps still stand
    run(app.engine, app.times, f"reading #{case_id} kind=argumentative", ctx())
    order = [s.step_id for s in app.store.steps(case_id)]
    assert "tip-rude" not in order and "tip-argumentative" in order
    assert order[:2] == ["pause", "listen"]


def test_the_next_card_is_the_re_planned_step(app: App) -> None:
    case_id = opened(app)
    for step in ("pause", "listen", "find-reason"):
        assert run(app.engine, app.times, f"done #{case_id} {step}", ctx()).ok
    run(app.engine, app.times, f"reading #{case_id} kind rude", ctx())
    step_cards = [
        i.step_id for i in app.store.outbox_for_case(case_id) if i.card.kind.value == "step"
    ]
    assert step_cards[-1] == "tip-rude"
    # corrected again: the rude tip gives way, the argumentative one is the card to do now
    again = run(app.engine, app.times, f"reading #{case_id} kind argumentative", ctx())
    assert "No longer needed: Rude customer: never insult back" in again.text
    step_cards = [
        i.step_id for i in app.store.outbox_for_case(case_id) if i.card.kind.value == "step"
    ]
    assert step_cards[-1] == "tip-argumentative"
    pending = [s.step_id for s in app.store.steps(case_id) if s.state is StepState.PENDING]
    assert pending[0] == "tip-argumentative" and "tip-rude" not in pending
    # the stale tip card's ✅ is refused politely: its step is no longer the case's
    stale = next(i for i in app.store.outbox_for_case(case_id) if i.step_id == "tip-rude")
    reply = on_button(app.engine, ActionId.STEP_DONE.value, f"{case_id}:{stale.step_id}", AGENT)
    assert not reply.ok and "tip-rude" in reply.text


def test_a_legal_threat_weighs_the_case_and_none_removes_it(app: App, clock: FakeClock) -> None:
    case_id = opened(app, "My parcel is late, where is it?")
    case = app.store.get_case(case_id)
    assert case is not None and case.reading.impact.value == "low"
    due_before = next(
        r.due_at for r in app.store.reminders_for(case_id) if r.kind is ReminderKind.FIRST_RESPONSE
    )
    reply = run(app.engine, app.times, f"reading #{case_id} threats leave, legal", ctx())
    assert reply.ok and "threats none → leave, legal" in reply.text
    case = app.store.get_case(case_id)
    assert case is not None
    assert {"leave-threat", "legal-threat"} <= case.flags and case.reading.impact.value == "high"
    due_after = next(
        r.due_at for r in app.store.reminders_for(case_id) if r.kind is ReminderKind.FIRST_RESPONSE
    )
    assert due_after < due_before  # a weightier case is answered sooner
    assert any(line == "Threats: leave, legal (corrected by ana)" for line in header(app, case_id))
    run(app.engine, app.times, f"reading #{case_id} threats none", ctx())
    case = app.store.get_case(case_id)
    assert case is not None and not {"leave-threat", "legal-threat"} & case.flags
    assert corrections(app, case_id)[-1] == ("ana", "threats", "leave,legal", "none")


def test_reading_alone_shows_the_reading_its_evidence_and_how_to_correct_it(app: App) -> None:
    case_id = opened(app)
    text = run(app.engine, app.times, f"reading #{case_id}", ctx()).text
    assert f"Reading of #{case_id}:" in text
    assert 'reason: delivery — "never arrived"' in text
    assert 'subject: order — "My order"' in text
    assert f"/complaint reading #{case_id} reason" in text
    run(app.engine, app.times, f"reading #{case_id} reason billing", ctx())
    text = run(app.engine, app.times, f"reading #{case_id}", ctx()).text
    assert "reason: billing — corrected by ana" in text


def test_parts_may_be_separated_by_commas(app: App) -> None:
    case_id = opened(app)
    typed = f"reading #{case_id} reason billing, kind rude, threats leave , legal, intensity 2"
    reply = run(app.engine, app.times, typed, ctx())
    assert reply.ok, reply.text
    assert [c[1:] for c in corrections(app, case_id)] == [
        ("reason", "delivery", "billing"),
        ("intensity", "1", "2"),
        ("kind", "unknown", "rude"),
        ("threats", "none", "leave,legal"),
    ]


def test_inside_the_thread_the_case_is_implied(app: App) -> None:
    case_id = opened(app)
    case = app.store.get_case(case_id)
    assert case is not None and case.thread_id
    reply = run(app.engine, app.times, "reading intensity 3", ctx(thread=case.thread_id))
    assert reply.ok and reply.case_id == case_id
    assert corrections(app, case_id) == [("ana", "intensity", "1", "3")]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("reason biling", "Did you mean billing?"),
        ("reason nonsense", "Valid: product, delivery, billing, service, technical, other."),
        ("intensity 7", "Valid: 0, 1, 2, 3."),
        ("intensty 2", "Did you mean intensity?"),
        ("colour red", "Parts: reason, intensity, kind, subject, threats."),
        ("kind", "needs a value"),
        ("threats none,legal", "cannot go with a threat"),
        ("threats leave,moon", "is not a value of threats"),
        ("threats ,,,", "needs a value"),
        ("reason " + "x" * 3000, "is not a value of reason"),
        ("kind \x00rude\x01", "is not a value of kind"),
        ("{part} {0} %s", "is not a part of the reading"),
    ],
)
def test_bad_corrections_are_refused_politely_and_change_nothing(
    app: App, typed: str, said: str
) -> None:
    case_id = opened(app)
    reply = run(app.engine, app.times, f"reading #{case_id} {typed}", ctx())
    assert not reply.ok and said in reply.text, reply.text
    assert corrections(app, case_id) == []


def test_only_agents_correct_the_reading(app: App) -> None:
    case_id = opened(app)
    customer = run(app.engine, app.times, f"reading #{case_id} reason billing", ctx(actor=LUCIA))
    assert not customer.ok
    assert not on_reading_choice(app.engine, f"{case_id}:reason=billing", LUCIA).ok
    assert corrections(app, case_id) == []


def test_the_same_value_is_no_correction(app: App) -> None:
    case_id = opened(app)
    reply = run(app.engine, app.times, f"reading #{case_id} reason delivery", ctx())
    assert reply.ok and "nothing to correct" in reply.text
    assert corrections(app, case_id) == []


def test_a_menu_choice_is_the_same_correction(app: App) -> None:
    case_id = opened(app)
    reply = on_reading_choice(app.engine, f"{case_id}:reason=billing", AGENT)
    assert reply.ok and "reason delivery → billing" in reply.text
    events = [e for e in app.store.events(case_id) if e.kind is EventKind.READING_CORRECTED]
    assert [e.details["via"] for e in events] == [Via.BUTTON.value]
    case = app.store.get_case(case_id)
    assert case is not None and case.reading.reason is Reason.BILLING


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x",
        "1",
        "1:",
        "1:reason",
        "1:reason=",
        "1:reason=moon",
        "1:colour=red",
        "999:reason=billing",
        "abc:reason=billing",
        "1:intensity=9",
        "1:=billing",
    ],
)
def test_a_malformed_menu_value_is_refused_politely(app: App, value: str) -> None:
    opened(app)
    reply = on_reading_choice(app.engine, value, AGENT)
    assert not reply.ok and reply.text and len(reply.text) < 300
    assert app.store.db["events"].count == 1  # only the opening


def test_the_header_carries_the_correction_menu(app: App) -> None:
    case_id = opened(app)
    items = [i for i in app.store.outbox_for_case(case_id) if i.card.kind is CardKind.HEADER]
    menu = items[-1].card.menu
    assert menu is not None and menu.id is ActionId.CORRECT_READING
    assert menu.placeholder == "Correct the reading…"
    assert len(menu.options) == 19 <= 25
    groups = [o.group for o in menu.options]
    assert groups.count("reason") == 6 and groups.count("intensity") == 4
    assert groups.count("kind") == 9
    assert all(len(o.value) <= 100 and len(o.label) <= 75 for o in menu.options)
    assert f"{case_id}:reason=billing" in [o.value for o in menu.options]
    ticked = [o.label for o in menu.options if o.label.endswith("✓")]
    assert ticked == ["reason: delivery ✓", "intensity: 1 ✓", "kind: unknown ✓"]
    for option in menu.options:  # every option is a correction the core accepts
        part, _, value = option.value.partition(":")[2].partition("=")
        assert part in ("reason", "intensity", "kind") and value


def test_a_resolved_case_header_has_no_menu_but_the_command_still_corrects(app: App) -> None:
    case_id = opened(app)
    run(app.engine, app.times, f"resolve #{case_id} refunded", ctx())
    items = [i for i in app.store.outbox_for_case(case_id) if i.card.kind is CardKind.HEADER]
    assert items[-1].card.menu is None
    assert run(app.engine, app.times, f"reading #{case_id} reason billing", ctx()).ok
    assert corrections(app, case_id) == [("ana", "reason", "delivery", "billing")]


def test_the_lean_thread_stays_lean(app: App) -> None:
    case_id = opened(app)
    before = posts(app, case_id)
    run(app.engine, app.times, f"reading #{case_id} intensity 2", ctx())
    assert posts(app, case_id) == before  # nothing to say but the header's edit
    run(app.engine, app.times, f"reading #{case_id} kind rude reason billing", ctx())
    added = posts(app, case_id)[len(before) :]
    # the rude customer's tip on a card of its own (its group's card is out, not yet done),
    # and the suggestion, whose words changed: two fresh cards, no notice
    assert added == ["step", "suggestion"]
    assert "notice" not in posts(app, case_id)


def test_a_fresh_suggestion_is_in_the_customers_language(app: App) -> None:
    case_id = opened(app, "Mi pedido 48213 no ha llegado y nadie me responde!!!")
    run(app.engine, app.times, f"reading #{case_id} kind rude", ctx())
    cards = [
        i.card for i in app.store.outbox_for_case(case_id) if i.card.kind is CardKind.SUGGESTION
    ]
    assert len(cards) == 2
    assert cards[-1].title.startswith("Suggested reply (es)") and cards[-1].quote != cards[0].quote


def test_spanish_agents_type_spanish_values(
    tmp_path: Path, clock: FakeClock, detector: object
) -> None:
    env = {"SERENO_DB": str(tmp_path / "es.db"), "SERENO_AGENT_LANGUAGE": "es"}
    app = build(Settings.from_env(env), clock=clock, detector=detector)  # type: ignore[arg-type]
    try:
        case_id = opened(app)
        reply = run(
            app.engine, app.times, f"reading #{case_id} motivo facturación tipo grosero", ctx()
        )
        assert reply.ok, reply.text
        assert "motivo entrega → facturación" in reply.text
        run(app.engine, app.times, f"reading #{case_id} motivo=facturacion intensidad 3", ctx())
        case = app.store.get_case(case_id)
        assert case is not None and case.reading.intensity == 3
        lines = header(app, case_id)
        assert any(line.startswith("Motivo: facturación (corregido por ana)") for line in lines)
        items = [i for i in app.store.outbox_for_case(case_id) if i.card.kind is CardKind.HEADER]
        menu = items[-1].card.menu
        assert menu is not None and menu.placeholder == "Corregir la lectura…"
        assert "motivo: facturación ✓" in [o.label for o in menu.options]
        said = run(app.engine, app.times, f"reading #{case_id} motivo factura", ctx()).text
        assert "¿Quiso decir facturación?" in said
        timeline = run(app.engine, app.times, f"timeline #{case_id}", ctx()).text
        assert "ana corrigió la lectura: motivo entrega → facturación" in timeline
    finally:
        app.close()


def test_correct_reading_is_callable_with_a_mapping(app: App) -> None:
    case_id = opened(app)
    case = app.store.get_case(case_id)
    assert case is not None
    reply = correct_reading(app.engine, case, {"subject": "invoice"}, AGENT, Via.COMMAND)
    assert reply.ok
    assert corrections(app, case_id) == [("ana", "subject", "order", "invoice")]
    for wrong in ({"colour": "red"}, {"reason": "moon"}, {"intensity": "7"}, {"threats": "x"}):
        assert not correct_reading(app.engine, case, wrong, AGENT, Via.COMMAND).ok
    assert len(corrections(app, case_id)) == 1


def test_the_older_group_card_does_not_mark_a_step_the_correction_added(app: App) -> None:
    case_id = opened(app)
    first = next(i for i in app.store.outbox_for_case(case_id) if i.card.kind.value == "step")
    assert first.step_id == "pause"  # the folded 'Before you answer' card: pause, listen, …
    run(app.engine, app.times, f"reading #{case_id} kind rude", ctx())
    tip = [i for i in app.store.outbox_for_case(case_id) if i.step_id == "tip-rude"]
    assert tip and tip[-1].card.kind.value == "step"  # the added step has a card of its own
    reply = on_button(app.engine, ActionId.STEP_DONE.value, f"{case_id}:pause", AGENT)
    assert reply.ok
    steps = {s.step_id: s.state for s in app.store.steps(case_id)}
    assert steps["pause"] is steps["listen"] is steps["find-reason"] is StepState.DONE
    assert steps["tip-rude"] is StepState.PENDING  # still to be read and done on its own card
    done = on_button(app.engine, ActionId.STEP_DONE.value, f"{case_id}:tip-rude", AGENT)
    assert done.ok and app.store.steps(case_id)[3].state is StepState.DONE
