"""What a case gave and how it ended for the customer: remedies, satisfaction, stories."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from bot.core.base.case import Case, EventKind
from bot.core.base.model import Actor, Status
from bot.core.cases.engine import Engine, Reply

REMEDY_TYPES = ("refund", "discount", "replacement", "other")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
MAX_AMOUNT = Decimal("1000000000")


def remedy(engine: Engine, case: Case, actor: Actor, args: str) -> Reply:
    """Record what was given (seed 000 §6) and who approved it."""
    parts = args.split(maxsplit=3)
    usage = engine.say("remedy.usage")
    if len(parts) < 3 or parts[0].lower() not in REMEDY_TYPES:
        return Reply(usage, ok=False, case_id=case.id)
    kind, raw_amount, currency = parts[0].lower(), parts[1].replace(",", "."), parts[2]
    try:
        amount = Decimal(raw_amount)
    except InvalidOperation:
        text = engine.say("remedy.not_amount", raw=raw_amount[:20], usage=usage)
        return Reply(text, ok=False, case_id=case.id)
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or not _CURRENCY.match(currency):
        return Reply(usage, ok=False, case_id=case.id)
    note = parts[3] if len(parts) > 3 else ""
    details = {
        "type": kind,
        "amount": str(amount.quantize(Decimal("0.01"))),
        "currency": currency.upper(),
        "note": note,
        "approved_by": actor.name,
    }
    with engine.store.atomic():
        engine.store.append_event(case.id, engine.clock.now(), actor, EventKind.REMEDY, details)
    text = engine.say(
        "remedy.recorded",
        ref=case.ref,
        kind=engine.word("remedy", kind),
        amount=details["amount"],
        currency=details["currency"],
        actor=actor.name,
    )
    return Reply(text, case_id=case.id)


def satisfied(engine: Engine, case: Case, actor: Actor, args: str) -> Reply:
    """Record the customer's answer at the follow-up, 1 (unhappy) to 5 (delighted)."""
    score, _, comment = args.strip().partition(" ")
    if score not in ("1", "2", "3", "4", "5"):
        return Reply(engine.say("satisfied.usage"), ok=False, case_id=case.id)
    with engine.store.atomic():
        engine.store.append_event(
            case.id,
            engine.clock.now(),
            actor,
            EventKind.SATISFACTION,
            {"score": int(score), "comment": comment.strip()},
        )
    return Reply(engine.say("satisfied.recorded", score=score, ref=case.ref), case_id=case.id)


def story(engine: Engine, case: Case, actor: Actor) -> Reply:
    """Mark a resolved case as a success story (seed 002 §8)."""
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        status = engine.word("status", case.status.value)
        text = engine.say("story.not_resolved", ref=case.ref, status=status)
        return Reply(text, ok=False, case_id=case.id)
    if "story" in case.flags:
        return Reply(engine.say("story.already", ref=case.ref), case_id=case.id)
    now = engine.clock.now()
    with engine.store.atomic():
        engine.store.update_case(case.id, flags=case.flags | {"story"}, updated_at=now)
        engine.store.append_event(case.id, now, actor, EventKind.STORY_MARKED, {})
    return Reply(engine.say("story.marked", ref=case.ref), case_id=case.id)
