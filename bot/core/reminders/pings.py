"""What a reminder's ping says, and whom it mentions.

Mentions are neutral: "user:ID", "agents" (the team's agent group or role) and
"lead"; each adapter turns them into its platform's mention syntax.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import Case
from bot.core.base.clocks import ReminderKind, describe
from bot.core.base.reminder import Reminder
from bot.core.cases.engine import Engine
from bot.core.guidance.guide import suggestion_card
from bot.core.texts import t

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


def _label(reminder: Reminder, lang: str) -> str:
    return t(f"ping.{reminder.kind.value}.label", lang)


def _what(reminder: Reminder, lang: str) -> str:
    return t(f"ping.{reminder.kind.value}.what", lang)


def ping_card(engine: Engine, case: Case, reminder: Reminder, now: datetime) -> Card:
    """The ping for a due reminder, with how late it is after downtime."""
    lang = engine.config.guidance.agent_language
    late = now - reminder.due_at
    title = t("ping.title", lang, label=_label(reminder, lang), ref=case.ref)
    if late.total_seconds() >= 60:
        title += t("ping.late", lang, late=describe(late))
    lines = [_what(reminder, lang)]
    if reminder.note:
        lines.append(t("ping.note", lang, note=reminder.note))
    snooze = describe(engine.config.snooze_for)
    return Card(
        CardKind.PING,
        title,
        tuple(lines),
        quote=_quote(engine, case, reminder),
        footer=t("ping.footer", lang, snooze=snooze, ref=case.ref),
        mentions=_mentions(case, reminder),
    )


def escalation_card(engine: Engine, case: Case, reminder: Reminder, now: datetime) -> Card:
    """The lead's ping when a reminder was not handled in time."""
    lang = engine.config.guidance.agent_language
    waited = describe(now - (reminder.sent_at or reminder.due_at))
    mentions = ("lead",) + ((f"user:{case.assignee_id}",) if case.assignee_id else ())
    label = _label(reminder, lang).lower()
    return Card(
        CardKind.PING,
        t("escalation.title", lang, ref=case.ref, label=label, waited=waited),
        (_what(reminder, lang),),
        footer=t("escalation.footer", lang, ref=case.ref),
        mentions=mentions,
    )
