"""Read-only views of cases for agents: show, timeline, list, playbook."""

from __future__ import annotations

from datetime import datetime

from bot.core.base.cards import render_text
from bot.core.base.case import Case, Event
from bot.core.base.clocks import local_time
from bot.core.base.model import StepState
from bot.core.cases.engine import Engine
from bot.core.commands.timeline import Stamp, sentence
from bot.core.delivery.refusals import undelivered_line
from bot.core.guidance.guide import header_card
from bot.core.texts import Translator, name

_MAX_LIST = 20
_MARKS = {StepState.DONE: "☑", StepState.SKIPPED: "⤼", StepState.PENDING: "☐"}


def show(engine: Engine, case: Case) -> str:
    """The header plus every step with who did it, when and how."""
    steps = engine.store.steps(case.id)
    card = header_card(
        case,
        engine.playbook_for(case),
        engine.library.rules,
        steps,
        engine.config.guidance,
        engine.clock.now(),
    )
    said = engine.say("view.complaint_by", customer=case.customer_name, text=_clip(case.text, 300))
    lines = [render_text(card), said]
    undelivered = undelivered_line(engine, case.id)
    if undelivered:
        lines.append(undelivered)
    for number, step in enumerate(steps, 1):
        line = f"  {number}. {step.step_id}: {engine.word('state', step.state.value)}"
        if step.state is not StepState.PENDING and step.at:
            via = engine.word("via", step.via.value) if step.via else "?"
            when = _when(step.at, engine.config.timezone)
            line += engine.say("view.step_by", actor=step.actor_name, via=via, when=when)
        lines.append(line)
    return "\n".join(lines)


def timeline(engine: Engine, case: Case) -> str:
    """Every timeline entry as a sentence: when, then who did what."""
    events = engine.store.events(case.id)
    heading = engine.say("view.timeline", ref=case.ref)
    lang = engine.config.guidance.agent_language
    titles = {step.id: step.title.get(lang) for step in engine.playbook_for(case).steps}
    zone = engine.config.timezone

    def stamp(moment: datetime) -> str:
        return _when(moment, zone)

    return "\n".join([heading, *(_event_line(e, engine.texts, titles, stamp) for e in events)])


def _event_line(event: Event, texts: Translator, titles: dict[str, str], stamp: Stamp) -> str:
    """One entry: its time stamp and its sentence."""
    return f"  {stamp(event.at)} {sentence(event, texts, titles, stamp)}"


def case_list(engine: Engine, cases: list[Case], now: datetime) -> str:
    """One line per case."""
    if not cases:
        return engine.say("view.no_cases")
    lang = engine.config.guidance.agent_language
    lines = []
    for case in cases[:_MAX_LIST]:
        age = int((now - case.opened_at).total_seconds() // 60)
        line = engine.say(
            "view.case_line",
            ref=case.ref,
            status=name("status", case.status.value, lang),
            reason=engine.word("reason", case.reading.reason.value),
            intensity=case.reading.intensity,
            who=case.assignee_name or engine.say("header.unassigned"),
            customer=case.customer_name,
            age=age,
        )
        lines.append(line)
    return "\n".join(lines)


def playbook_text(engine: Engine, case: Case | None) -> str:
    """Every step of a case's playbook (or the default one), with its advice ids.

    A case's own steps come first, numbered as `show` and `done N` number them; the
    playbook's steps that do not apply to the case follow, marked · and unnumbered.
    """
    playbook = engine.playbook_for(case) if case else engine.library.playbooks[0]
    lang = engine.config.guidance.agent_language
    by_id = {step.id: step for step in playbook.steps}
    steps = engine.store.steps(case.id) if case else []
    lines = [engine.say("view.playbook", id=playbook.id, name=playbook.name.get(lang))]
    for number, own in enumerate(steps, 1):
        step = by_id.get(own.step_id)
        title = f" — {step.title.get(lang)} [{', '.join(step.advice)}]" if step else ""
        lines.append(f"  {_MARKS.get(own.state, '☐')} {number}. {own.step_id}{title}")
    taken = {own.step_id for own in steps}
    if case and len(taken) < len(playbook.steps):
        lines.append(engine.say("view.playbook_other"))
    for number, step in enumerate((s for s in playbook.steps if s.id not in taken), 1):
        where = "·" if case else f"{number}."
        lines.append(f"  {where} {step.id} — {step.title.get(lang)} [{', '.join(step.advice)}]")
    return "\n".join(lines)


def _when(moment: datetime, zone: str = "UTC") -> str:
    """A time in the team's zone, with the zone named (see `local_time`)."""
    return local_time(moment, zone, seconds=True)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
