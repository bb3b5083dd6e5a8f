"""The inbox rows in a real SQLite file: de-duplication, claims per lane, leases, retries,
parking, done-with-effects, trimming and channel cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.delivery.inbox_rows import DONE, PARKED, PENDING
from storage.db import open_database
from storage.store import SqliteStore

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LEASE = T0 + timedelta(minutes=2)


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(open_database(tmp_path / "inbox.db"))


def _state(store: SqliteStore, row_id: int) -> str:
    return str(store.db.execute("SELECT state FROM inbox WHERE id = ?", [row_id]).fetchone()[0])


def test_the_same_key_is_kept_once(store: SqliteStore) -> None:
    first = store.inbox_add("slack", "msg:C1:1.0", "C1", "events_api", {"a": 1}, T0, "U1")
    again = store.inbox_add("slack", "msg:C1:1.0", "C1", "events_api", {"a": 2}, T0, "U1")
    other = store.inbox_add("discord", "msg:C1:1.0", "C1", "MESSAGE_CREATE", {}, T0)
    assert first is not None and other is not None and again is None
    row = store.inbox_claim("slack", "C1", "me", T0, LEASE)
    assert row is not None and row.id == first and row.payload == {"a": 1}


def test_a_lane_gives_its_rows_in_order_and_one_at_a_time(store: SqliteStore) -> None:
    ids = [store.inbox_add("slack", f"k{i}", "C1", "e", {"i": i}, T0) for i in range(3)]
    store.inbox_add("slack", "other", "C2", "e", {}, T0)
    assert store.inbox_lanes_due("slack", T0) == ["C1", "C2"]
    head = store.inbox_claim("slack", "C1", "me", T0, LEASE)
    assert head is not None and head.id == ids[0]
    assert store.inbox_claim("slack", "C1", "someone-else", T0, LEASE) is None
    store.inbox_done(head.id, "me", T0)
    following = store.inbox_claim("slack", "C1", "someone-else", T0, LEASE)
    assert following is not None and following.id == ids[1]


def test_two_processes_on_one_file_never_claim_the_same_row(tmp_path: Path) -> None:
    one = SqliteStore(open_database(tmp_path / "shared.db"))
    two = SqliteStore(open_database(tmp_path / "shared.db"))
    for i in range(20):
        one.inbox_add("slack", f"k{i}", f"C{i % 4}", "e", {}, T0)
    taken: list[int] = []
    for lane in ("C0", "C1", "C2", "C3"):
        for store, owner in ((one, "one"), (two, "two")):
            row = store.inbox_claim("slack", lane, owner, T0, LEASE)
            if row is not None:
                taken.append(row.id)
    assert len(taken) == len(set(taken)) == 4  # one head per lane, each to one process


def test_an_expired_lease_lets_another_process_take_the_row(store: SqliteStore) -> None:
    row_id = store.inbox_add("slack", "k", "C1", "e", {}, T0)
    assert store.inbox_claim("slack", "C1", "dead", T0, LEASE) is not None
    assert store.inbox_claim("slack", "C1", "me", LEASE - timedelta(seconds=1), LEASE) is None
    again = store.inbox_claim("slack", "C1", "me", LEASE, LEASE + timedelta(minutes=2))
    assert again is not None and again.id == row_id


def test_released_claims_of_a_dead_owner_are_free_at_once(store: SqliteStore) -> None:
    store.inbox_add("slack", "k", "C1", "e", {}, T0)
    store.inbox_claim("slack", "C1", "host:1:dead", T0, LEASE)
    assert store.inbox_claim_owners() == ["host:1:dead"]
    assert store.inbox_release_stale("me", ["host:1:dead"]) == 1
    assert store.inbox_claim("slack", "C1", "me", T0, LEASE) is not None


def test_a_retry_holds_its_lane_until_due_and_parking_frees_it(store: SqliteStore) -> None:
    first = store.inbox_add("slack", "a", "C1", "e", {}, T0)
    second = store.inbox_add("slack", "b", "C1", "e", {}, T0)
    assert first is not None and second is not None
    store.inbox_claim("slack", "C1", "me", T0, LEASE)
    store.inbox_retry(first, "me", "boom", T0 + timedelta(seconds=30), 1)
    assert store.inbox_claim("slack", "C1", "me", T0, LEASE) is None  # order is kept
    assert store.inbox_next_at("slack") == T0 + timedelta(seconds=30)
    retried = store.inbox_claim("slack", "C1", "me", T0 + timedelta(seconds=30), LEASE)
    assert retried is not None and retried.attempts == 1 and retried.last_error == "boom"
    store.inbox_park(first, "me", "boom again", T0)
    assert _state(store, first) == PARKED
    nxt = store.inbox_claim("slack", "C1", "me", T0, LEASE)
    assert nxt is not None and nxt.id == second
    assert [r.id for r in store.inbox_parked("slack")] == [first]
    assert store.inbox_health("slack").parked == 1
    assert store.inbox_requeue_parked() == 1 and _state(store, first) == PENDING


def test_the_row_is_done_in_the_transaction_of_its_effects(store: SqliteStore) -> None:
    row_id = store.inbox_add("slack", "k", "C1", "e", {}, T0)
    assert row_id is not None
    store.inbox_claim("slack", "C1", "me", T0, LEASE)
    with store.inbox_processing(row_id, "me", T0), pytest.raises(RuntimeError), store.atomic():
        store.db.execute("INSERT INTO seen_events (platform, event_id, at) VALUES (1, 2, 3)")
        raise RuntimeError("the effect failed")
    assert _state(store, row_id) == PENDING  # rolled back together
    assert store.db.execute("SELECT count(*) FROM seen_events").fetchone()[0] == 0
    with store.inbox_processing(row_id, "me", T0), store.atomic():
        store.db.execute("INSERT INTO seen_events (platform, event_id, at) VALUES (1, 2, 3)")
    assert _state(store, row_id) == DONE


def test_a_done_row_drops_its_payload_and_trimming_drops_old_rows(store: SqliteStore) -> None:
    row_id = store.inbox_add("slack", "k", "C1", "e", {"text": "secret"}, T0)
    assert row_id is not None
    store.inbox_claim("slack", "C1", "me", T0, LEASE)
    store.inbox_done(row_id, "me", T0)
    assert store.db.execute("SELECT payload FROM inbox").fetchone()[0] is None
    assert store.inbox_add("slack", "k", "C1", "e", {"text": "again"}, T0) is None  # key kept
    assert store.inbox_trim(T0 + timedelta(hours=1), T0) == (0, 0)
    assert store.inbox_trim(T0, T0 + timedelta(days=1)) == (0, 1)


def test_the_row_worked_with_its_effects_drops_its_payload_too(store: SqliteStore) -> None:
    row_id = store.inbox_add("slack", "k", "C1", "e", {"text": "secret"}, T0)
    assert row_id is not None
    store.inbox_claim("slack", "C1", "me", T0, LEASE)
    with store.inbox_processing(row_id, "me", T0), store.atomic():
        store.db.execute("INSERT INTO seen_events (platform, event_id, at) VALUES (1, 2, 3)")
    assert store.db.execute("SELECT state, payload FROM inbox").fetchone() == (DONE, None)


@pytest.mark.parametrize(
    ("older", "newer"),
    [("1700000000.000100", "1700000000.000200"), ("999999999999999999", "1000000000000000000")],
)
def test_a_cursor_only_moves_forward(store: SqliteStore, older: str, newer: str) -> None:
    assert store.cursor("x", "C1") is None
    store.advance_cursor("x", "C1", older, T0)
    store.advance_cursor("x", "C1", newer, T0)
    store.advance_cursor("x", "C1", older, T0)
    assert store.cursor("x", "C1") == newer


def test_forgetting_a_customer_drops_their_raw_events(store: SqliteStore) -> None:
    from storage.forget import forget_customer

    store.inbox_add("slack", "a", "C1", "e", {"text": "mine", "user": "U-lucia"}, T0, "U-lucia")
    store.inbox_add("slack", "b", "C1", "e", {"text": "about <@U-lucia>"}, T0, "U-ana")
    store.inbox_add("slack", "c", "C1", "e", {"text": "other"}, T0, "U-ana")
    forget_customer(store.db, "slack", "U-lucia", T0)
    rows = store.db.execute("SELECT key, payload IS NULL, state FROM inbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("a", 1, DONE), ("b", 1, DONE), ("c", 0, PENDING)]


def test_a_full_database_says_unavailable_and_keeps_what_it_had(tmp_path: Path) -> None:
    from bot.core.base.store_port import StoreUnavailable

    store = SqliteStore(open_database(tmp_path / "capped.db", max_mb=1))
    kept = 0
    with pytest.raises(StoreUnavailable):
        for i in range(10_000):
            store.inbox_add("slack", f"k{i}", "C1", "e", {"text": "x" * 2000}, T0)
            kept += 1
    assert 0 < kept < 10_000
    assert store.db.execute("SELECT count(*) FROM inbox").fetchone()[0] == kept


def test_a_row_heading_an_idle_lane_is_claimed_as_it_is_written(store: SqliteStore) -> None:
    """`inbox_add_claimed`: the head of a lane with nothing pending is claimed for the
    owner in the same statement; behind a pending row it waits unclaimed, in order."""
    found = store.inbox_add_claimed("slack", "k1", "C1", "e", {"a": 1}, T0, "U1", "me", LEASE)
    assert found is not None and found[1] is True
    assert store.inbox_claim("slack", "C1", "someone-else", T0, LEASE) is None  # held by me
    behind = store.inbox_add_claimed("slack", "k2", "C1", "e", {}, T0, "U1", "me", LEASE)
    assert behind is not None and behind[1] is False
    assert store.inbox_add_claimed("slack", "k1", "C1", "e", {}, T0, "U1", "me", LEASE) is None
    claimed_by = store.db.execute("SELECT key, claimed_by FROM inbox ORDER BY id").fetchall()
    assert claimed_by == [("k1", "me"), ("k2", None)]
    store.inbox_done(found[0], "me", T0)
    following = store.inbox_claim("slack", "C1", "someone-else", T0, LEASE)
    assert following is not None and following.key == "k2"


def test_a_lane_waiting_for_a_retry_is_not_claimed_ahead_of_it(store: SqliteStore) -> None:
    first = store.inbox_add("slack", "k1", "C1", "e", {}, T0)
    assert first is not None
    store.inbox_claim("slack", "C1", "me", T0, LEASE)
    store.inbox_retry(first, "me", "boom", T0 + timedelta(seconds=30), 1)
    later = store.inbox_add_claimed("slack", "k2", "C1", "e", {}, T0, None, "me", LEASE)
    assert later is not None and later[1] is False
    assert store.inbox_claim("slack", "C1", "me", T0, LEASE) is None  # k1 is due first
