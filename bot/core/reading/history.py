"""What a customer's past says, and how much a complaint matters (seed 002 §1, 001 tip 9)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.base.model import CustomerKind, History, Impact, Signal

#: Earlier cases from which a customer counts as chronic on volume alone.
CHRONIC_CASES = 5
#: Earlier cases from which one case let go makes a customer chronic.
CHRONIC_CASES_WITH_LET_GO = 3
#: Earlier cases from which the impact of a new complaint goes up one level.
MANY_EARLIER_CASES = 3

_LEVELS = (Impact.LOW, Impact.MEDIUM, Impact.HIGH)


def assess_history(earlier_cases: int, resolved: int, let_go: int, still_open: int) -> History:
    """Summarise a customer's earlier cases and say whether they complain chronically.

    Chronic means at least 5 earlier cases, or at least 3 with at least one of
    them let go (seed 001 tip 9: nothing satisfies them). Chronic is a flag for
    the agent to weigh, never a reason to ignore the complaint.
    """
    chronic = earlier_cases >= CHRONIC_CASES or (
        earlier_cases >= CHRONIC_CASES_WITH_LET_GO and let_go >= 1
    )
    return History(earlier_cases, resolved, let_go, still_open, chronic)


def describe_history(history: History) -> str:
    """Say in a few words what the earlier cases were."""
    parts = [f"{history.resolved} resolved"] if history.resolved else []
    if history.let_go:
        parts.append(f"{history.let_go} let go")
    if history.still_open:
        parts.append(f"{history.still_open} still open")
    detail = f" ({', '.join(parts)})" if parts else ""
    plural = "case" if history.earlier_cases == 1 else "cases"
    return f"{history.earlier_cases} earlier {plural}{detail}"


def _history_level(history: History) -> tuple[int, tuple[Signal, ...]]:
    if history.chronic:
        return 1, (Signal("chronic", describe_history(history)),)
    if history.earlier_cases >= MANY_EARLIER_CASES:
        return 1, (Signal("history", describe_history(history)),)
    if history.earlier_cases:
        return 0, (Signal("history", describe_history(history)),)
    return 0, ()


def _signal_level(
    intensity: int, groups: Mapping[str, tuple[Signal, ...]]
) -> tuple[int, list[Signal]]:
    """The level the signals of the text call for (0 low, 1 medium, 2 high), with evidence."""
    public, leave = groups.get("public-threat", ()), groups.get("leave-threat", ())
    legal, boss = groups.get("legal-threat", ()), groups.get("escalation", ())
    repeat = groups.get("repeat-contact", ())
    furious = intensity >= 3 and bool(leave or boss)
    level = 2 if public or legal or furious else 1 if intensity >= 2 or leave or repeat else 0
    evidence = [Signal("intensity", f"{intensity}/3")] if intensity >= 2 else []
    evidence.extend((*public, *legal, *leave, *(boss if furious else ()), *repeat[:1]))
    return level, evidence


def impact_of(
    intensity: int,
    groups: Mapping[str, tuple[Signal, ...]],
    kind: CustomerKind,
    history: History,
) -> tuple[Impact, tuple[Signal, ...]]:
    """Grade a complaint LOW, MEDIUM or HIGH by anger, threats, kind and past.

    A threat to go public, bringing in lawyers, courts, consumer authorities or
    the bank, or fury (intensity 3) with a threat to leave or a demand for the
    boss, is HIGH. Intensity 2 or more, a threat to leave, a problem the
    customer has reported before, or a know-it-all (who tends to file formal
    complaints, seed 003) is at least MEDIUM. Many earlier cases, or a chronic
    complainer, raise the grade one level.
    """
    level, evidence = _signal_level(intensity, groups)
    if kind is CustomerKind.KNOW_IT_ALL:
        level = max(level, 1)
        evidence.append(Signal("kind", "know-it-all: may file a formal complaint"))
    raise_by, history_evidence = _history_level(history)
    evidence.extend(history_evidence)
    return _LEVELS[min(2, level + raise_by)], tuple(evidence)
