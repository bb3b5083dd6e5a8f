"""Print how well the reading does on the labelled complaints, and the kind confusion.

Run: .venv/bin/python -m bench.reading_accuracy [--misses] [--real]

With --real it also prints the real corpus (tests/data/real): the tune part and the held-out
third, each in all, per language and per source (totals only), and the held-out third against
issue 14's goals.
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.core.base.model import CustomerKind, Reading
from bot.core.reading.reader import read_complaint
from bot.langdetect import LinguaDetector
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules

LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "complaints.toml"
DEFAULT_LANGUAGE = "es"

Check = Callable[[dict[str, Any], Reading], bool]

#: Each measured reading, and how a reading is compared with its label.
CHECKS: dict[str, Check] = {
    "language": lambda c, r: r.language == c["language"],
    "reason": lambda c, r: r.reason.value == c["reason"],
    "kind": lambda c, r: r.kind.value == c["kind"],
    "intensity": lambda c, r: r.intensity == c["intensity"],
    "intensity±1": lambda c, r: abs(r.intensity - c["intensity"]) <= 1,
    "impact": lambda c, r: r.impact.value == c["impact"],
}


def load_labelled(path: Path = LABELS) -> list[dict[str, Any]]:
    """Return the labelled complaints."""
    with path.open("rb") as fh:
        return list(tomllib.load(fh)["complaint"])


def read_all(complaints: Sequence[dict[str, Any]]) -> list[Reading]:
    """Read every complaint with the shipped rules and the real detector."""
    rules = load_rules(RULES_FILE, load_advice_ids())
    detector = LinguaDetector(sorted(rules.order_without_ref.by_language))
    return [
        read_complaint(c["text"], rules=rules, detector=detector, default_language=DEFAULT_LANGUAGE)
        for c in complaints
    ]


def accuracy(complaints: Sequence[dict[str, Any]], readings: Sequence[Reading]) -> dict[str, float]:
    """Return the share of complaints each check gets right."""
    return {
        name: sum(check(c, r) for c, r in zip(complaints, readings, strict=True)) / len(complaints)
        for name, check in CHECKS.items()
    }


def print_confusion(complaints: Sequence[dict[str, Any]], readings: Sequence[Reading]) -> None:
    """Print labelled kind (rows) against read kind (columns)."""
    kinds = [k.value for k in CustomerKind]
    pairs = Counter((c["kind"], r.kind.value) for c, r in zip(complaints, readings, strict=True))
    short = [k[:6] for k in kinds]
    print("\nkind confusion (rows: label, columns: read)")
    print(f"{'':>14}" + "".join(f"{s:>7}" for s in short))
    for label in kinds:
        print(f"{label:>14}" + "".join(f"{pairs[(label, read)] or '.':>7}" for read in kinds))


def print_misses(complaints: Sequence[dict[str, Any]], readings: Sequence[Reading]) -> None:
    """Print every complaint where some reading differs from its label."""
    for c, r in zip(complaints, readings, strict=True):
        wrong = [name for name, check in CHECKS.items() if not check(c, r) and "±" not in name]
        if wrong:
            got = {"language": r.language, "reason": r.reason.value, "kind": r.kind.value,
                   "intensity": r.intensity, "impact": r.impact.value}  # fmt: skip
            print(f"{c['id']}: " + ", ".join(f"{n} {c[n]}→{got[n]}" for n in wrong))


def in_subset(complaint: dict[str, Any], subset: str) -> bool:
    """Say whether a labelled complaint belongs to a subset of SUBSETS."""
    holdout = complaint.get("holdout", False)
    return {
        "main": not holdout,
        "held-out": bool(holdout),
        "held-out v1": holdout is True,
        "v2": holdout == "v2",
        "all": True,
    }[subset]


#: Every subset measured: "held-out" is every batch held out (v1 and v2 together).
SUBSETS = ("main", "held-out", "held-out v1", "v2", "all")


def print_accuracy(complaints: Sequence[dict[str, Any]], readings: Sequence[Reading]) -> None:
    """Print accuracy per reading for each subset of SUBSETS."""
    parts = {
        subset: [i for i, c in enumerate(complaints) if in_subset(c, subset)] for subset in SUBSETS
    }
    shares = {
        part: accuracy([complaints[i] for i in idx], [readings[i] for i in idx])
        for part, idx in parts.items()
        if idx
    }
    print(f"{'':>12}" + "".join(f"{f'{p} ({len(parts[p])})':>17}" for p in shares))
    for name in CHECKS:
        print(f"{name:>12}" + "".join(f"{shares[p][name]:>17.1%}" for p in shares))


def main(argv: Sequence[str] = ()) -> None:
    complaints = load_labelled()
    readings = read_all(complaints)
    print_accuracy(complaints, readings)
    print_confusion(complaints, readings)
    if "--misses" in argv:
        print()
        print_misses(complaints, readings)
    if "--real" in argv:
        print_real()


def print_real() -> None:
    """Print the real corpus's totals per language and source, and the held-out goals."""
    from bench.real_corpus import load_split, print_goals, print_totals

    for split, title in (("tune", "tune part"), ("heldout", "held-out third (totals only)")):
        records = load_split(split)
        readings = read_all(records)
        print(f"\nreal corpus, {title}")
        print_totals(records, readings, by_source=True)
        if split == "heldout":
            print("\nheld-out third against issue 14's goals")
            print_goals(records, readings)


if __name__ == "__main__":
    main(sys.argv[1:])
