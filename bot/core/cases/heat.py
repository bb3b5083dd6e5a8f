"""Anger rising: a customer's later message re-reads how hot and how weighty a case is.

A later message that reads angrier (intensity) or weightier (impact: a lawyer, going
public) than the case so far raises the case's reading to match (a reading never
falls), and the first-response clock, while it still runs, tightens to the new
impact's target (it never loosens). The conversation then redraws the header and
posts one notice, whether or not anyone has claimed the case (advice anger-during).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.base.case import Case
from bot.core.base.clocks import Clocks, ReminderKind
from bot.core.base.model import Impact, Reading, Signal
from bot.core.base.store_port import CaseStore
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.history import impact_of
from bot.core.reading.signals import intensity_signals
from bot.core.reading.text import FoldedText

_ORDER = (Impact.LOW, Impact.MEDIUM, Impact.HIGH)


@dataclass(frozen=True)
class Rise:
    """What a later message changed in a case's reading."""

    reading: Reading
    #: The message's own intensity (0–3) and the words that show its anger and weight.
    intensity: int
    evidence: tuple[Signal, ...]
    intensity_rose: bool
    impact_rose: bool

    @property
    def rose(self) -> bool:
        """Whether the case is hotter or weightier than before."""
        return self.intensity_rose or self.impact_rose


def reread(reading: Reading, text: str, rules: ReadingRules) -> Rise:
    """The case's reading raised by what a later message of the customer says."""
    intensity, groups = intensity_signals(FoldedText.of(text), rules, reading.language)
    signals = tuple(s for found in groups.values() for s in found)
    hottest = max(intensity, reading.intensity)
    impact, impact_evidence = impact_of(hottest, groups, reading.kind, reading.history)
    intensity_rose = intensity > reading.intensity
    impact_rose = _ORDER.index(impact) > _ORDER.index(reading.impact)
    raised = reading
    if intensity_rose:
        raised = replace(
            raised, intensity=intensity, intensity_evidence=reading.intensity_evidence + signals
        )
    if impact_rose:
        fresh = tuple(s for s in impact_evidence if s not in reading.impact_evidence)
        raised = replace(raised, impact=impact, impact_evidence=reading.impact_evidence + fresh)
    # The evidence in words; the level itself ("3/3") is said on its own.
    weight = tuple(s for s in impact_evidence if s.name != "intensity" and s not in signals)
    shown = signals + (weight if impact_rose else ())
    return Rise(raised, intensity, shown, intensity_rose, impact_rose)


def tighten(store: CaseStore, case: Case, clocks: Clocks, now: datetime) -> datetime | None:
    """Bring a still-running first-response clock forward to the target for the case's
    (new) impact, counted from when the case opened; the new due time, or None when the
    clock is stopped, already pinged, or already due sooner."""
    if case.first_response_at is not None:
        return None
    target = clocks.first_response_for(case.reading.impact.value)
    for reminder in store.reminders_for(case.id):
        if reminder.kind is ReminderKind.FIRST_RESPONSE and reminder.status == "pending":
            due = case.opened_at + target
            if due >= reminder.due_at:
                return None
            store.update_reminder(reminder.id, due_at=due)
            return due
    return None
