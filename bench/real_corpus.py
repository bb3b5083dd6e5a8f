"""The real corpus (tests/data/real): its splits and how a reading is scored against it.

Shared by bench/heldout_score.py (the held-out third, totals only), bench/tune_real.py (the
tune part, with its misses), bench/reading_accuracy.py --real and the floors in
tests/test_real_corpus_floors.py. Nothing here prints a text or a per-text result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.core.base.model import Reading

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
THREATS = ("leave", "public", "legal")
#: The reading's flag for each labelled threat.
THREAT_FLAGS = {"leave": "leave-threat", "public": "public-threat", "legal": "legal-threat"}


def load_split(split: str, corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """Return the records of one split ("tune" or "heldout") of every corpus file."""
    records: list[dict[str, Any]] = []
    for path in sorted(corpus.glob("complaints_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record.get("split") == split:
                    records.append(record)
    return records


def load_heldout(corpus: Path = CORPUS) -> list[dict[str, Any]]:
    """Return the held-out records of every corpus file."""
    return load_split("heldout", corpus)


def read_threats(reading: Reading) -> set[str]:
    """Return the threats the reading found, by the corpus's names."""
    return {name for name, flag in THREAT_FLAGS.items() if flag in reading.flags}


#: The corpus labels one value per pair ("order" for order or parcel, ...); a reading's finer
#: subject is folded into the corpus's value before comparing.
SUBJECT_GROUPS = {
    "parcel": "order",
    "booking": "flight",
    "charge": "invoice",
    "account": "card",
    "website": "app",
    "unknown": "other",
}


def read_subject(reading: Reading) -> str | None:
    """Return the subject the reading names, by the corpus's values, if it names one yet."""
    subject = getattr(reading, "subject", None)
    if subject is None:
        return None
    value = str(getattr(subject, "value", subject))
    return SUBJECT_GROUPS.get(value, value)


def share(hits: int, total: int) -> str:
    """Format a share, or a dash when there is nothing to count."""
    return f"{hits / total:6.1%}" if total else "     -"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Return precision, recall and F1 (0 where undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def field_rows(records: Sequence[dict[str, Any]], readings: Sequence[Reading]) -> list[tuple]:
    """Return (field, hits, total) for each measured field."""
    pairs = list(zip(records, readings, strict=True))
    subjects = [(r, read_subject(g)) for r, g in pairs]
    return [
        ("language", sum(g.language == r["language"] for r, g in pairs), len(pairs)),
        ("reason", sum(g.reason.value == r["reason"] for r, g in pairs), len(pairs)),
        ("intensity", sum(g.intensity == r["intensity"] for r, g in pairs), len(pairs)),
        ("intensity±1", sum(abs(g.intensity - r["intensity"]) <= 1 for r, g in pairs), len(pairs)),
        ("kind", sum(g.kind.value == r["kind"] for r, g in pairs), len(pairs)),
        ("subject", sum(s == r["subject"] for r, s in subjects if s is not None),
         sum(s is not None for _, s in subjects)),
    ]  # fmt: skip


def threat_counts(
    records: Sequence[dict[str, Any]], readings: Sequence[Reading], threat: str | None
) -> tuple[int, int, int]:
    """Return (tp, fp, fn) for one threat, or for every threat pooled when threat is None."""
    names = THREATS if threat is None else (threat,)
    tp = fp = fn = 0
    for record, reading in zip(records, readings, strict=True):
        labelled = set(record["threats"]) & set(names)
        found = read_threats(reading) & set(names)
        tp += len(labelled & found)
        fp += len(found - labelled)
        fn += len(labelled - found)
    return tp, fp, fn


def any_threat_counts(
    records: Sequence[dict[str, Any]], readings: Sequence[Reading]
) -> tuple[int, int, int]:
    """Return (tp, fp, fn) for "the text holds some threat", whichever it is."""
    pairs = [
        (bool(r["threats"]), bool(read_threats(g))) for r, g in zip(records, readings, strict=True)
    ]
    return (
        sum(a and b for a, b in pairs),
        sum(b and not a for a, b in pairs),
        sum(a and not b for a, b in pairs),
    )


def source_of(record: dict[str, Any]) -> str:
    """The record's source, as its id names it ("en-air", "es-coah")."""
    return "-".join(str(record["id"]).split("-")[:2])


def print_totals(
    records: Sequence[dict[str, Any]], readings: Sequence[Reading], *, by_source: bool = False
) -> None:
    """Print every field's accuracy and the threat scores, in all, per language (and source)."""
    groups = {"all": list(range(len(records)))}
    keys = [lambda r: r["language"], *([source_of] if by_source else [])]
    for key in keys:
        for value in sorted({key(r) for r in records}):
            groups[value] = [i for i, r in enumerate(records) if key(r) == value]
    parts = {
        name: ([records[i] for i in idx], [readings[i] for i in idx])
        for name, idx in groups.items()
    }
    print(f"{'':>14}" + "".join(f"{f'{n} ({len(p[0])})':>14}" for n, p in parts.items()))
    fields = {name: field_rows(*part) for name, part in parts.items()}
    for row, (field, _, _) in enumerate(fields["all"]):
        cells = "".join(f"{share(fields[n][row][1], fields[n][row][2]):>14}" for n in parts)
        print(f"{field:>14}{cells}")
    print("\nthreats (precision / recall / F1; labelled count)")
    for threat in (*THREATS, None, "any"):
        label = "pooled" if threat is None else threat
        cells = ""
        for recs, reads in parts.values():
            if threat == "any":
                tp, fp, fn = any_threat_counts(recs, reads)
            else:
                tp, fp, fn = threat_counts(recs, reads, threat)
            p, r, f = prf(tp, fp, fn)
            cells += f"   {p:.2f}/{r:.2f}/{f:.2f} n={tp + fn:<3}"
        print(f"{label:>8}{cells}")


def scores(records: Sequence[dict[str, Any]], readings: Sequence[Reading]) -> dict[str, float]:
    """Return the goal figures of issue 14: shares per field, threat precision/recall/F1."""
    figures = {
        field: hits / total if total else 0.0
        for field, hits, total in field_rows(records, readings)
    }
    precision, recall, f1 = prf(*threat_counts(records, readings, None))
    figures.update(threat_precision=precision, threat_recall=recall, threat_f1=f1)
    precision, recall, f1 = prf(*any_threat_counts(records, readings))
    figures.update(any_threat_precision=precision, any_threat_recall=recall, any_threat_f1=f1)
    return figures


#: Issue 14's goals on real complaints not used for tuning: figure → least value.
GOALS = {
    "language": 1.0,
    "reason": 0.85,
    "intensity±1": 0.90,
    "threat_f1": 0.85,
    "threat_recall": 0.85,
}


def print_goals(records: Sequence[dict[str, Any]], readings: Sequence[Reading]) -> None:
    """Print each goal against the figure in all and per language, marked met or not."""
    groups: dict[str, list[int]] = {"all": list(range(len(records)))}
    for language in sorted({r["language"] for r in records}):
        groups[language] = [i for i, r in enumerate(records) if r["language"] == language]
    figures = {
        name: scores([records[i] for i in idx], [readings[i] for i in idx])
        for name, idx in groups.items()
    }
    print(f"{'goal':>22}" + "".join(f"{name:>10}" for name in groups))
    for figure, least in GOALS.items():
        cells = "".join(
            f"{figures[name][figure]:>8.3f} {'✓' if figures[name][figure] >= least else '✗'}"
            for name in groups
        )
        print(f"{figure:>14} ≥ {least:<5}{cells}")
