"""A reading as compact JSON, the form a case row keeps (issue 15: bytes per case).

Short keys; each piece of evidence ([name, detail]) is listed once under "e" and each part
names its evidence by position, since one word often backs several parts ('LADRONES' is an
insult, capitals and intensity); what is as a new reading has it (no history, no order, no
flags, no corrections, full language confidence, unknown subject) is left out. About 330
bytes where the long form, one key per field, took about 760.

`reading_from_compact` also reads the long form (`bot.core.base.case.reading_to_json`,
what rows written before m012 hold), so either may be met in a file.
"""

from __future__ import annotations

import json
from typing import Any

# One memo of decoded readings and one table per enum serve both forms (keyed by stored text).
from bot.core.base.case import _IMPACTS, _KINDS, _REASONS, _RECENT, reading_from_json
from bot.core.base.model import CustomerKind, History, Impact, Reading, Reason, Signal, Subject

_PARTS = ("re", "ke", "ie", "me", "se")  # reason, kind, intensity, impact, subject evidence
_NO_HISTORY = (0, 0, 0, 0, False)


def reading_to_compact(reading: Reading) -> str:
    """The reading as compact JSON (see the module's docstring)."""
    r = reading
    data: dict[str, Any] = {"l": r.language}
    if r.language_confidence != 1.0:
        data["c"] = r.language_confidence
    data |= {"r": r.reason.value, "k": r.kind.value, "i": r.intensity, "m": r.impact.value}
    if r.subject is not Subject.UNKNOWN:
        data["s"] = r.subject.value
    seen: dict[Signal, int] = {}
    evidence = (
        r.reason_evidence, r.kind_evidence, r.intensity_evidence, r.impact_evidence,
        r.subject_evidence,
    )  # fmt: skip
    for key, signals in zip(_PARTS, evidence, strict=True):
        if signals:
            data[key] = [seen.setdefault(s, len(seen)) for s in signals]
    if seen:
        data["e"] = [[s.name, s.detail] for s in seen]
    h = r.history
    if (h.earlier_cases, h.resolved, h.let_go, h.still_open, h.chronic) != _NO_HISTORY:
        data["h"] = [h.earlier_cases, h.resolved, h.let_go, h.still_open, int(h.chronic)]
    if r.order_ref is not None:
        data["o"] = r.order_ref
    if r.flags:
        data["f"] = sorted(r.flags)
    if r.corrected:
        data["x"] = [list(pair) for pair in r.corrected]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    _RECENT.keep(raw, reading)
    return raw


def reading_from_compact(raw: str) -> Reading:
    """Rebuild a reading stored compact, or in the long form of earlier rows (the latest
    written or read are not decoded again: a reading is a frozen value)."""
    if not raw.startswith('{"l":'):
        return reading_from_json(raw)
    found = _RECENT.get(raw)
    if found is None:
        found = _decoded(raw)
        _RECENT.keep(raw, found)
    return found


def _decoded(raw: str) -> Reading:
    data = json.loads(raw)
    signals = [Signal(str(name), str(detail)) for name, detail in data.get("e", ())]
    parts = [tuple([signals[i] for i in data.get(key, ())]) for key in _PARTS]
    h = data.get("h")
    history = History(h[0], h[1], h[2], h[3], bool(h[4])) if h else History()
    return Reading(
        language=data["l"],
        language_confidence=float(data.get("c", 1.0)),
        reason=_REASONS.get(data["r"]) or Reason(data["r"]),
        reason_evidence=parts[0],
        kind=_KINDS.get(data["k"]) or CustomerKind(data["k"]),
        kind_evidence=parts[1],
        intensity=data["i"],
        intensity_evidence=parts[2],
        impact=_IMPACTS.get(data["m"]) or Impact(data["m"]),
        impact_evidence=parts[3],
        history=history,
        order_ref=data.get("o"),
        flags=frozenset(data.get("f", ())),
        subject=Subject(data.get("s", Subject.UNKNOWN.value)),
        subject_evidence=parts[4],
        corrected=tuple((str(p), str(b)) for p, b in data.get("x", ())),
    )

