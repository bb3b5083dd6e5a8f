"""Splitting off: the latest message that joined a case (`merge`) becomes a case of its
own, opened through the engine like any complaint, in the same channel and staff place."""

from __future__ import annotations

from datetime import datetime

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import Case, EventKind
from bot.core.base.model import Actor, Incoming
from bot.core.cases import merge
from bot.core.cases.engine import Engine, Reply
from bot.core.texts import t


def split(engine: Engine, case: Case, actor: Actor) -> Reply:
    """Open the latest message that joined `case` as a case of its own."""
    events = engine.store.events(case.id)
    event = merge.latest_joined(events)
    if event is None:
        return Reply(engine.say("split.nothing", ref=case.ref), ok=False, case_id=case.id)
    details = event.details
    # The timeline keeps who wrote it as their key ("platform:user"), pseudonymised if forgotten.
    customer = event.actor_id.removeprefix(f"{case.platform}:")
    author = Actor(case.platform, customer, event.actor_name)
    stamp = details.get("posted_at")
    msg = Incoming(
        case.platform,
        case.channel_id,
        str(details["message_id"]),
        author,
        str(details.get("text") or ""),
        None,
        None,
        datetime.fromisoformat(stamp) if isinstance(stamp, str) else event.at,
    )
    new = engine.open_case(msg, staff_channel=case.staff_channel_id, join_open=False)
    if new is None:
        return Reply(engine.say("split.failed", ref=case.ref), ok=False, case_id=case.id)
    now = engine.clock.now()
    with engine.store.atomic():
        engine.store.append_event(
            case.id, now, actor, EventKind.SPLIT, {"message_id": msg.message_id, "case": new.id}
        )
        engine.store.append_event(
            new.id,
            now,
            actor,
            EventKind.SPLIT,
            {"from_case": case.id, "message_id": msg.message_id},
        )
        lang = engine.config.guidance.agent_language
        notice = t("split.notice", lang, new=new.ref, actor=actor.name)
        engine.store.enqueue(case, Card(CardKind.NOTICE, notice), now)
    engine.notify()
    text = engine.say("split.done", ref=case.ref, new=new.ref, actor=actor.name)
    return Reply(text, case_id=case.id)
