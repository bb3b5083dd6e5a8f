"""A case with everything a record holds, for the tests of case records."""

from __future__ import annotations

from datetime import timedelta

from bot.core.base.case import Case, EventKind
from bot.core.base.model import Actor, Incoming, Status, StepState, Via
from bot.core.commands.correction import correct_reading
from bot.core.reminders import scheduler
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, OTHER_AGENT, complaint
from tests.support import FakeClock

TEXT = 'Mi pedido 48213 llegó roto, "otra vez" 😡\nQuiero mi dinero YA!!! Llevo tres semanas'
NOTE = 'Llamé a logística | "envío" mañana, sin falta\nsegunda línea 📦'
BYSTANDER = Actor("test", "U-eve", "=cmd|' /C calc'!A0")
EVIL_NAME = '=HYPERLINK("http://x","clic"), Pérez 😡\nsegunda línea'


def fresh(app: App, case_id: int) -> Case:
    case = app.store.get_case(case_id)
    assert case is not None
    return case


def thread(case: Case, message_id: str, author: Actor, text: str) -> Incoming:
    return Incoming("test", "C1", message_id, author, text, case.thread_id)


def full_case(app: App, clock: FakeClock) -> int:
    """A case with every kind of event, at known times (returns its id)."""
    eng = app.engine
    opened = eng.open_case(complaint(TEXT))
    assert opened is not None
    cid = opened.id
    clock.advance(minutes=2)
    assert eng.claim(fresh(app, cid), AGENT).ok
    first, second = (s.step_id for s in app.store.steps(cid)[:2])
    clock.advance(minutes=1)
    assert eng.set_step(fresh(app, cid), first, StepState.DONE, AGENT, Via.COMMAND).ok
    assert eng.set_step(fresh(app, cid), second, StepState.SKIPPED, AGENT, Via.BUTTON).ok
    assert eng.set_step(fresh(app, cid), first, StepState.PENDING, AGENT, Via.REACTION).ok
    assert eng.set_step(fresh(app, cid), first, StepState.DONE, AGENT, Via.REACTION).ok
    clock.advance(minutes=1)
    assert eng.note(fresh(app, cid), AGENT, NOTE).ok
    # an agent corrects what the complaint is about (steps stay: the subject picks none)
    assert correct_reading(eng, fresh(app, cid), {"subject": "parcel"}, AGENT, Via.COMMAND).ok
    clock.advance(minutes=1)
    case = fresh(app, cid)
    talk = eng.conversation
    talk.record_thread_message(thread(case, "m-2", LUCIA, "¿Y bien? Sigo esperando 😤"))
    talk.record_thread_message(thread(case, "m-3", AGENT, "Lo siento, Lucía. Hoy sale."))
    talk.record_thread_message(thread(case, "m-4", BYSTANDER, "yo también"))
    talk.record_edit("test", "C1", "m-2", case.thread_id, "¿Y bien?", "¿Y bien? Sigo", LUCIA)
    talk.record_delete("test", "C1", "m-4", case.thread_id, BYSTANDER)
    assert eng.followup(fresh(app, cid), AGENT, clock.now() + timedelta(hours=20), "llamar").ok
    clock.advance(days=1)
    assert app.scheduler.tick() == 2  # the follow-up and the stalled clock
    clock.advance(minutes=10)
    assert scheduler.finish(eng, fresh(app, cid), AGENT, "done").ok
    assert eng.flag(fresh(app, cid), AGENT, "unjustified").ok
    clock.advance(hours=1)
    assert eng.transition(fresh(app, cid), AGENT, Status.RESOLVED, "resolve", "Reemplazo ok").ok
    _remedy_and_answer(app, clock, cid)
    return cid


def _remedy_and_answer(app: App, clock: FakeClock, cid: int) -> None:
    with app.store.atomic():
        for amount, note in ((25.5, 'envío, con "prisa"'), ("10", "=SUM(A1)")):
            app.store.append_event(
                cid,
                clock.now(),
                AGENT,
                EventKind.REMEDY,
                {
                    "type": "refund",
                    "amount": amount,
                    "currency": "EUR",
                    "note": note,
                    "approved_by": "luis",
                },
            )
        app.store.append_event(
            cid,
            clock.now(),
            AGENT,
            EventKind.SATISFACTION,
            {"score": 5, "comment": "¡Gracias, de verdad! 🙌"},
        )
        app.store.append_event(cid, clock.now(), OTHER_AGENT, EventKind.STORY_MARKED, {})
