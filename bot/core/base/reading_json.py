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
from json.encoder import encode_basestring as _q  # a JSON string, non-ASCII kept (C)

# One memo of decoded readings and one table per enum serve both forms (keyed by stored text).
from bot.core.base.case import _IMPACTS, _KINDS, _REASONS, _RECENT, reading_from_json
from bot.core.base.model import CustomerKind, History, Impact, Reading, Reason, Signal, Subject

_PARTS = ("re", "ke", "ie", "me", "se")  # reason, kind, intensity, impact, subject evidence
_NO_HISTORY = (0, 0, 0, 0, False)


def reading_to_compact(reading: Reading) -> str:
    """The reading as compact JSON (see the module's docstring), written out piece by piece
    (one for every new case): the text `json.dumps` gives of the same keys and values
    (tests/test_serialisation.py holds that dict and compares)."""
    r = reading
    out = ['{"l":', _q(r.language)]
    if r.language_confidence != 1.0:
        out += ',"c":', json.dumps(r.language_confidence)
    out += ',"r":', _q(r.reason.value), ',"k":', _q(r.kind.value)
    out += ',"i":', _number(r.intensity), ',"m":', _q(r.impact.value)
    if r.subject is not Subject.UNKNOWN:
        out += ',"s":', _q(r.subject.value)
    seen: dict[tuple[str, str], int] = {}
    evidence = (
        r.reason_evidence, r.kind_evidence, r.intensity_evidence, r.impact_evidence,
        r.subject_evidence,
    )  # fmt: skip
    for key, signals in zip(_PARTS, evidence, strict=True):
        if signals:
            at = [seen.setdefault((s.name, s.detail), len(seen)) for s in signals]
            out += f',"{key}":[', ",".join(map(str, at)), "]"
    if seen:
        out += ',"e":[', ",".join(f"[{_q(name)},{_q(detail)}]" for name, detail in seen), "]"
    h = r.history
    if (h.earlier_cases, h.resolved, h.let_go, h.still_open, h.chronic) != _NO_HISTORY:
        counts = (h.earlier_cases, h.resolved, h.let_go, h.still_open, int(h.chronic))
        out += ',"h":[', ",".join(map(_number, counts)), "]"
    if r.order_ref is not None:
        out += ',"o":', _q(r.order_ref)
    if r.flags:
        out += ',"f":[', ",".join(map(_q, sorted(r.flags))), "]"
    if r.corrected:
        out += ',"x":[', ",".join(f"[{_q(part)},{_q(by)}]" for part, by in r.corrected), "]"
    out.append("}")
    raw = "".join(out)
    _RECENT.keep(raw, reading)
    return raw


def _number(value: int) -> str:
    """An int as JSON writes it (anything else through json itself)."""
    return str(value) if type(value) is int else json.dumps(value)


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
