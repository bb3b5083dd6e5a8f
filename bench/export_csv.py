"""Benchmark: `sereno export` of every case as CSV, against one raw sqlite3 query.

On the 100k-case database of `bench.scale_db`, in turn: Sereno's export (`records_cli.export`,
what `sereno export --out FILE` runs, to a file) and the reference, one SQL query that
computes the same columns (times to the second, durations, remedies per currency, the
latest satisfaction score, story marks) written by Python's csv module to a file with the
same encoding and line ends, each going first in every other round, and the medians
compared. Both files must hold the same number of lines. Issue 15's goal: ≤ 1.5×.
Run alone: `python -m bench.suite --only export`.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.scale_db import databases
from bench.table import Row, median, ratio_row
from bot.core.records.csv_rows import CASE_COLUMNS, CSV_ENCODING, safe
from bot.records_cli import export
from bot.settings import Settings

LIMIT = 1.5
ROUNDS, QUICK_ROUNDS = 6, 2  # even: each side goes first in half the rounds

_SECONDS = "CAST(round((julianday({b}) - julianday({a})) * 86400) AS INTEGER)"
_Z = "substr({c}, 1, 19) || 'Z'"
RAW_SQL = f"""
SELECT c.id, c.status, {_Z.format(c="c.opened_at")},
  {_SECONDS.format(a="c.opened_at", b="c.first_response_at")},
  {_Z.format(c="c.resolved_at")}, c.reason, c.kind, c.intensity, c.impact, c.language,
  c.customer_name, c.assignee_name, c.channel_id, e.remedies, e.score,
  CASE WHEN coalesce(e.story, 0) OR instr(coalesce(c.flags, ''), 'story') > 0
    THEN 'yes' ELSE 'no' END,
  CASE WHEN c.status IN ('resolved', 'closed')
    THEN {_SECONDS.format(a="c.opened_at", b="c.resolved_at")} END,
  CASE WHEN c.status IN ('new', 'in_progress')
    THEN {_SECONDS.format(a="c.opened_at", b=":now")} END
FROM cases AS c LEFT JOIN (
  SELECT case_id,
    group_concat(CASE WHEN kind = 'remedy' THEN json_extract(details, '$.amount') || ' '
      || json_extract(details, '$.currency') END, '; ') AS remedies,
    max(CASE WHEN kind = 'satisfaction' THEN json_extract(details, '$.score') END) AS score,
    max(kind = 'story_marked') AS story
  FROM events WHERE kind IN ('remedy', 'satisfaction', 'story_marked') GROUP BY case_id
) AS e ON e.case_id = c.id
ORDER BY c.id
"""


def raw_export(db: Path, out: Path) -> None:
    """The reference: one query, rows written by the csv module as they come."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        with out.open("w", encoding=CSV_ENCODING, newline="") as target:
            writer = csv.writer(target, lineterminator="\r\n")
            writer.writerow(CASE_COLUMNS)
            for row in conn.execute(RAW_SQL, {"now": now}):
                writer.writerow([safe(v) for v in row])
    finally:
        conn.close()


def sereno_export(db: Path, out: Path) -> None:
    """What `sereno export --out FILE` runs."""
    if export(Settings.from_env({"SERENO_DB": str(db)}), None, "csv", out, io.StringIO()):
        raise RuntimeError("sereno export failed")


def _lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def rows(quick: bool = False) -> list[Row]:
    """One row: the export against the raw query, on the large database."""
    dbs = databases(quick)
    out = dbs.large.parent
    times: dict[str, list[float]] = {"sereno": [], "raw": []}
    pair = (("sereno", sereno_export), ("raw", raw_export))
    for n in range(QUICK_ROUNDS if quick else ROUNDS):
        # ABBA: the machine's speed drifts over seconds here (the same query took 1.1-2.0 s
        # of CPU in one minute), so neither side may always run first.
        for name, run in pair if n % 2 == 0 else pair[::-1]:
            start = time.perf_counter()
            run(dbs.large, out / f"{name}.csv")
            times[name].append(time.perf_counter() - start)
    sereno_lines, raw_lines = _lines(out / "sereno.csv"), _lines(out / "raw.csv")
    if sereno_lines != raw_lines:
        raise RuntimeError(f"the exports differ: {sereno_lines} lines against {raw_lines}")
    return [
        ratio_row(
            "export", f"`sereno export` CSV of {dbs.large_cases:,} cases",
            median(times["sereno"]), median(times["raw"]), "s", LIMIT, "raw sqlite3 query ",
        )
    ]  # fmt: skip
