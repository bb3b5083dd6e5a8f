"""Slack catch-up after downtime: the real slack_sdk client against the fake Slack's
history, feeding a real SQLite inbox (issue 10, item 3)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.base.model import Actor, Incoming, Status
from bot.wiring import App
from handlers import catchup as shared
from handlers.catchup import CatchUpRunner
from handlers.slack import catchup
from handlers.slack.catchup import catch_up
from storage.db import open_database
from storage.store import SqliteStore
from tests.fakes.slack_api import FakeSlack

#: The fake's ts values start at 1700000000.000100: "now" is just before them.
NOW = datetime.fromtimestamp(1_700_000_000, UTC)
CURSOR = f"{NOW.timestamp():.6f}"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(users={"U1": "alice", "U2": "bob"}) as fake:
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(base_url=slack.base_url, token="xoxb-test-token")


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(open_database(tmp_path / "catchup.db"))


def rows(store: SqliteStore) -> list[dict]:
    return list(store.db.query("SELECT key, lane, kind, payload, author_id FROM inbox ORDER BY id"))


def keys(store: SqliteStore) -> list[str]:
    return [r["key"] for r in rows(store)]


async def test_the_first_start_feeds_nothing_and_sets_the_cursor_to_now(
    slack: FakeSlack, web: AsyncWebClient, store: SqliteStore
) -> None:
    slack.add_history("C1", "an old complaint", ts="1699990000.000100")

    assert await catch_up(web, store, ["C1"], NOW) == {"C1": 0}

    assert store.cursor("slack", "C1") == CURSOR
    assert rows(store) == [] and slack.calls("conversations.history") == []


async def test_missed_messages_are_fed_once_in_order_across_pages(
    slack: FakeSlack, web: AsyncWebClient, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catchup, "PAGE_SIZE", 2)
    store.advance_cursor("slack", "C1", CURSOR, NOW)
    sent = [slack.add_history("C1", f"complaint {i}", user="U2") for i in range(5)]
    bot_post = await web.chat_postMessage(channel="C1", text="Sereno's own post")
    store.inbox_add("slack", f"msg:C1:{sent[1]['ts']}", "C1", "events_api", {}, NOW, "U2")  # live

    fed = await catch_up(web, store, ["C1"], NOW)

    assert fed == {"C1": 5}  # 6 read, one already kept by the live path
    assert len(slack.calls("conversations.history")) == 3
    expected = [f"msg:C1:{m['ts']}" for m in sent]
    assert keys(store) == [expected[1], expected[0], *expected[2:], f"msg:C1:{bot_post['ts']}"]
    first = next(r for r in rows(store) if r["key"] == expected[0])
    assert (first["lane"], first["kind"], first["author_id"]) == ("C1", "events_api", "U2")
    body = json.loads(first["payload"])
    assert body["type"] == "event_callback"
    assert body["event_id"] == f"catchup:C1:{sent[0]['ts']}"
    assert body["event"] == {**sent[0], "type": "message", "channel": "C1"}
    assert store.cursor("slack", "C1") == bot_post["ts"]

    assert await catch_up(web, store, ["C1"], NOW) == {"C1": 0}
    assert len(rows(store)) == 6
    assert slack.calls("conversations.history")[-1].params["oldest"] == bot_post["ts"]


async def test_customer_replies_in_open_case_threads_are_fed(
    slack: FakeSlack, web: AsyncWebClient, app: App
) -> None:
    store = app.store
    alice = Actor("slack", "U1", "alice")
    text = "My order 48213 arrived broken and nobody answers. I want a refund now!"
    open_parent = slack.add_history("C1", text, ts="1699999000.000100")
    closed_parent = slack.add_history("C1", text, ts="1699999000.000200")
    bob = Actor("slack", "U3", "bob")  # alice's second complaint would join her open case
    for parent, who in ((open_parent, alice), (closed_parent, bob)):
        case = app.engine.open_case(Incoming("slack", "C1", parent["ts"], who, text))
        assert case is not None
    app.engine.store.update_case(case.id, status=Status.CLOSED)
    slack.add_history(
        "C1", "before the cursor", thread_ts=open_parent["ts"], ts="1699999500.000100"
    )
    store.advance_cursor("slack", "C1", CURSOR, NOW)
    reply = slack.add_history("C1", "still waiting!!", thread_ts=open_parent["ts"])
    slack.add_history("C1", "in a closed case", thread_ts=closed_parent["ts"])
    top = slack.add_history("C1", "a new complaint", user="U2")

    assert await catch_up(web, store, ["C1"], NOW) == {"C1": 2}

    assert keys(store) == [f"msg:C1:{top['ts']}", f"msg:C1:{reply['ts']}"]  # complaints first
    [asked] = slack.calls("conversations.replies")
    assert (asked.params["ts"], asked.params["oldest"]) == (open_parent["ts"], CURSOR)
    assert store.cursor("slack", "C1") == top["ts"]


async def test_at_most_seven_days_and_the_newest_thousand_are_fed(
    slack: FakeSlack,
    web: AsyncWebClient,
    store: SqliteStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(shared, "MAX_MESSAGES", 3)
    monkeypatch.setattr(catchup, "MAX_MESSAGES", 3)
    week_ago = NOW - timedelta(days=7)
    store.advance_cursor("slack", "C1", f"{(NOW - timedelta(days=30)).timestamp():.6f}", NOW)
    slack.add_history("C1", "eight days old", ts=f"{(NOW - timedelta(days=8)).timestamp():.6f}")
    sent = [slack.add_history("C1", f"m{i}") for i in range(5)]

    with caplog.at_level(logging.INFO, logger="handlers.slack.catchup"):
        assert await catch_up(web, store, ["C1"], NOW) == {"C1": 3}

    assert keys(store) == [f"msg:C1:{m['ts']}" for m in sent[2:]]
    assert slack.calls("conversations.history")[0].params["oldest"] == (
        f"{week_ago.timestamp():.6f}"
    )
    assert "stopped at the bound of 3 messages" in caplog.text


async def test_a_429_is_waited_out_on_the_non_marketplace_tier(
    slack: FakeSlack, web: AsyncWebClient, store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.advance_cursor("slack", "C1", CURSOR, NOW)
    sent = [slack.add_history("C1", f"m{i}") for i in range(20)]
    slack.limit_history(page_size=15, per_window=1, window=0.3, retry_after=0.3)

    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="handlers.slack.catchup"):
        assert await catch_up(web, store, ["C1"], NOW) == {"C1": 20}

    assert time.monotonic() - started >= 0.3
    assert keys(store) == [f"msg:C1:{m['ts']}" for m in sent]
    assert [c.status for c in slack.calls("conversations.history")] == [200, 429, 200]
    assert "waiting for rate limits" in caplog.text


async def test_a_failing_channel_does_not_stop_the_others(
    slack: FakeSlack,
    web: AsyncWebClient,
    store: SqliteStore,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(catchup, "TRANSIENT_WAITS", (0.01,))
    slack.add_channel("C9", "left", is_member=False)
    for channel in ("C9", "C5", "C1"):
        store.advance_cursor("slack", channel, CURSOR, NOW)
    slack.add_history("C9", "unreadable")
    kept = slack.add_history("C1", "readable")
    slack.fail_next("conversations.history", 500, times=2, channel="C5")  # one retry, then give up

    with caplog.at_level(logging.WARNING, logger="handlers.slack.catchup"):
        assert await catch_up(web, store, ["C9", "C5", "C1"], NOW) == {"C1": 1}

    assert keys(store) == [f"msg:C1:{kept['ts']}"]
    assert store.cursor("slack", "C9") == CURSOR == store.cursor("slack", "C5")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "C9 failed: not_in_channel" in lines[0] and "C5 failed: internal_error" in lines[1]


async def test_a_snapshot_of_the_cursors_closes_the_gap_the_live_path_skipped(
    slack: FakeSlack, web: AsyncWebClient, store: SqliteStore
) -> None:
    store.advance_cursor("slack", "C1", CURSOR, NOW)
    since = shared.cursors(store, "slack", ["C1", "C2"])
    missed = slack.add_history("C1", "posted while reconnecting")
    live = slack.add_history("C1", "arrived live after the reconnect")
    store.inbox_add("slack", f"msg:C1:{live['ts']}", "C1", "events_api", {}, NOW, "U1")
    store.advance_cursor("slack", "C1", live["ts"], NOW)  # as the live path does

    assert await catch_up(web, store, ["C1", "C2"], NOW, since=since) == {"C1": 1, "C2": 0}

    assert keys(store) == [f"msg:C1:{live['ts']}", f"msg:C1:{missed['ts']}"]
    assert store.cursor("slack", "C2") == CURSOR  # first start there


async def test_each_socket_mode_hello_catches_up_from_a_snapshot(
    slack: FakeSlack, web: AsyncWebClient, store: SqliteStore
) -> None:
    """The wiring suggested to the lead: a hello starts a new connection; catch up then."""
    app = AsyncApp(signing_secret="unused-in-socket-mode", client=web)
    runner = CatchUpRunner(
        "slack",
        store,
        ["C1"],
        lambda now, since: catch_up(web, store, ["C1"], now, since=since),
        lambda: NOW,
    )

    async def on_raw(message: aiohttp.WSMessage) -> None:
        if (
            message.type == aiohttp.WSMsgType.TEXT
            and json.loads(message.data).get("type") == "hello"
        ):
            runner.request()

    handler = AsyncSocketModeHandler(app, app_token="xapp-1-test")
    handler.client.on_message_listeners.append(on_raw)
    await handler.connect_async()
    try:
        await asyncio.wait_for(_until(lambda: store.cursor("slack", "C1") == CURSOR), 5)
        missed = slack.add_history("C1", "posted while the socket was down")
        await slack.socket_disconnect()
        await asyncio.wait_for(_until(lambda: keys(store) == [f"msg:C1:{missed['ts']}"]), 5)
        await asyncio.wait_for(runner.wait(), 5)
    finally:
        await runner.stop()
        await handler.close_async()
    assert runner.runs == 2 and slack.socket_connections == 2


async def _until(check: Callable[[], bool]) -> None:
    while not check():
        await asyncio.sleep(0.01)
