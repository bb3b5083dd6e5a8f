"""Split the tune part in two fixed halves, to tell a rule that generalises from one fitted.

Run: .venv/bin/python -m bench.tune_halves [--field FIELD] [--lang es|en]
     .venv/bin/python -m bench.tune_halves --misses [--field FIELD] [--lang es|en]
     .venv/bin/python -m bench.tune_halves --confusion [--field FIELD]
     .venv/bin/python -m bench.tune_halves --save FILE | --against FILE [--field FIELD]

Every tune text falls in half A or half B by the parity of crc32 of its id (A even, B odd):
fixed, the same in every session, and unrelated to the text. The method (session 13, after
the Spanish reason read 81.7% on the tune part and 67.1% on the held-out third):

- write rules from A's errors only (`--misses` and `--confusion` show half A, and only A);
- B is the check: it is only ever scored, in totals (never a text, an id or a confusion
  table of B), so B's texts stay unread while rules are written;
- a change that helps A and not B is fitting to A's texts: drop it.

`--save` keeps each tune text's reading of FIELD (default reason) in FILE; `--against` reads
again and prints, per half and language, right before and after, gained and lost (counts).
The held-out third is never read here (tests/data/real/README.md): it is scored by
bench/heldout_score.py alone.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from collections.abc import Sequence
from typing import Any

from bench.real_corpus import load_split, source_of
from bench.tune_real import FIELDS, _labelled, _read, print_confusion, print_misses

HALVES = ("A", "B")


def half_of(record_id: str) -> str:
    """The half a tune text belongs to: A when crc32 of its id is even, else B."""
    return "A" if zlib.crc32(record_id.encode("utf-8")) % 2 == 0 else "B"


def groups_of(record: dict[str, Any]) -> tuple[str, ...]:
    """The columns a text counts in: all, its language, its source (batches pooled)."""
    return ("all", record["language"], re.sub(r"\d+$", "", source_of(record)))


def tally(
    records: Sequence[dict[str, Any]], readings: Sequence[Any], field: str
) -> dict[tuple[str, str], list[int]]:
    """(half, column) -> [right, texts] for `field`."""
    table: dict[tuple[str, str], list[int]] = {}
    for record, reading in zip(records, readings, strict=True):
        right = _read(field, reading) == _labelled(field, record)
        for column in groups_of(record):
            cell = table.setdefault((half_of(record["id"]), column), [0, 0])
            cell[0] += right
            cell[1] += 1
    return table


def print_tally(table: dict[tuple[str, str], list[int]], field: str) -> None:
    """Print each half's share right in all, per language and per source."""
    columns = sorted({c for _, c in table}, key=lambda c: (c != "all", len(c) > 2, c))
    print(f"{field}: right / texts per half (A: write rules from it; B: check only)")
    print(f"{'':>4}" + "".join(f"{c:>16}" for c in columns))
    for half in HALVES:
        cells = ""
        for column in columns:
            right, total = table.get((half, column), [0, 0])
            cells += f"{f'{right}/{total} {right / total:.1%}' if total else '-':>16}"
        print(f"{half:>4}{cells}")


def compare(
    records: Sequence[dict[str, Any]], readings: Sequence[Any], field: str, before: dict[str, Any]
) -> dict[tuple[str, str], list[int]]:
    """(half, language) -> [texts, right before, right after, gained, lost]."""
    table: dict[tuple[str, str], list[int]] = {}
    for record, reading in zip(records, readings, strict=True):
        if record["id"] not in before:
            continue
        want = _labelled(field, record)
        was, now = before[record["id"]] == want, _read(field, reading) == want
        for key in ((half_of(record["id"]), record["language"]), (half_of(record["id"]), "all")):
            row = table.setdefault(key, [0, 0, 0, 0, 0])
            for i, value in enumerate((1, was, now, now and not was, was and not now)):
                row[i] += value
    return table


def _option(argv: Sequence[str], flag: str, default: str | None = None) -> str | None:
    if flag not in argv:
        return default
    at = list(argv).index(flag)
    if at + 1 >= len(argv):
        raise SystemExit(f"{flag} takes a value")
    return argv[at + 1]


def main(argv: Sequence[str]) -> None:
    from bench.reading_accuracy import read_all

    field = _option(argv, "--field", "reason") or "reason"
    if field not in FIELDS:
        raise SystemExit(f"--field takes one of {', '.join(FIELDS)}")
    records = load_split("tune")
    language = _option(argv, "--lang")
    if language:
        records = [r for r in records if r["language"] == language]
    if "--misses" in argv or "--confusion" in argv:
        records = [r for r in records if half_of(r["id"]) == "A"]
    readings = read_all(records)
    if "--misses" in argv:
        print_misses(records, readings, field)
    elif "--confusion" in argv:
        print("half A only")
        print_confusion(records, readings, field)
    elif path := _option(argv, "--save"):
        saved = {r["id"]: _read(field, g) for r, g in zip(records, readings, strict=True)}
        with open(path, "w", encoding="utf-8") as out:
            json.dump(saved, out, ensure_ascii=False)
        print(f"saved {len(saved)} readings of {field} to {path}")
    elif path := _option(argv, "--against"):
        with open(path, encoding="utf-8") as saved_file:
            before = json.load(saved_file)
        print(f"{field}: right before -> after (gained / lost), counts only")
        for (half, group), row in sorted(compare(records, readings, field, before).items()):
            print(f"{half:>3} {group:>4} {row[0]:>5}  {row[1]:>4} -> {row[2]:<4} "
                  f"(+{row[3]} / -{row[4]})")  # fmt: skip
    else:
        print_tally(tally(records, readings, field), field)


if __name__ == "__main__":
    main(sys.argv[1:])
