"""Score Sereno's reading on the held-out third of the real corpus: totals only.

Run: .venv/bin/python -m bench.heldout_score

Reads every tests/data/real/complaints_*.jsonl record whose split is "heldout", reads each
text as bench/reading_accuracy.py does (shipped rules, the real language detector) and prints
accuracy per field and per language, and threat precision / recall / F1. It never prints a
text, an id or a per-text result: the held-out part is for measuring, never for tuning (see
tests/data/real/README.md).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bench.reading_accuracy import read_all  # the same rules and detector
from bench.real_corpus import CORPUS, load_heldout, print_goals, print_totals


def main(argv: Sequence[str] = ()) -> None:
    records = load_heldout()
    if not records:
        print("no held-out records found under", CORPUS)
        return
    print("held-out third of the real corpus (totals only; never tune on it)")
    readings = read_all(records)
    print_totals(records, readings, by_source="--by-source" in argv)
    print("\nagainst issue 14's goals")
    print_goals(records, readings)


if __name__ == "__main__":
    main(sys.argv[1:])
