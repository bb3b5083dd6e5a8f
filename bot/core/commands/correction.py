"""Agents correct Sereno's reading: `/complaint reading [#case] reason billing intensity 2`,
or an option of the header's "Correct the reading…" menu (`on_reading_choice`).

A correction takes effect at once, in one transaction: the stored reading (each
corrected part marked with who corrected it), one timeline entry per part, the
impact and the first-response clock, the pending steps (re-planned for the corrected
reading; steps worked stay as they are), the header, and a fresh suggestion when the
corrected reading changes what it says. The agent is told in one reply; the thread
gains at most the next step card and a fresh suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.core.base.case import Case, EventKind
from bot.core.base.model import (
    Actor,
    Reading,
    StepState,
    Via,
)
from bot.core.base.reading_json import reading_to_compact
from bot.core.cases.correcting import THREAT_SIGNALS, corrected
from bot.core.cases.engine import Engine, Reply
from bot.core.cases.heat import tighten
from bot.core.commands.correction_words import parse_changes
from bot.core.guidance.corrections import (
    PARTS,
    current_value,
    part_name,
    part_values,
    value_name,
)
from bot.core.guidance.guide import suggestion_card


def reading_command(engine: Engine, case: Case, args: str, actor: Actor) -> Reply:
    """`/complaint reading [#case] [part value]...`: show the reading, or correct it."""
    lang = engine.config.guidance.agent_language
    if not args.strip():
        return Reply(describe(engine, case), case_id=case.id)
    found = parse_changes(args, lang, engine.library.rules)
    if isinstance(found, str):
        return Reply(found, ok=False, case_id=case.id)
    if not found:  # only separators typed: nothing to correct, so the reading as it is
        return Reply(describe(engine, case), case_id=case.id)
    return correct_reading(engine, case, found, actor, Via.COMMAND)


def on_reading_choice(engine: Engine, value: str, actor: Actor) -> Reply:
    """An option of the header's menu ("{case_id}:{part}={value}"): the same correction
    as the typed command; a malformed or unknown value is refused politely."""
    case_part, _, choice = (value or "").partition(":")
    part, _, chosen = choice.partition("=")
    case = engine.store.get_case(int(case_part)) if case_part.isdigit() else None
    if case is None:
        return Reply(engine.say("reply.no_such_case"), ok=False)
    refused = engine.check_agent(case, actor)
    if refused:
        return refused
    if part not in PARTS or chosen not in part_values(part):
        return Reply(engine.say("correction.bad_choice"), ok=False, case_id=case.id)
    return correct_reading(engine, case, {part: chosen}, actor, Via.BUTTON)


def correct_reading(
    engine: Engine, case: Case, changes: Mapping[str, str], actor: Actor, via: Via
) -> Reply:
    """Apply an agent's corrections (part → value, as `part_values` spells them; threats
    a comma-separated list or "none") and re-plan what follows from the reading."""
    lang = engine.config.guidance.agent_language
    if not all(_valid(part, value) for part, value in changes.items()):
        return Reply(engine.say("correction.bad_choice"), ok=False, case_id=case.id)
    now = engine.clock.now()
    with engine.store.atomic():  # stored, with its entries, before the agent is told
        case = engine.store.get_case(case.id) or case  # the caller may hold an older copy
        reading, done = corrected(case.reading, changes, actor.name)
        if not done:
            return Reply(engine.say("correction.unchanged", ref=case.ref), case_id=case.id)
        steps_before = engine.store.steps(case.id)
        before_all = {s.step_id for s in steps_before}
        before_steps = [s.step_id for s in steps_before if s.state is StepState.PENDING]
        old_quote = _suggestion_quote(engine, case)
        case = _store(engine, case, reading, now)
        for change in done:
            engine.store.append_event(
                case.id,
                now,
                actor,
                EventKind.READING_CORRECTED,
                {"part": change.part, "from": change.before, "to": change.after, "via": via.value},
            )
        pending = _replan(engine, case)
        tighten(engine.store, case, engine.clocks_for(case), now)  # a weightier case: sooner
        engine.refresh_header(case.id)
        if case.is_open:
            fresh = [s for s in pending if s not in before_all]
            _unfold(engine, case, fresh, case.assignee_name or actor.name)
            _fresh_suggestion(engine, case, old_quote, actor)
    engine.notify()
    said = ", ".join(
        engine.say(
            "correction.change",
            part=part_name(c.part, lang),
            before=value_name(c.part, c.before, engine.library.rules, lang),
            after=value_name(c.part, c.after, engine.library.rules, lang),
        )
        for c in done
    )
    text = engine.say("correction.done", ref=case.ref, changes=said)
    titles = {step.id: step.title.get(lang) for step in engine.playbook_for(case).steps}
    added = [titles.get(s, s) for s in pending if s not in before_steps]
    dropped = [titles.get(s, s) for s in before_steps if s not in pending]
    if added:
        text += " " + engine.say("correction.added", steps=", ".join(added))
    if dropped:
        text += " " + engine.say("correction.dropped", steps=", ".join(dropped))
    return Reply(text, case_id=case.id)


def _valid(part: str, value: str) -> bool:
    """Whether a correction names a part and one of its values (threats: a list of them)."""
    if part == "threats":
        items = [v.strip() for v in str(value).split(",")]
        return bool(items) and all(v in part_values(part) for v in items)
    return part in PARTS and value in part_values(part)


def _store(engine: Engine, case: Case, reading: Reading, now: datetime) -> Case:
    """Write the corrected reading, its columns, the case's threat flags and the playbook
    the corrected reading chooses."""
    threats = {f for f in reading.flags if f in THREAT_SIGNALS}
    playbook = engine.library.choose(reading.reason, reading.intensity, case.channel_id)
    return engine.store.update_case(
        case.id,
        reading=reading_to_compact(reading),
        reason=reading.reason,
        kind=reading.kind,
        intensity=reading.intensity,
        impact=reading.impact,
        flags=(case.flags - set(THREAT_SIGNALS)) | threats,
        playbook_id=playbook.id,
        updated_at=now,
    )


def _replan(engine: Engine, case: Case) -> list[str]:
    """Make the pending steps the ones the corrected reading calls for, in the
    playbook's order; the worked ones stay. The new pending step ids."""
    r = case.reading
    worked = {s.step_id for s in engine.store.steps(case.id) if s.state is not StepState.PENDING}
    pending = [
        s.id
        for s in engine.playbook_for(case).steps
        if s.id not in worked and s.when.matches(r.kind, r.reason, r.intensity, case.flags)
    ]
    engine.store.replan_steps(case.id, pending)
    return pending


def _unfold(engine: Engine, case: Case, fresh: list[str], agent: str) -> None:
    """Show the step to do now: a step the correction added gets its card even when
    its group's card was posted before (the kind's tip after "Before you answer")."""
    playbook = engine.playbook_for(case)
    now = next(
        (
            s.step_id
            for s in engine.store.steps(case.id)
            if s.state is StepState.PENDING
            and not ((g := playbook.group_of(s.step_id)) and g.after_resolution)
        ),
        None,
    )
    if now is not None and now in fresh:
        engine.posts.step(case, now, agent)
        return
    shown = {
        g.id
        for i in engine.store.outbox_for_case(case.id)
        if i.card.kind.value == "step" and i.edit_of is None
        and (g := playbook.group_of(i.step_id or "")) is not None
    }  # fmt: skip
    late = [
        step_id
        for step_id in fresh
        if (g := playbook.group_of(step_id)) is not None
        and g.id in shown
        and not g.after_resolution
    ]
    if late:  # its group's card is out and still being worked: the new step on its own card
        engine.posts.lone_step(case, late[0], agent)
    else:
        engine.posts.advance(case, agent)


def _latest_suggestion(engine: Engine, case: Case) -> str | None:
    ids = [sid for _, kind, sid, _ in engine.store.posted_messages(case.id) if kind == "suggestion"]
    return ids[-1] if ids and ids[-1] else None


def _suggestion_quote(engine: Engine, case: Case) -> str | None:
    """What the latest suggestion posted says for the case as it is now."""
    suggestion_id = _latest_suggestion(engine, case)
    suggestion = engine.playbook_for(case).suggestions.get(suggestion_id or "")
    if suggestion is None:
        return None
    card = suggestion_card(
        case, suggestion, engine.library.rules, engine.config.guidance, case.assignee_name
    )
    return card.quote


def _fresh_suggestion(engine: Engine, case: Case, old_quote: str | None, actor: Actor) -> None:
    """Post the latest suggestion again when the corrected reading changes its words."""
    suggestion_id = _latest_suggestion(engine, case)
    if suggestion_id is None or old_quote is None:
        return
    if _suggestion_quote(engine, case) != old_quote:
        engine.posts.suggestion(case, suggestion_id, case.assignee_name or actor.name, once=False)


def describe(engine: Engine, case: Case) -> str:
    """The reading as it stands, with its evidence, and how to correct it."""
    lang = engine.config.guidance.agent_language
    rules = engine.library.rules
    r = case.reading
    evidence = {
        "reason": r.reason_evidence,
        "intensity": r.intensity_evidence,
        "kind": r.kind_evidence,
        "subject": r.subject_evidence,
        "threats": tuple(s for s in r.intensity_evidence if s.name in THREAT_SIGNALS),
    }
    marks = dict(r.corrected)
    lines = [engine.say("correction.heading", ref=case.ref)]
    for part in PARTS:
        shown = value_name(part, current_value(r, part), rules, lang)
        if part in marks:
            why = engine.say("correction.by", by=marks[part])
        else:
            words = ", ".join(dict.fromkeys(f'"{s.detail}"' for s in evidence[part]))
            why = words or engine.say("correction.no_evidence")
        lines.append(f"  {part_name(part, lang)}: {shown} — {why}")
    lines.append(engine.say("correction.how", ref=case.ref))
    return "\n".join(lines)
