"""Score the reading on the TUNE part of the real corpus, and show its misses.

Run: .venv/bin/python -m bench.tune_real [--misses FIELD | --confusion FIELD] [--lang es|en]
     .venv/bin/python -m bench.tune_real --save FIELD FILE | --against FIELD FILE

`--save` writes each tune text's reading of FIELD to FILE (JSON, id -> value); after a change,
`--against` reads the texts again and prints, per batch (source and number, "es-coah3"), how
many were right before and after, and how many the change gained and lost (with `--ids`, which
tune texts, so they can be read with `--misses`). A change counts
when it helps the batches it was not written from, and a net +2 made of 10 gains and 8 losses
is churn, not a gain: the table shows both.

FIELD is one of reason, intensity, kind, subject, threats. `--confusion` counts, per
language, which label is read as which (rows: label, columns: reading), so a class of error
("service read as product") shows before single texts do. This is the only script that
prints per-text results of the real corpus, and it reads the tune part only: the held-out
third is scored by bench/heldout_score.py, totals only (tests/data/real/README.md).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bench.reading_accuracy import read_all
from bench.real_corpus import load_split, print_totals, read_subject, read_threats
from bot.core.base.model import Reading

FIELDS = ("reason", "intensity", "kind", "subject", "threats")


def _read(field: str, reading: Reading) -> Any:
    if field == "threats":
        return sorted(read_threats(reading))
    if field == "subject":
        return read_subject(reading)
    value = getattr(reading, field)
    return getattr(value, "value", value)


def _labelled(field: str, record: dict[str, Any]) -> Any:
    return sorted(record["threats"]) if field == "threats" else record[field]


def _evidence(field: str, reading: Reading) -> str:
    signals = {
        "reason": reading.reason_evidence,
        "kind": reading.kind_evidence,
        "subject": reading.subject_evidence,
    }.get(field, reading.intensity_evidence)
    return "; ".join(f"{s.name}: {s.detail}" for s in signals)


def print_misses(
    records: Sequence[dict[str, Any]], readings: Sequence[Reading], field: str
) -> None:
    """Print each tune text whose reading of `field` differs from its label."""
    misses = 0
    for record, reading in zip(records, readings, strict=True):
        want, got = _labelled(field, record), _read(field, reading)
        near = field == "intensity" and abs(want - got) <= 1 and "--exact" not in sys.argv
        if want == got or near:
            continue
        misses += 1
        text = " ".join(record["text"].split())
        print(f"{record['id']}  label={want} read={got}  [{_evidence(field, reading)}]")
        print(f"    {text[:400]}")
    print(f"{misses} misses of {len(records)}")


def confusion(
    records: Sequence[dict[str, Any]], readings: Sequence[Reading], field: str
) -> dict[str, Counter[tuple[str, str]]]:
    """Count (label, reading) pairs of `field`, per language."""
    counts: dict[str, Counter[tuple[str, str]]] = {}
    for record, reading in zip(records, readings, strict=True):
        pair = (str(_labelled(field, record)), str(_read(field, reading)))
        counts.setdefault(record["language"], Counter())[pair] += 1
    return counts


def print_confusion(
    records: Sequence[dict[str, Any]], readings: Sequence[Reading], field: str
) -> None:
    """Print each language's confusion table of `field` (rows: label, columns: reading)."""
    for language, counts in sorted(confusion(records, readings, field).items()):
        values = sorted({v for pair in counts for v in pair})
        width = max(10, *(len(v) + 1 for v in values))
        right = sum(n for (want, got), n in counts.items() if want == got)
        print(f"{language}: {field}, rows labelled, columns read ({right} of {counts.total()})")
        print(" " * width + "".join(v.rjust(width) for v in values))
        for want in values:
            print(
                want.rjust(width) + "".join(str(counts[(want, got)]).rjust(width) for got in values)
            )


def batch_of(record: dict[str, Any]) -> str:
    """The record's batch, as its id names it ("es-coah3-007" -> "es-coah3")."""
    return str(record["id"]).rsplit("-", 1)[0]


def saved_readings(
    records: Sequence[dict[str, Any]], readings: Sequence[Reading], field: str
) -> dict[str, Any]:
    """Each text's reading of `field`, by id (what `--save` writes)."""
    return {r["id"]: _read(field, g) for r, g in zip(records, readings, strict=True)}


def against(
    records: Sequence[dict[str, Any]],
    readings: Sequence[Reading],
    field: str,
    before: dict[str, Any],
) -> dict[str, tuple[int, int, int, int, int]]:
    """Per batch: (texts, right before, right after, gained, lost) against saved readings.

    Texts the saved readings do not hold are left out (a batch added since)."""
    table: dict[str, list[int]] = {}
    for record, reading in zip(records, readings, strict=True):
        if record["id"] not in before:
            continue
        want = _labelled(field, record)
        was, now = before[record["id"]] == want, _read(field, reading) == want
        row = table.setdefault(batch_of(record), [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += was
        row[2] += now
        row[3] += now and not was
        row[4] += was and not now
    return {batch: (n, b, a, g, lost) for batch, (n, b, a, g, lost) in sorted(table.items())}


def print_against(table: dict[str, tuple[int, int, int, int, int]], field: str) -> None:
    """Print `against`'s table, a total per language under each language's batches."""
    print(f"{field}: per batch, right before -> after (gained / lost)")
    totals: dict[str, list[int]] = {}
    for batch, row in table.items():
        print(f"{batch:>12} {row[0]:>5}  {row[1]:>4} -> {row[2]:<4} (+{row[3]} / -{row[4]})")
        total = totals.setdefault(batch.split("-")[0], [0, 0, 0, 0, 0])
        for i, value in enumerate(row):
            total[i] += value
    for language, row in totals.items():
        print(f"{language:>12} {row[0]:>5}  {row[1]:>4} -> {row[2]:<4} (+{row[3]} / -{row[4]})")


def _field_and_file(argv: Sequence[str], flag: str) -> tuple[str, str]:
    at = argv.index(flag)
    if len(argv) < at + 3 or argv[at + 1] not in FIELDS:
        raise SystemExit(f"{flag} takes FIELD FILE, FIELD one of {', '.join(FIELDS)}")
    return argv[at + 1], argv[at + 2]


def main(argv: Sequence[str]) -> None:
    records = load_split("tune")
    if "--lang" in argv:
        language = argv[argv.index("--lang") + 1]
        records = [r for r in records if r["language"] == language]
    readings = read_all(records)
    if "--save" in argv:
        field, path = _field_and_file(argv, "--save")
        with open(path, "w", encoding="utf-8") as out:
            json.dump(saved_readings(records, readings, field), out, ensure_ascii=False)
        print(f"saved {len(records)} readings of {field} to {path}")
        return
    if "--against" in argv:
        field, path = _field_and_file(argv, "--against")
        with open(path, encoding="utf-8") as saved:
            before = json.load(saved)
        print_against(against(records, readings, field, before), field)
        if "--ids" in argv:
            for record, reading in zip(records, readings, strict=True):
                want, was = _labelled(field, record), before.get(record["id"])
                now = _read(field, reading)
                if record["id"] in before and (was == want) != (now == want):
                    tag = "gained" if now == want else "lost"
                    print(f"{tag:>6} {record['id']}  label={want} was={was} now={now}")
        return
    if "--confusion" in argv:
        field = argv[argv.index("--confusion") + 1]
        if field not in FIELDS:
            raise SystemExit(f"--confusion takes one of {', '.join(FIELDS)}")
        print_confusion(records, readings, field)
        return
    if "--misses" in argv:
        field = argv[argv.index("--misses") + 1]
        if field not in FIELDS:
            raise SystemExit(f"--misses takes one of {', '.join(FIELDS)}")
        print_misses(records, readings, field)
        return
    print("tune part of the real corpus (the part rules may be tuned on)")
    print_totals(records, readings, by_source=True)


if __name__ == "__main__":
    main(sys.argv[1:])
