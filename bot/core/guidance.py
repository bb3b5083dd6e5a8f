"""Turning a case and its playbook into cards: header, steps, suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.cards import Action, ActionId, Card, CardKind
from bot.core.case import Case, CaseStep
from bot.core.clocks import describe
from bot.core.lifecycle import LABELS
from bot.core.model import CustomerKind, Reading, Signal, Status, StepState
from bot.core.playbook import Playbook, ReadingRules, Step, Suggestion, render_template

_BOX = {StepState.PENDING: "☐", StepState.DONE: "☑", StepState.SKIPPED: "⤼"}
# Until someone claims the case, the agent signs the reply by filling this in.
_NO_AGENT = {"es": "[su nombre]", "en": "[your name]"}
_SHOWN_AHEAD = 2
_NO_CHANNEL = {"es": "por teléfono o por correo", "en": "by phone or email"}


@dataclass(frozen=True)
class GuidanceConfig:
    agent_language: str
    contact_channel: str = ""


def _quoted(signals: Sequence[Signal]) -> str:
    unique = dict.fromkeys((s.name, s.detail) for s in signals if s.name != "intensity")
    return ", ".join(f'"{detail}" ({name})' for name, detail in unique)


def _reading_lines(reading: Reading, rules: ReadingRules, lang: str) -> list[str]:
    lines = []
    why = _quoted(reading.intensity_evidence + reading.impact_evidence)
    lines.append(f"Why: {why}" if why else "Why: calm wording, no threats.")
    reason_words = ", ".join(f'"{s.detail}"' for s in reading.reason_evidence)
    lines.append(f"Reason: {reading.reason.value}" + (f" ({reason_words})" if reason_words else ""))
    if reading.kind is not CustomerKind.UNKNOWN:
        rule = rules.kinds.get(reading.kind)
        cues = ", ".join(f'"{s.detail}"' for s in reading.kind_evidence)
        tip = f" → {rule.treatment.get(lang)}" if rule else ""
        lines.append(f"Customer seems: {reading.kind.value} ({cues}){tip}")
    lines.append(_history_line(reading))
    return lines


def _history_line(reading: Reading) -> str:
    h = reading.history
    if h.earlier_cases == 0:
        return "History: first complaint from this customer."
    line = (
        f"History: {h.earlier_cases} earlier case(s): {h.resolved} resolved, "
        f"{h.let_go} let go, {h.still_open} still open."
    )
    return line + (" ⚠ Chronic complainer: evaluate (seed 001 tip 9)." if h.chronic else "")


def progress_line(playbook: Playbook, steps: Sequence[CaseStep]) -> str:
    """Where the case stands in one short line: done so far, the current step, what's next."""
    finished = [s for s in steps if s.state is not StepState.PENDING]
    pending = [s for s in steps if s.state is StepState.PENDING]
    parts = [f"Progress {len(finished)}/{len(steps)}"]
    if finished:
        shown = [f"{_BOX[s.state]} {s.step_id}" for s in finished[-2:]]
        parts.append(("… " if len(finished) > 2 else "") + " ".join(shown))
    if pending:
        parts.append(f"▸ now: {pending[0].step_id}")
        ahead = [f"☐ {s.step_id}" for s in pending[1 : 1 + _SHOWN_AHEAD]]
        more = len(pending) - 1 - len(ahead)
        if ahead:
            parts.append(" ".join(ahead) + (f" +{more}" if more > 0 else ""))
    else:
        parts.append("all steps worked")
    return " · ".join(parts)


def header_card(
    case: Case,
    playbook: Playbook,
    rules: ReadingRules,
    steps: Sequence[CaseStep],
    config: GuidanceConfig,
    now: datetime,
    next_due: tuple[str, datetime] | None = None,
) -> Card:
    """The case header: reading, evidence, progress, status and the next clock."""
    r = case.reading
    title = (
        f"Case {case.ref} · {r.reason.value} · {'🔥' * r.intensity or '·'} intensity "
        f"{r.intensity}/3 · impact {r.impact.value.upper()} · {r.language}"
    )
    lines = [*_reading_lines(r, rules, config.agent_language), progress_line(playbook, steps)]
    who = case.assignee_name or "unassigned"
    status = f"Status: {LABELS[case.status]} · {who}"
    if next_due and case.status is not Status.CLOSED:
        kind, due = next_due
        delta = due - now
        when = f"in {describe(delta)}" if delta.total_seconds() >= 0 else (
            f"overdue by {describe(delta)}")
        status += f" · next: {kind} {due:%Y-%m-%d %H:%M} UTC ({when})"
    lines.append(status)
    value = str(case.id)
    actions = (
        Action(ActionId.CLAIM, "Claim", value),
        Action(ActionId.RESOLVE, "Resolve", value),
        Action(ActionId.LET_GO, "Let go", value),
    )
    return Card(CardKind.HEADER, title, tuple(lines), actions=actions if case.is_open else ())


def step_card(case: Case, step: Step, number: int, total: int, lang: str) -> Card:
    """One step of guidance, to be marked with a reaction or a button."""
    value = f"{case.id}:{step.id}"
    return Card(
        CardKind.STEP,
        f"Step {number}/{total} · {step.title.get(lang)}",
        (step.guidance.get(lang), f"(advice: {', '.join(step.advice)})"),
        actions=(
            Action(ActionId.STEP_DONE, "Done", value),
            Action(ActionId.STEP_SKIP, "Skip", value),
        ),
        footer=f"React ✅ when done, ⏩ to skip · or /complaint done {step.id}",
    )


def suggestion_card(
    case: Case,
    suggestion: Suggestion,
    rules: ReadingRules,
    config: GuidanceConfig,
    agent_name: str | None,
) -> Card:
    """A reply to copy, in the customer's language, for their kind."""
    lang = case.reading.language
    variant = suggestion.variant_for(case.reading.kind)
    text = render_template(variant.text.get(lang), template_values(case, rules, config, agent_name))
    return Card(
        CardKind.SUGGESTION,
        f"Suggested reply ({lang}) — {suggestion.label.get(config.agent_language)}",
        quote=text,
        actions=(Action(ActionId.OTHER_SUGGESTION, "Other", f"{case.id}:{suggestion.id}"),),
    )


def template_values(
    case: Case, rules: ReadingRules, config: GuidanceConfig, agent_name: str | None
) -> dict[str, str]:
    """The values a reply template may use, in the customer's language."""
    lang = case.reading.language
    ref = case.reading.order_ref
    order = (
        rules.order_with_ref.get(lang).format(ref=ref) if ref else rules.order_without_ref.get(lang)
    )
    reason = rules.reason_names.get(case.reading.reason)
    return {
        "customer": (case.customer_name or "").split(" ")[0],
        "order": order,
        "reason": reason.get(lang).lower() if reason else case.reading.reason.value,
        "agent": agent_name or _NO_AGENT.get(lang, _NO_AGENT["en"]),
        "channel": config.contact_channel or _NO_CHANNEL.get(lang, _NO_CHANNEL["en"]),
        "case": case.ref,
    }


def notice_card(text: str, *lines: str) -> Card:
    """A short notice in the thread."""
    return Card(CardKind.NOTICE, text, tuple(lines))
