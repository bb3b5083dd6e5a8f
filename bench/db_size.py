"""What each case adds to a Sereno database, in all and by table (its indexes included).

Measured on a file a served run left (inbox, outbox, timeline and all): bytes of the
pages in use, the WAL folded in, past those of an empty database of the same schema,
over the number of cases. SQLite's `dbstat` table gives the bytes of each b-tree.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from storage.db import open_database

_BY_TABLE = (
    "SELECT coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat AS d "
    "LEFT JOIN sqlite_master AS m ON m.name = d.name GROUP BY 1"
)


def used(path: Path) -> tuple[dict[str, int], int]:
    """Bytes in use by table (indexes counted with their table), and the number of cases."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = {name: int(size) for name, size in conn.execute(_BY_TABLE)}
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()
    return tables, cases


def per_case(path: Path) -> dict[str, float]:
    """Bytes each case adds, by table, largest first; "total" is their sum."""
    keep = os.environ.get("SERENO_BENCH_KEEP_DB")  # a copy to look into after the run
    if keep:
        conn = sqlite3.connect(str(path))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        shutil.copyfile(path, keep)
    empty = path.with_name(f"empty-{path.name}")
    open_database(empty).close()
    tables, cases = used(path)
    base, _ = used(empty)
    added = {t: (n - base.get(t, 0)) / max(cases, 1) for t, n in tables.items()}
    shown = dict(sorted(((t, b) for t, b in added.items() if b > 0), key=lambda tb: -tb[1]))
    return {"total": sum(added.values()), **shown}
