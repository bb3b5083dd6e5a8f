"""How far two labellers agree on the real corpus's tune texts (issue 14): totals only.

Run: .venv/bin/python -m bench.label_agreement [--file PATH ...] [--by-source] [--no-reading]

tests/data/real/relabel_tune.jsonl holds a second, blind labelling (reason, threats,
intensity) of a random sample of tune texts: `draw_sample()` gives it (seed 1010: 60 Spanish
and 60 English tune texts of the files in DRAWN_FROM, ids sorted, one `random.Random` per
language). For each language and field this prints the raw agreement between the corpus's
labels (the first labeller) and the second, Cohen's kappa, and the confusion (rows: first
labels, columns: second labels); then, for context, how often Sereno's reading matches the
first labels, the second, and the first where both labellers agree (intensity also within 1,
as bench/heldout_score.py scores it; "where both agree" counts the texts whose intensity
labels are equal).

`--file` may be given more than once (e.g. with tests/data/real/relabel_fresh_es.jsonl, the
rest of the two fresh Spanish batches, or tests/data/real/relabel_tune6_es.jsonl, all of the
Spanish batch drawn the held-out way); `--by-source` adds, per source tag ("es-coah3"), the
reason agreement and each labeller's count of every reason.

Only tune texts are accepted: an id of the held-out third (or an unknown id) stops the script
before anything is read or printed. No text, id or per-text result is printed.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

from bench.real_corpus import CORPUS, THREATS, load_split, read_threats

RELABEL = CORPUS / "relabel_tune.jsonl"
SEED = 1010
PER_LANGUAGE = 60
#: The corpus files the sample was drawn from (files added later do not change the draw).
DRAWN_FROM = (
    "complaints_en.jsonl",
    "complaints_en_tune2.jsonl",
    "complaints_en_tune3.jsonl",
    "complaints_es.jsonl",
    "complaints_es_tune2.jsonl",
    "complaints_es_tune3.jsonl",
    "complaints_es_tune4.jsonl",
)


#: Every other text of the two fresh Spanish batches, labelled the same blind way, to see
#: whether the labelling hand explains their different share of product (README).
FRESH = CORPUS / "relabel_fresh_es.jsonl"
FRESH_FROM = ("complaints_es_tune3.jsonl", "complaints_es_tune4.jsonl")
#: The second labelling of every text of the Spanish batch drawn the held-out way (session 16).
TUNE6 = CORPUS / "relabel_tune6_es.jsonl"
TUNE6_FROM = "complaints_es_tune6.jsonl"


class HeldOutIdError(ValueError):
    """A relabelled id is not a tune text (held out, or not in the corpus)."""


def _records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def draw_sample(corpus: Path = CORPUS) -> list[str]:
    """Return the ids of the sample: per language, PER_LANGUAGE tune texts at random (SEED)."""
    tune = [r for name in DRAWN_FROM for r in _records(corpus / name) if r["split"] == "tune"]
    ids: list[str] = []
    for language in ("es", "en"):
        pool = sorted((r for r in tune if r["language"] == language), key=lambda r: r["id"])
        ids += [r["id"] for r in random.Random(f"{SEED}-{language}").sample(pool, PER_LANGUAGE)]
    return ids


def paired(
    relabel: Path = RELABEL, corpus: Path = CORPUS
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return (corpus record, second labels) for each relabelled id; refuse any non-tune id."""
    tune = {r["id"]: r for r in load_split("tune", corpus)}
    second = _records(relabel)
    refused = [s["id"] for s in second if s["id"] not in tune]
    if refused:
        raise HeldOutIdError(f"{len(refused)} relabelled id(s) are not tune texts; nothing read")
    return [(tune[s["id"]], s) for s in second]


def kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float:
    """Cohen's kappa of (first, second) labels; 1.0 when both always give the one same value."""
    n = len(pairs)
    if not n:
        return float("nan")
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[v] * second[v] for v in first) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _threat_set(labels: Sequence[str]) -> str:
    return "+".join(sorted(labels)) or "none"


#: field name -> how one record's (or one second labelling's) value of it is taken.
FIELDS: dict[str, Callable[[dict[str, Any]], Hashable]] = {
    "reason": lambda r: r["reason"],
    "intensity": lambda r: r["intensity"],
    "threats": lambda r: _threat_set(r["threats"]),
    "any threat": lambda r: bool(r["threats"]),
    **{threat: (lambda r, t=threat: t in r["threats"]) for threat in THREATS},
}
#: the fields whose confusion is printed.
CONFUSED = ("reason", "intensity", "threats")


def _reading_values(reading: Any) -> dict[str, Hashable]:
    threats = sorted(read_threats(reading))
    values: dict[str, Hashable] = {
        "reason": reading.reason.value,
        "intensity": reading.intensity,
        "threats": _threat_set(threats),
        "any threat": bool(threats),
    }
    values.update({t: t in threats for t in THREATS})
    return values


def _equal(a: Hashable, b: Hashable) -> bool:
    return a == b


def _near(a: Hashable, b: Hashable) -> bool:
    return abs(int(a) - int(b)) <= 1  # type: ignore[call-overload]


def _share(hits: int, total: int) -> str:
    return f"{hits / total:6.1%}" if total else "     -"


def print_confusion(pairs: Sequence[tuple[Hashable, Hashable]], indent: str = "    ") -> None:
    """Print a confusion table: rows the first labels, columns the second."""
    counts = Counter((str(a), str(b)) for a, b in pairs)
    values = sorted({v for pair in counts for v in pair})
    width = max(8, *(len(v) + 1 for v in values))
    print(indent + " " * width + "".join(v.rjust(width) for v in values))
    for a in values:
        print(
            indent
            + a.rjust(width)
            + "".join(str(counts[(a, b)] or ".").rjust(width) for b in values)
        )


def report(
    rows: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    readings: Sequence[Any] | None = None,
) -> None:
    """Print agreement, kappa and confusion per language and field, and Sereno's accuracy."""
    for language in sorted({first["language"] for first, _ in rows}):
        index = [i for i, (first, _) in enumerate(rows) if first["language"] == language]
        print(f"\n{language}: {len(index)} tune texts (rows: first labels, columns: second)")
        for field, value in FIELDS.items():
            pairs = [(value(rows[i][0]), value(rows[i][1])) for i in index]
            same = sum(a == b for a, b in pairs)
            line = f"  {field:<11} agreement {_share(same, len(pairs))}  kappa {kappa(pairs):5.2f}"
            if field == "intensity":
                near = sum(_near(a, b) for a, b in pairs)
                line += f"  (within 1: {_share(near, len(pairs)).strip()})"
            print(line)
            if field in CONFUSED:
                print_confusion(pairs)
        if readings is None:
            continue
        print(f"  Sereno's reading of the same {len(index)} texts matches:")
        print(f"  {'field':<11} {'first':>7} {'second':>7} {'both agree':>16}")
        for field in (*FIELDS, "intensity±1"):
            name, same = (field, _equal) if field in FIELDS else ("intensity", _near)
            read = [_reading_values(readings[i])[name] for i in index]
            first = [FIELDS[name](rows[i][0]) for i in index]
            second = [FIELDS[name](rows[i][1]) for i in index]
            agreed = [(r, a) for r, a, b in zip(read, first, second, strict=True) if a == b]
            hits_first = sum(same(r, a) for r, a in zip(read, first, strict=True))
            hits_second = sum(same(r, b) for r, b in zip(read, second, strict=True))
            both = f"{_share(sum(same(r, a) for r, a in agreed), len(agreed))} (n={len(agreed)})"
            print(
                f"  {field:<11} {_share(hits_first, len(read))} {_share(hits_second, len(read))}"
                f" {both:>16}"
            )


def source(record_id: str) -> str:
    """Return a record's source tag: its id without the number ("es-coah3" for es-coah3-012)."""
    return record_id.rsplit("-", 1)[0]


def print_by_source(rows: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Print, per source tag, reason agreement and each labeller's count of every reason."""
    print("\nreason per source (first labels / second labels)")
    for tag in sorted({source(first["id"]) for first, _ in rows}):
        group = [(a["reason"], b["reason"]) for a, b in rows if source(a["id"]) == tag]
        same = sum(a == b for a, b in group)
        first, second = Counter(a for a, _ in group), Counter(b for _, b in group)
        counts = ", ".join(f"{v} {first[v]}/{second[v]}" for v in sorted(first | second))
        print(f"  {tag:<10} {len(group):>3} texts, agreement {_share(same, len(group))}: {counts}")


def main(argv: Sequence[str] = ()) -> int:
    paths = [Path(argv[i + 1]) for i, arg in enumerate(argv) if arg == "--file"] or [RELABEL]
    try:
        rows = [row for path in paths for row in paired(path)]
    except HeldOutIdError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    if len({first["id"] for first, _ in rows}) != len(rows):
        print("refused: an id is labelled twice across the files", file=sys.stderr)
        return 2
    readings = None
    if "--no-reading" not in argv:
        from bench.reading_accuracy import read_all  # loads the rules and the detector

        readings = read_all([first for first, _ in rows])
    names = " + ".join(path.name for path in paths)
    print(f"second labelling: {names}, {len(rows)} tune texts (totals only)")
    report(rows, readings)
    if "--by-source" in argv:
        print_by_source(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
