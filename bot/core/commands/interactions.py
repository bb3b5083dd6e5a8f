"""Reactions and button clicks on Sereno's own messages."""

from __future__ import annotations

from bot.core.base.cards import ActionId
from bot.core.base.case import Case, EventKind
from bot.core.base.model import Actor, Status, StepState, Via
from bot.core.cases.engine import Engine, Reply
from bot.core.cases.reactions import Gesture, gesture
from bot.core.reminders import scheduler


def on_reaction(
    engine: Engine, platform: str, message_id: str, emoji: str, actor: Actor, added: bool
) -> Reply | None:
    """A reaction on a step message marks it done/skipped; removing it undoes."""
    meaning = gesture(emoji)
    if meaning is None:
        return None
    item = engine.store.outbox_by_message(platform, message_id)
    if item is None or item.case_id is None or not item.step_id:
        return None
    case = engine.store.get_case(item.case_id)
    if case is None or item.card.kind not in ("step", "ping"):
        return None
    refused = engine.check_agent(case, actor)
    if refused:
        with engine.store.atomic():
            engine.store.append_event(
                case.id,
                engine.clock.now(),
                actor,
                EventKind.REACTION_IGNORED,
                {"emoji": emoji, "step": item.step_id, "added": added},
            )
        return refused
    if item.card.kind == "ping":
        return _on_ping(engine, case, item.step_id, meaning, actor) if added else None
    if meaning is Gesture.SNOOZE:
        return None
    target = StepState.DONE if meaning is Gesture.DONE else StepState.SKIPPED
    if not added:
        current = next(
            (s.state for s in engine.store.steps(case.id) if s.step_id == item.step_id), None
        )
        if current is not target:
            return None  # removing a reaction only undoes what that reaction did
        return mark_card(engine, case, item.step_id, StepState.PENDING, actor, Via.REACTION, target)
    return mark_card(engine, case, item.step_id, target, actor, Via.REACTION)


def mark_card(
    engine: Engine,
    case: Case,
    step_id: str,
    state: StepState,
    actor: Actor,
    via: Via,
    undoing: StepState | None = None,
) -> Reply:
    """Mark what a step card stands for: its step, or each step of its group that is
    still pending (`undoing` a reaction: each one that reaction had marked)."""
    before = undoing if state is StepState.PENDING else StepState.PENDING
    if step_id not in {s.step_id for s in engine.store.steps(case.id)}:
        # a card whose step a corrected reading took away: it stands for nothing now
        return engine.set_step(case, step_id, state, actor, via)
    members = [s.step_id for s in engine.posts.card_steps(case, step_id) if s.state is before]
    if len(members) <= 1:
        return engine.set_step(case, members[0] if members else step_id, state, actor, via)
    with engine.store.atomic():
        for member in members:
            reply = engine.set_step(case, member, state, actor, via)
            if not reply.ok:
                return reply
    engine.notify()
    steps = ", ".join(members)
    text = engine.say(f"reply.step.{state.value}", step=steps, actor=actor.name, ref=case.ref)
    return Reply(text, case_id=case.id)


def _on_ping(engine: Engine, case: Case, ref: str, meaning: Gesture, actor: Actor) -> Reply | None:
    """✅ on a ping marks its reminder done; 💤 snoozes it."""
    reminder_id = ref.removeprefix("reminder:")
    reminder = engine.store.get_reminder(int(reminder_id)) if reminder_id.isdigit() else None
    if reminder is None:
        return None
    if meaning is Gesture.DONE:
        return scheduler.finish(engine, case, actor, "done", reminder)
    if meaning is Gesture.SNOOZE:
        until = engine.clock.now() + engine.config.snooze_for
        return scheduler.snooze(engine, case, actor, until, reminder)
    return None


def on_button(engine: Engine, action_id: str, value: str, actor: Actor) -> Reply:
    """A click on one of Sereno's buttons (ids are `ActionId`, values 'case[:item]')."""
    case_part, _, item = value.partition(":")
    case = engine.store.get_case(int(case_part)) if case_part.isdigit() else None
    if case is None:
        return Reply(engine.say("reply.no_such_case"), ok=False)
    refused = engine.check_agent(case, actor)
    if refused:
        return refused
    try:
        action = ActionId(action_id)
    except ValueError:
        return Reply(engine.say("reply.unknown_button"), ok=False, case_id=case.id)
    if action is ActionId.STEP_DONE:
        return mark_card(engine, case, item, StepState.DONE, actor, Via.BUTTON)
    if action is ActionId.STEP_SKIP:
        return mark_card(engine, case, item, StepState.SKIPPED, actor, Via.BUTTON)
    if action is ActionId.CLAIM:
        return engine.claim(case, actor, via=Via.BUTTON)
    if action is ActionId.RESOLVE:
        return engine.transition(case, actor, Status.RESOLVED, "resolve")
    if action is ActionId.LET_GO:
        return engine.transition(case, actor, Status.LET_GO, "let go")
    if action is ActionId.REPLY:  # the adapter opens the reply form itself, live
        return Reply(engine.say("answer.use_form"), ok=False, case_id=case.id)
    return engine.suggest(case, actor, _next_suggestion(engine, case.id, item))


def _next_suggestion(engine: Engine, case_id: int, current: str) -> str | None:
    case = engine.store.get_case(case_id)
    assert case is not None
    ids = list(engine.playbook_for(case).suggestions)
    if not ids:
        return None
    return ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
