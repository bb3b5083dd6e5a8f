"""A reading as an agent corrected it: the parts they named, marked with who did, and
the impact weighed again from the corrected intensity, kind and threats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.core.base.model import CustomerKind, Reading, Reason, Signal, Subject
from bot.core.guidance.corrections import PARTS, THREATS, current_value, threats_of
from bot.core.reading.history import impact_of

THREAT_SIGNALS = tuple(f"{x}-threat" for x in THREATS)
#: Evidence that says how weighty a case is, not which signal group it came from.
_NOT_GROUPS = ("intensity", "kind", "history", "chronic")


@dataclass(frozen=True)
class Change:
    part: str
    before: str
    after: str


def corrected(
    reading: Reading, changes: Mapping[str, str], by: str
) -> tuple[Reading, list[Change]]:
    """The reading with `changes` applied (part → value as `part_values` spells it;
    threats a comma-separated list or "none"), and what actually changed."""
    done = []
    for part in PARTS:  # a fixed order: the timeline and the reply read the same
        if part not in changes:
            continue
        after = _normal(part, changes[part])
        before = current_value(reading, part)
        if after == before:
            continue
        done.append(Change(part, before, after))
        reading = _apply(reading, part, after)
    if not done:
        return reading, []
    marks = tuple(m for m in reading.corrected if m[0] not in {c.part for c in done})
    marks += tuple((c.part, by) for c in done)
    reading = replace(reading, corrected=marks)
    return _reweigh(reading), done


def _normal(part: str, value: str) -> str:
    if part != "threats":
        return value
    chosen = {x.strip() for x in value.split(",")}
    return ",".join(x for x in THREATS if x in chosen) or "none"


def _apply(reading: Reading, part: str, value: str) -> Reading:
    if part == "reason":
        return replace(reading, reason=Reason(value), reason_evidence=())
    if part == "kind":
        return replace(reading, kind=CustomerKind(value), kind_evidence=())
    if part == "subject":
        return replace(reading, subject=Subject(value), subject_evidence=())
    if part == "intensity":
        return replace(reading, intensity=int(value))
    threats = {f"{x}-threat" for x in value.split(",") if x in THREATS}
    kept = tuple(
        s for s in reading.intensity_evidence if s.name not in THREAT_SIGNALS or s.name in threats
    )
    flags = (reading.flags - set(THREAT_SIGNALS)) | threats
    return replace(reading, intensity_evidence=kept, flags=frozenset(flags))


def _reweigh(reading: Reading) -> Reading:
    """The impact of the corrected reading, from its signals and corrected threats."""
    groups: dict[str, tuple[Signal, ...]] = {}
    for signal in reading.intensity_evidence:
        if signal.name not in _NOT_GROUPS:
            groups[signal.name] = (*groups.get(signal.name, ()), signal)
    told = []  # a threat the agent named, with no words of the customer to show for it
    for threat in threats_of(reading):
        name = f"{threat}-threat"
        if name not in groups:
            told.append(Signal(name, name))
            groups[name] = (told[-1],)
    impact, evidence = impact_of(reading.intensity, groups, reading.kind, reading.history)
    shown = tuple(s for s in evidence if s not in told)  # the header's threats line says them
    return replace(reading, impact=impact, impact_evidence=shown)
