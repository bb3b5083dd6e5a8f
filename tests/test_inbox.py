"""The inbox worker on a real SQLite file: order per lane, retries, parking, storage that
cannot be written, a connection that is down, and claims left by a stopped process."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.delivery.inbox import MAX_ATTEMPTS, InboxWorker, NotNow, gone_owners
from bot.core.delivery.inbox_rows import InboxRow
from storage.db import open_database
from storage.store import SqliteStore
from tests.support import eventually


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(open_database(tmp_path / "inbox.db"))


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.delivery.inbox.retry_delay", lambda attempts: 0.01)


async def _running(worker: InboxWorker) -> AsyncIterator[None]:
    task = asyncio.create_task(worker.run())
    try:
        yield
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def _states(store: SqliteStore) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in store.db.execute("SELECT key, state FROM inbox ORDER BY id")]


async def test_each_lane_is_worked_in_order_and_rows_end_done(store: SqliteStore) -> None:
    seen: list[str] = []

    async def process(row: InboxRow) -> None:
        await asyncio.sleep(0.001 * (row.lane == "slow"))
        seen.append(row.key)

    worker = InboxWorker(store, Clock(), "slack", process)
    for i in range(5):
        worker.accept(f"slow-{i}", "slow", "e", {"i": i})
        worker.accept(f"fast-{i}", "fast", "e", {"i": i})
    assert not worker.accept("slow-0", "slow", "e", {})  # the same key is kept once
    async for _ in _running(worker):
        await eventually(lambda: len(seen) == 10)
    assert [k for k in seen if k.startswith("slow")] == [f"slow-{i}" for i in range(5)]
    assert [k for k in seen if k.startswith("fast")] == [f"fast-{i}" for i in range(5)]
    assert {state for _, state in _states(store)} == {"done"}


async def test_a_failing_row_holds_its_lane_then_is_parked_and_reported_once(
    store: SqliteStore,
) -> None:
    seen: list[str] = []
    parked: list[str] = []

    async def process(row: InboxRow) -> None:
        if row.key == "bad":
            raise ValueError("cannot read this")
        seen.append(row.key)

    worker = InboxWorker(
        store, Clock(), "slack", process, on_parked=lambda row, error: parked.append(error)
    )
    worker.accept("bad", "C1", "e", {})
    worker.accept("after", "C1", "e", {})
    async for _ in _running(worker):
        await eventually(lambda: seen == ["after"])
    assert parked == ["ValueError: cannot read this"]
    [row] = store.inbox_parked("slack")
    assert row.key == "bad" and row.attempts == MAX_ATTEMPTS
    assert _states(store) == [("bad", "parked"), ("after", "done")]


async def test_a_locked_database_is_waited_out_without_counting_attempts(
    store: SqliteStore, tmp_path: Path
) -> None:
    """Another process holds the write lock: nothing is parked, everything ends done."""

    async def process(row: InboxRow) -> None:
        with store.atomic():
            store.db.execute(
                "INSERT INTO seen_events (platform, event_id, at) VALUES (?, ?, ?)",
                ["slack", row.key, "now"],
            )

    worker = InboxWorker(store, Clock(), "slack", process)
    store.db.execute("PRAGMA busy_timeout = 50")
    worker.accept("a", "C1", "e", {})
    other = sqlite3.connect(tmp_path / "inbox.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    async for _ in _running(worker):
        await asyncio.sleep(0.5)
        assert _states(store) == [("a", "pending")]
        other.execute("ROLLBACK")
        await eventually(lambda: _states(store) == [("a", "done")])
    assert store.db.execute("SELECT attempts FROM inbox").fetchone()[0] == 0


async def test_rows_wait_while_the_connection_is_down(store: SqliteStore) -> None:
    up = False
    seen: list[str] = []

    async def process(row: InboxRow) -> None:
        if not up:
            raise NotNow()
        seen.append(row.key)

    worker = InboxWorker(store, Clock(), "discord", process, ready=lambda: up)
    worker.accept("a", "C1", "e", {})
    async for _ in _running(worker):
        await asyncio.sleep(0.2)
        assert seen == [] and _states(store) == [("a", "pending")]
        up = True
        worker.wake()  # what the adapter does when the connection is up
        await eventually(lambda: seen == ["a"])


async def test_claims_of_a_stopped_process_on_this_host_are_taken_back(
    store: SqliteStore,
) -> None:
    seen: list[str] = []

    async def process(row: InboxRow) -> None:
        seen.append(row.key)

    worker = InboxWorker(store, Clock(), "slack", process)
    host = worker.owner.split(":")[0]
    dead = f"{host}:{_dead_pid()}:0000"
    worker.accept("left", "C1", "e", {})
    now = Clock().now()
    store.inbox_claim("slack", "C1", dead, now, now.replace(year=now.year + 1))
    assert gone_owners([dead, "elsewhere:1:x", worker.owner], worker.owner) == [dead]
    async for _ in _running(worker):
        await eventually(lambda: seen == ["left"])


def _dead_pid() -> int:
    pid = os.getpid() + 100_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


async def test_an_urgent_lane_never_waits_for_a_free_slot(store: SqliteStore) -> None:
    """A person waiting for a command's answer goes ahead of a burst filling every lane."""
    release = asyncio.Event()
    seen: list[str] = []

    async def process(row: InboxRow) -> None:
        if row.lane == "busy":
            await release.wait()
        seen.append(row.key)

    worker = InboxWorker(
        store, Clock(), "slack", process, max_lanes=1, urgent=lambda lane: lane == "person"
    )
    worker.accept("burst-0", "busy", "e", {})
    async for _ in _running(worker):
        await asyncio.sleep(0.05)  # the burst holds the only slot
        worker.accept("command", "person", "e", {})
        await eventually(lambda: seen == ["command"])
        release.set()
        await eventually(lambda: seen == ["command", "burst-0"])


async def test_a_row_claimed_as_it_is_kept_is_worked_at_once_and_in_order(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`accept_claimed` + `work_now`: the head of an idle lane starts its lane at once, with
    no wake-up or claim round; rows kept while that lane is busy follow it in order."""
    seen: list[str] = []
    release = asyncio.Event()
    claims: list[str] = []
    claim = store.inbox_claim

    def counting_claim(*args: object, **kwargs: object) -> InboxRow | None:
        row = claim(*args, **kwargs)  # type: ignore[arg-type]
        if row is not None:
            claims.append(row.key)
        return row

    monkeypatch.setattr(store, "inbox_claim", counting_claim)

    async def process(row: InboxRow) -> None:
        if row.key == "first":
            await release.wait()
        seen.append(row.key)

    worker = InboxWorker(store, Clock(), "slack", process)  # its run loop is not started
    first = worker.accept_claimed("first", "C1", "e", {"n": 1}, "U1")
    assert isinstance(first, InboxRow) and first.payload == {"n": 1}
    worker.work_now(first)
    await asyncio.sleep(0.01)
    assert worker.accept_claimed("second", "C1", "e", {"n": 2}, "U1") is True  # lane busy
    assert worker.accept_claimed("first", "C1", "e", {"n": 1}, "U1") is False  # seen before
    release.set()
    await eventually(lambda: seen == ["first", "second"])
    assert claims == ["second"]  # the first row was never claimed a second time
    assert _states(store) == [("first", "done"), ("second", "done")]


async def test_a_row_claimed_as_it_was_kept_by_a_stopped_process_is_taken_back(
    store: SqliteStore,
) -> None:
    """Killed between keeping (and acknowledging) an event and working it: the claim made
    with the insert is a lease like any other, released at the next start."""
    seen: list[str] = []

    async def process(row: InboxRow) -> None:
        seen.append(row.key)

    worker = InboxWorker(store, Clock(), "slack", process)
    dead = f"{worker.owner.split(':')[0]}:{_dead_pid()}:0000"
    now = Clock().now()
    kept = store.inbox_add_claimed(
        "slack", "left", "C1", "e", {}, now, None, dead, now.replace(year=now.year + 1)
    )
    assert kept is not None and kept[1] is True
    async for _ in _running(worker):
        await eventually(lambda: seen == ["left"])
