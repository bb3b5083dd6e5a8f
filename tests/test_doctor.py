"""`sereno doctor` as an operator runs it: a subprocess on a real database file."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from storage.db import open_database
from storage.store import SqliteStore

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _doctor(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "SERENO_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "doctor", *args],
        env=env,
        cwd=db.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_doctor_lists_parked_events_and_puts_them_back(tmp_path: Path) -> None:
    db = tmp_path / "sereno.db"
    store = SqliteStore(open_database(db))
    row = store.inbox_add("slack", "msg:C1:1.0", "C1", "events_api", {}, T0, "U1")
    store.inbox_add("slack", "msg:C1:2.0", "C1", "events_api", {}, T0, "U1")
    assert row is not None
    store.inbox_claim("slack", "C1", "me", T0, T0)
    store.inbox_park(row, "me", "KeyError: 'channel'", T0)
    store.close()

    shown = _doctor(db)
    assert shown.returncode == 1, shown.stderr
    assert (
        "slack: last event received 2026-12-02 09:00:00 UTC; 1 waiting in the inbox, 1 parked"
        in (shown.stdout)
    )
    assert (
        "parked #1 events_api msg:C1:1.0" in shown.stdout and "KeyError: 'channel'" in shown.stdout
    )
    assert "discord: last event received none; 0 waiting in the inbox, 0 parked" in shown.stdout

    retried = _doctor(db, "--retry-parked")
    assert "put back 1 parked event to be tried again" in retried.stdout and retried.returncode == 0
    assert "2 waiting in the inbox, 0 parked" in retried.stdout
