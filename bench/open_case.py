"""Benchmark: the cost of opening a case, against one SQLite insert-and-commit.

Opening a case = reading the complaint (language, reason, kind, intensity,
impact, history) + choosing the playbook + writing the case, its steps, its
timeline entry, its reminder and its outbox rows in one transaction. The floor
is one row inserted and committed into the same file, in the same run, so the
ratio holds across machines. Run: `make bench` or `python -m bench.open_case`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tomllib
from pathlib import Path

from bot.core.base.model import Actor, Incoming
from bot.settings import Settings
from bot.wiring import build

ROUNDS = 300
DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "complaints.toml"


def _texts() -> list[str]:
    with DATA.open("rb") as fh:
        return [c["text"] for c in tomllib.load(fh)["complaint"]]


def measure(rounds: int = ROUNDS) -> dict[str, float]:
    """Return median microseconds for the floor and for opening a case, and their ratio."""
    texts = _texts()
    with tempfile.TemporaryDirectory() as tmp:
        # 50 customers complain 6 times each within seconds: no flood limit, every round
        # opens a case (what is measured)
        env = {"SERENO_DB": str(Path(tmp) / "bench.db"), "SERENO_FLOOD_CASES_PER_MINUTE": "1000"}
        app = build(Settings.from_env(env))
        db = app.store.db
        db["floor"].create({"id": int, "text": str}, pk="id")
        floor, opening = [], []
        for n in range(rounds):
            text = texts[n % len(texts)]
            start = time.perf_counter()
            with db.atomic():
                db["floor"].insert({"text": text})
            floor.append(time.perf_counter() - start)
            author = Actor("bench", f"U{n % 50}", f"customer {n % 50}")
            msg = Incoming("bench", "C1", f"m{n}", author, text)
            start = time.perf_counter()
            app.engine.open_case(msg)
            opening.append(time.perf_counter() - start)
        app.close()
    floor_us = statistics.median(floor) * 1e6
    open_us = statistics.median(opening) * 1e6
    return {"floor_us": floor_us, "open_us": open_us, "ratio": open_us / floor_us}


def main() -> None:
    """Print the medians and the ratio."""
    result = measure()
    print(f"floor (insert+commit): median {result['floor_us']:.0f} µs")
    print(f"open a case:           median {result['open_us']:.0f} µs")
    print(f"ratio:                 {result['ratio']:.1f}x the floor")


if __name__ == "__main__":
    main()
