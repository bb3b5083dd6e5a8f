"""Assign the tune / held-out split of the real corpus, once, with a recorded seed.

Run: .venv/bin/python tests/data/real/split.py [--write]

Without --write it only checks that every file's stored `split` is the one this seed gives.
The split is stratified by language and by "has a threat": texts with a threat go to the
held-out third more often (HELDOUT_SHARE_THREAT), the others fill the held-out part up to a
third of each language. Never change SEED or the shares after the corpus has been scored:
the held-out part must stay unseen while tuning.

Files named in TUNE_ONLY were added after the held-out third was first scored: every text in
them is in the tune part, so adding them never changes the held-out third.

A threat label corrected after the split keeps the split it was drawn with: such a record
carries `threats_when_split`, the labels the split was stratified on, and `assign` reads that
field before `threats`. A correction therefore never moves records between the two parts.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

SEED = 20261202
HELDOUT_SHARE_THREAT = 0.42
HERE = Path(__file__).resolve().parent
#: Files added to the tune part only (texts found after the split was made).
TUNE_ONLY = frozenset(
    {
        "complaints_en_tune2.jsonl",
        "complaints_en_tune3.jsonl",
        "complaints_en_tune4.jsonl",
        "complaints_en_tune5.jsonl",
        "complaints_en_tune6.jsonl",
        "complaints_en_tune7.jsonl",
        "complaints_es_tune2.jsonl",
        "complaints_es_tune3.jsonl",
        "complaints_es_tune4.jsonl",
        "complaints_es_tune5.jsonl",
        "complaints_es_tune6.jsonl",
    }
)


def corpus_files() -> list[Path]:
    """Return the corpus files, one JSON record per line."""
    return sorted(HERE.glob("complaints_*.jsonl"))


def load(path: Path) -> list[dict]:
    """Return the records of one corpus file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def threats_when_split(record: dict) -> list[str]:
    """Return the threat labels the split was drawn with (before any later correction)."""
    return record.get("threats_when_split", record["threats"])


def assign(records: list[dict]) -> dict[str, str]:
    """Return id -> "tune" | "heldout" for the records of one language."""
    rnd = random.Random(SEED)
    ids = sorted(r["id"] for r in records)
    threat = sorted(r["id"] for r in records if threats_when_split(r))
    other = [i for i in ids if i not in set(threat)]
    n_threat = math.ceil(HELDOUT_SHARE_THREAT * len(threat))
    n_other = max(0, round(len(ids) / 3) - n_threat)
    rnd.shuffle(threat)
    rnd.shuffle(other)
    held = set(threat[:n_threat]) | set(other[:n_other])
    return {i: "heldout" if i in held else "tune" for i in ids}


def main(argv: list[str]) -> int:
    bad = 0
    for path in corpus_files():
        records = load(path)
        by_language: dict[str, list[dict]] = {}
        for r in records:
            by_language.setdefault(r["language"], []).append(r)
        wanted: dict[str, str] = {}
        for group in by_language.values():
            if path.name in TUNE_ONLY:
                wanted |= {r["id"]: "tune" for r in group}
            else:
                wanted |= assign(group)
        if "--write" in argv:
            for r in records:
                r["split"] = wanted[r["id"]]
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            path.write_text(text, encoding="utf-8")
        else:
            bad += sum(r.get("split") != wanted[r["id"]] for r in records)
        held = [r for r in records if wanted[r["id"]] == "heldout"]
        print(
            f"{path.name}: {len(records)} texts, held-out {len(held)} "
            f"({sum(bool(r['threats']) for r in held)} with a threat)"
        )
    if bad:
        print(f"{bad} records differ from the recorded split")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
