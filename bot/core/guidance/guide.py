"""Turning a case and its playbook into cards: header, steps, suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from bot.core.base.cards import Action, ActionId, Card, CardKind
from bot.core.base.case import Case, CaseStep
from bot.core.base.clocks import describe, local_time
from bot.core.base.model import (
    CustomerKind,
    History,
    Reading,
    Signal,
    Status,
    StepState,
    Subject,
)
from bot.core.guidance.corrections import (
    corrected_by,
    current_value,
    marked,
    marked_value,
    reading_menu,
    value_name,
)
from bot.core.guidance.playbook import (
    Group,
    Playbook,
    ReadingRules,
    Step,
    Suggestion,
)
from bot.core.guidance.wording import reply_text, subject_name
from bot.core.texts import Translator, for_language, label, name, plural, t

_BOX = {StepState.PENDING: "☐", StepState.DONE: "☑", StepState.SKIPPED: "⤼"}
# Evidence from a customer's earlier cases (see `reading_history`), told from `Reading.history`.
_HISTORY_SIGNALS = ("history", "chronic")


@dataclass(frozen=True)
class GuidanceConfig:
    agent_language: str
    contact_channel: str = ""
    #: The team's time zone (SERENO_TIMEZONE): every time shown to people is in it.
    timezone: str = "UTC"


def history_evidence(history: History, lang: str) -> str:
    """A customer's earlier cases in a few words, e.g. '3 earlier cases (1 resolved, 2 let go)'."""
    return _history_told(history, lang, for_language(lang))[0]


@lru_cache(maxsize=512)
def _history_told(history: History, lang: str, _: Translator) -> tuple[str, str]:
    """`history_evidence` and the header's history line, kept: a few counts come back case
    after case (the translator in the key: texts follow a change of catalogue)."""
    return _evidence_of(history, lang), _history_said(history, lang)


def _evidence_of(history: History, lang: str) -> str:
    counts = (
        ("evidence.resolved", history.resolved),
        ("evidence.let_go", history.let_go),
        ("evidence.still_open", history.still_open),
    )
    parts = [plural(key, count, lang) for key, count in counts if count]
    detail = f" ({', '.join(parts)})" if parts else ""
    return plural("evidence.earlier", history.earlier_cases, lang) + detail


def _detail(signal: Signal, history: History, lang: str) -> str:
    """A signal's evidence; a customer's past is told from the reading's history, in `lang`."""
    if signal.name in _HISTORY_SIGNALS and history.earlier_cases:
        return history_evidence(history, lang)
    return signal.detail


def _quoted(signals: Sequence[Signal], history: History, lang: str) -> str:
    shown = (s for s in signals if s.name != "intensity")
    unique = dict.fromkeys((s.name, _detail(s, history, lang)) for s in shown)
    return ", ".join(f'"{detail}" ({label("signal", kind, lang)})' for kind, detail in unique)


def _reading_lines(reading: Reading, rules: ReadingRules, lang: str) -> list[str]:
    """The reading, each part with its evidence, or who corrected it (`corrections`)."""
    lines = []
    evidence = reading.intensity_evidence + reading.impact_evidence
    why = _quoted(evidence, reading.history, lang)
    why_line = t("header.why", lang, why=why) if why else t("header.why_calm", lang)
    lines.append(why_line + marked_value(reading, "intensity", lang, str(reading.intensity)))
    reason_words = ", ".join(f'"{s.detail}"' for s in reading.reason_evidence)
    words = f" ({reason_words})" if reason_words else ""
    words = marked(reading, "reason", lang) or words
    reason = name("reason", reading.reason.value, lang)
    about = _about(reading, rules, lang)
    lines.append(t("header.reason", lang, reason=reason, words=words) + about)
    kind_by = corrected_by(reading, "kind")
    if reading.kind is not CustomerKind.UNKNOWN or kind_by:
        rule = rules.kinds.get(reading.kind)
        cues = ", ".join(f'"{s.detail}"' for s in reading.kind_evidence)
        cues = t("correction.by", lang, by=kind_by) if kind_by else cues
        tip = f" → {rule.treatment.get(lang)}" if rule else ""
        kind = name("kind", reading.kind.value, lang)
        lines.append(t("header.kind", lang, kind=kind, cues=cues, tip=tip))
    threats_by = corrected_by(reading, "threats")
    if threats_by:
        shown = value_name("threats", current_value(reading, "threats"), rules, lang)
        lines.append(t("correction.header_threats", lang, threats=shown, by=threats_by))
    lines.append(_history_line(reading, lang))
    return lines


def _about(reading: Reading, rules: ReadingRules, lang: str) -> str:
    """What the complaint is about and the words that say so: ' · about: flight ("vuelo")'."""
    if reading.subject is Subject.UNKNOWN and not corrected_by(reading, "subject"):
        return ""
    quoted = ", ".join(f'"{s.detail}"' for s in reading.subject_evidence)
    words = marked(reading, "subject", lang) or (f" ({quoted})" if quoted else "")
    return t("header.about", lang, subject=subject_name(reading, rules, lang), words=words)


def _history_line(reading: Reading, lang: str) -> str:
    return _history_told(reading.history, lang, for_language(lang))[1]


def _history_said(h: History, lang: str) -> str:
    if h.earlier_cases == 0:
        return t("header.history_first", lang)
    line = t(
        "header.history",
        lang,
        earlier=plural("evidence.earlier", h.earlier_cases, lang),
        resolved=plural("evidence.resolved", h.resolved, lang),
        let_go=plural("evidence.let_go", h.let_go, lang),
        still_open=plural("evidence.still_open", h.still_open, lang),
    )
    return line + (t("header.chronic", lang) if h.chronic else "")


def progress_line(playbook: Playbook, steps: Sequence[CaseStep], lang: str = "en") -> str:
    """Where the case stands in one short line: how many steps are worked, the whole
    checklist (a group of steps shown as one card is one entry) and the current step.

    Kept on the playbook by its steps' states and the translator (every new case of a
    playbook starts with the same line)."""
    key = (for_language(lang), *[(s.step_id, s.state) for s in steps])
    line = playbook.memo.get(key)
    if line is None:
        line = playbook.memo.keep(key, _progress_line(playbook, steps, lang))
    return line


def _progress_line(playbook: Playbook, steps: Sequence[CaseStep], lang: str) -> str:
    finished = [s for s in steps if s.state is not StepState.PENDING]
    pending = [s for s in steps if s.state is StepState.PENDING]
    parts = [t("progress.count", lang, done=len(finished), total=len(steps))]
    parts.append(" ".join(checklist(playbook, steps)))
    if pending:
        parts.append(t("progress.now", lang, step=pending[0].step_id))
    else:
        parts.append(t("progress.all_done", lang))
    return " · ".join(parts)


def checklist(playbook: Playbook, steps: Sequence[CaseStep]) -> list[str]:
    """Every step of the case, ☑ worked or ☐ left; a group's steps are one entry, with
    how many of them are worked while it is under way."""
    entries: list[tuple[str, list[CaseStep]]] = []
    for case_step in steps:
        group = playbook.group_of(case_step.step_id)
        label = group.id if group else case_step.step_id
        if group and entries and entries[-1][0] == label:
            entries[-1][1].append(case_step)
        else:
            entries.append((label, [case_step]))
    shown = []
    for label, members in entries:
        left = [m for m in members if m.state is StepState.PENDING]
        if not left:
            skipped = all(m.state is StepState.SKIPPED for m in members)
            shown.append(f"{_BOX[StepState.SKIPPED if skipped else StepState.DONE]} {label}")
        elif len(left) < len(members):
            shown.append(f"☐ {label} {len(members) - len(left)}/{len(members)}")
        else:
            shown.append(f"☐ {label}")
    return shown


def _title(case: Case, lang: str) -> str:
    r = case.reading
    return t(
        "header.title",
        lang,
        ref=case.ref,
        reason=name("reason", r.reason.value, lang),
        flames="🔥" * r.intensity or "·",
        intensity=r.intensity,
        impact=name("impact", r.impact.value, lang).upper(),
        language=r.language,
    )


def _status_line(
    case: Case,
    config: GuidanceConfig,
    now: datetime,
    next_due: tuple[str, datetime] | None,
    target: timedelta | None = None,
) -> str:
    lang = config.agent_language
    who = case.assignee_name or t("header.unassigned", lang)
    status = t("header.status", lang, label=name("status", case.status.value, lang), who=who)
    if next_due and case.status is not Status.CLOSED:
        kind, due = next_due
        delta = due - now
        key = "header.due_in" if delta.total_seconds() >= 0 else "header.overdue"
        when = t(key, lang, delta=describe(delta))
        if kind == "first-response" and target is not None:
            impact = name("impact", case.reading.impact.value, lang).upper()
            when += t("header.target", lang, target=describe(target), impact=impact)
        kind = name("clock", kind, lang)
        due_at = local_time(due, config.timezone)
        status += t("header.next", lang, kind=kind, due=due_at, when=when)
    return status


def header_card(
    case: Case,
    playbook: Playbook,
    rules: ReadingRules,
    steps: Sequence[CaseStep],
    config: GuidanceConfig,
    now: datetime,
    next_due: tuple[str, datetime] | None = None,
    target: timedelta | None = None,
) -> Card:
    """The case header: reading, evidence, progress, status and the next clock (with the
    first-response `target` for the case's impact, while no one has answered)."""
    lang = config.agent_language
    lines = [
        *_reading_lines(case.reading, rules, lang),
        progress_line(playbook, steps, lang),
        _status_line(case, config, now, next_due, target),
    ]
    value = str(case.id)
    actions = (
        Action(ActionId.CLAIM, t("button.claim", lang), value),
        Action(ActionId.RESOLVE, t("button.resolve", lang), value),
        Action(ActionId.LET_GO, t("button.let_go", lang), value),
    )
    return Card(
        CardKind.HEADER,
        _title(case, lang),
        tuple(lines),
        actions=actions if case.is_open else (),
        menu=reading_menu(case, lang) if case.is_open else None,
    )


def step_card(case: Case, step: Step, number: int, total: int, lang: str) -> Card:
    """One step of guidance, to be marked with a reaction or a button."""
    value = f"{case.id}:{step.id}"
    title = t("step.title", lang, number=number, total=total, title=step.title.get(lang))
    return Card(
        CardKind.STEP,
        title,
        (step.guidance.get(lang), t("step.advice", lang, advice=", ".join(step.advice))),
        actions=(
            Action(ActionId.STEP_DONE, t("button.done", lang), value),
            Action(ActionId.STEP_SKIP, t("button.skip", lang), value),
        ),
        footer=t("step.footer", lang, step=step.id),
    )


def group_card(
    case: Case, group: Group, members: Sequence[Step], number: int, total: int, lang: str
) -> Card:
    """Several steps that need no separate decision, as one card marked with one ✅
    (its texts kept on the group: they depend on the case only through its number)."""
    key = (for_language(lang), number, total, *[s.id for s in members])
    texts = group.memo.get(key)
    if texts is None:
        texts = group.memo.keep(key, _group_texts(group, members, number, total, lang))
    title, footer, done, skip, *lines = texts
    value = f"{case.id}:{members[0].id}"
    return Card(
        CardKind.STEP,
        title,
        tuple(lines),
        actions=(Action(ActionId.STEP_DONE, done, value), Action(ActionId.STEP_SKIP, skip, value)),
        footer=footer,
    )


def _group_texts(
    group: Group, members: Sequence[Step], number: int, total: int, lang: str
) -> tuple[str, ...]:
    """A group card's title, footer, button labels and lines."""
    title = t("step.title", lang, number=number, total=total, title=group.title.get(lang))
    lines = [f"{s.title.get(lang)} — {s.guidance.get(lang)}" for s in members]
    advice = dict.fromkeys(a for s in members for a in s.advice)
    lines.append(t("step.advice", lang, advice=", ".join(advice)))
    footer = t("step.footer_group", lang, step=members[0].id)
    return (title, footer, t("button.done", lang), t("button.skip", lang), *lines)


def suggestion_card(
    case: Case,
    suggestion: Suggestion,
    rules: ReadingRules,
    config: GuidanceConfig,
    agent_name: str | None,
    offers: str = "",
) -> Card:
    """A reply to copy, in the customer's language, for their kind, filled with what
    Sereno knows (the agent's name, the contact channel, the `offers` typed)."""
    lang, agent_lang = case.reading.language, config.agent_language
    text = reply_text(case, suggestion, rules, config.contact_channel, agent_name, offers)
    label = suggestion.label.get(agent_lang)
    other = Action(
        ActionId.OTHER_SUGGESTION, t("button.other", agent_lang), f"{case.id}:{suggestion.id}"
    )
    answer = Action(ActionId.REPLY, t("button.reply", agent_lang), f"{case.id}:{suggestion.id}")
    return Card(
        CardKind.SUGGESTION,
        t("suggestion.title", agent_lang, language=lang, label=label),
        quote=text,
        actions=(answer, other),
    )


def opener_card(case: Case, lang: str) -> Card:
    """The first post of a case's staff-only thread: who complained, where, and what they
    wrote (quoted); the adapter turns the footer into a link to the complaint."""
    return Card(
        CardKind.OPENER,
        t("opener.title", lang, ref=case.ref, customer=case.customer_name or case.customer_id),
        (t("opener.where", lang, channel=case.channel_id),),
        quote=case.text,
        footer=t("opener.link", lang),
        source=(case.channel_id, case.message_id),
    )


def mirror_card(who: str, role: str, at: datetime, text: str, lang: str, zone: str = "UTC") -> Card:
    """A message written where the customer reads, shown in the staff-only thread, so the
    team follows the conversation from one place: who, when (in the team's zone), what."""
    return Card(
        CardKind.MIRROR,
        t(f"mirror.{role}", lang, name=who, at=local_time(at, zone, date=False)),
        quote=text,
    )


def notice_card(text: str, *lines: str) -> Card:
    """A short notice in the thread."""
    return Card(CardKind.NOTICE, text, tuple(lines))
