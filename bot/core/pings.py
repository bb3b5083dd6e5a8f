"""What a reminder's ping says, and whom it mentions.

Mentions are neutral: "user:ID", "agents" (the team's agent group or role) and
"lead"; each adapter turns them into its platform's mention syntax.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.cards import Card, CardKind
from bot.core.case import Case
from bot.core.clocks import ReminderKind, describe
from bot.core.engine import Engine
from bot.core.guidance import suggestion_card
from bot.core.reminder import Reminder

_LABEL = {
    ReminderKind.FIRST_RESPONSE: "First response due",
    ReminderKind.STALLED: "Case stalled",
    ReminderKind.FOLLOW_UP: "Follow up with the customer",
    ReminderKind.IMPROVEMENT: "Tell the customer what improved",
    ReminderKind.CUSTOM: "Follow-up you scheduled",
}
_WHAT = {
    ReminderKind.FIRST_RESPONSE: "Nobody has acted on this complaint yet. Waiting feeds "
    "anger and complaints spread: claim it and answer now (advice: act-fast).",
    ReminderKind.STALLED: "No activity on this open case for a while. Give the customer "
    "news, even if it is 'still working on it' (advice: value-time).",
    ReminderKind.FOLLOW_UP: "It was resolved a few days ago. Ask: is it really solved? are "
    "they satisfied? anything else we can do? (advice: follow-up)",
    ReminderKind.IMPROVEMENT: "Tell them what changed thanks to their complaint "
    "(advice: update-improvements, improve).",
    ReminderKind.CUSTOM: "The follow-up you asked Sereno to remind you of.",
}
_SUGGESTION = {ReminderKind.FOLLOW_UP: "follow-up", ReminderKind.IMPROVEMENT: "improvement-update"}


def _mentions(case: Case, reminder: Reminder) -> tuple[str, ...]:
    if reminder.kind is ReminderKind.FIRST_RESPONSE or not case.assignee_id:
        return ("agents",)
    return (f"user:{case.assignee_id}",)


def _quote(engine: Engine, case: Case, reminder: Reminder) -> str | None:
    suggestion_id = _SUGGESTION.get(reminder.kind)
    suggestion = engine.playbook_for(case).suggestions.get(suggestion_id or "")
    if suggestion is None:
        return None
    card = suggestion_card(
        case, suggestion, engine.library.rules, engine.config.guidance, case.assignee_name
    )
    return card.quote


def ping_card(engine: Engine, case: Case, reminder: Reminder, now: datetime) -> Card:
    """The ping for a due reminder, with how late it is after downtime."""
    late = now - reminder.due_at
    title = f"⏰ {_LABEL[reminder.kind]} · {case.ref}"
    if late.total_seconds() >= 60:
        title += f" · {describe(late)} late"
    lines = [_WHAT[reminder.kind]]
    if reminder.note:
        lines.append(f"Note: {reminder.note}")
    snooze = describe(engine.config.snooze_for)
    return Card(
        CardKind.PING,
        title,
        tuple(lines),
        quote=_quote(engine, case, reminder),
        footer=f"React ✅ when done, 💤 to snooze {snooze} · /complaint snooze {case.ref} "
        f"<when> · /complaint reminder {case.ref} done|cancel",
        mentions=_mentions(case, reminder),
    )


def escalation_card(engine: Engine, case: Case, reminder: Reminder, now: datetime) -> Card:
    """The lead's ping when a reminder was not handled in time."""
    waited = describe(now - (reminder.sent_at or reminder.due_at))
    mentions = ("lead",) + ((f"user:{case.assignee_id}",) if case.assignee_id else ())
    return Card(
        CardKind.PING,
        f"🚨 Escalation · {case.ref}: {_LABEL[reminder.kind].lower()} — pinged {waited} ago, "
        "not handled",
        (_WHAT[reminder.kind],),
        footer=f"React ✅ when handled · /complaint reminder {case.ref} done",
        mentions=mentions,
    )
