"""CatchUpRunner: snapshots taken when a connection begins, one run at a time, requests
during a run merged into the next, and the live path's cursor moves never skip a gap."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from handlers.catchup import CatchUpRunner, merge
from storage.db import open_database
from storage.store import SqliteStore

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(open_database(tmp_path / "runner.db"))


def test_merge_keeps_the_earlier_cursor_and_none_only_for_a_first_start() -> None:
    older = {"C1": "1700000000.000100", "C2": None, "C3": "99"}
    newer = {"C1": "1700000000.000900", "C2": "1700000001.000000", "C3": "100", "C4": None}
    assert merge(older, newer) == {
        "C1": "1700000000.000100",
        "C2": "1700000001.000000",
        "C3": "99",  # ids compare by length first: 99 < 100
        "C4": None,
    }
    assert merge(None, newer) == newer


async def test_requests_during_a_run_become_one_more_run_from_the_earliest_snapshot(
    store: SqliteStore,
) -> None:
    calls: list[Mapping[str, str | None] | None] = []
    release = asyncio.Event()

    async def catch_up(now: datetime, since: Mapping[str, str | None] | None) -> dict[str, int]:
        calls.append(since)
        await release.wait()
        return {}

    store.advance_cursor("slack", "C1", "1700000000.000100", NOW)
    runner = CatchUpRunner("slack", store, ["C1", "C2"], catch_up, lambda: NOW)
    runner.request()  # the first connection
    await asyncio.sleep(0)
    store.advance_cursor("slack", "C1", "1700000000.000500", NOW)  # live, then a drop
    runner.request()
    store.advance_cursor("slack", "C1", "1700000000.000900", NOW)  # live, another drop
    runner.request()
    release.set()
    await asyncio.wait_for(runner.wait(), 2)

    assert calls == [
        {"C1": "1700000000.000100", "C2": None},
        {"C1": "1700000000.000500", "C2": None},
    ]
    assert runner.runs == 2


async def test_a_failing_run_is_logged_and_stop_cancels_a_run(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    started = asyncio.Event()

    async def broken(now: datetime, since: Mapping[str, str | None] | None) -> dict[str, int]:
        raise RuntimeError("a bug")

    async def forever(now: datetime, since: Mapping[str, str | None] | None) -> dict[str, int]:
        started.set()
        await asyncio.sleep(3600)
        return {}

    runner = CatchUpRunner("discord", store, ["1"], broken, lambda: NOW)
    runner.request()
    await asyncio.wait_for(runner.wait(), 2)
    assert "discord catch-up failed" in caplog.text

    runner = CatchUpRunner("discord", store, ["1"], forever, lambda: NOW)
    runner.request()
    await asyncio.wait_for(started.wait(), 2)
    await asyncio.wait_for(runner.stop(), 2)
    assert runner.runs == 1


async def test_a_snapshot_waits_for_start(store: SqliteStore) -> None:
    calls: list[Mapping[str, str | None] | None] = []

    async def catch_up(now: datetime, since: Mapping[str, str | None] | None) -> dict[str, int]:
        calls.append(since)
        return {}

    store.advance_cursor("discord", "1", "100", NOW)
    runner = CatchUpRunner("discord", store, ["1"], catch_up, lambda: NOW)
    runner.start()  # nothing asked for yet
    runner.snapshot()  # on_connect
    store.advance_cursor("discord", "1", "200", NOW)  # live events before on_ready
    await asyncio.sleep(0.01)
    assert calls == []
    runner.start()  # on_ready
    await asyncio.wait_for(runner.wait(), 2)
    assert calls == [{"1": "100"}] and runner.runs == 1
