"""Benchmark: finding due reminders must not slow down as future reminders pile up.

Fills the reminders table with N pending reminders due in the future plus 100
due now, then times the scheduler's query for due work. Reported as the median
with 1,000,000 pending against the median with 1,000, in the same run: the
(status, due_at) index keeps the ratio near 1. Run: `python -m bench.due_reminders`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.codec import ts
from storage.db import open_database
from storage.store import SqliteStore

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DUE_NOW = 100
ROUNDS = 300


def _fill(store: SqliteStore, future: int) -> None:
    db = store.db
    db["cases"].insert(
        {
            "id": 1,
            "platform": "bench",
            "channel_id": "C",
            "message_id": "m",
            "customer_id": "u",
            "status": "new",
            "opened_at": ts(NOW),
        }
    )
    rows = [
        (1, "custom", ts(NOW - timedelta(seconds=n)), "pending", ts(NOW)) for n in range(DUE_NOW)
    ]
    rows += [
        (1, "custom", ts(NOW + timedelta(seconds=n + 1)), "pending", ts(NOW)) for n in range(future)
    ]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO reminders (case_id, kind, due_at, status, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def median_seconds(future: int) -> float:
    """Median time of one due-reminder query with `future` pending reminders not yet due."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(open_database(Path(tmp) / "bench.db"))
        _fill(store, future)
        samples = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            found = store.due_reminders(NOW, 500)
            samples.append(time.perf_counter() - start)
            assert len(found) == DUE_NOW
        store.close()
    return statistics.median(samples)


def main() -> None:
    """Print both medians and their ratio."""
    small, large = median_seconds(1_000), median_seconds(1_000_000)
    print(f"due reminders with 1,000 pending:     median {small * 1e6:.0f} µs")
    print(f"due reminders with 1,000,000 pending: median {large * 1e6:.0f} µs")
    print(f"ratio: {large / small:.2f}")


if __name__ == "__main__":
    main()
