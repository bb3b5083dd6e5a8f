"""Discord catch-up after downtime: a real discord.py client's HTTP against the fake
Discord's history, feeding a real SQLite inbox (issue 10, item 3)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path

import discord
import pytest
from discord.utils import snowflake_time, time_snowflake

from bot.core.base.model import Actor, Incoming, Status
from bot.wiring import App
from handlers import catchup as shared
from handlers.catchup import CatchUpRunner
from handlers.discord import catchup
from handlers.discord.catchup import catch_up
from storage.db import open_database
from storage.store import SqliteStore
from tests.fakes.discord_api import FakeDiscord, running_fake_discord

MISSING_ACCESS = {"message": "Missing Access", "code": 50001}


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as server:
        yield server


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """Logged in (REST only): catch-up needs no gateway."""
    bot = discord.Client(intents=discord.Intents.default())
    await bot.login(fake.token)
    yield bot
    await bot.close()


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(open_database(tmp_path / "catchup.db"))


@pytest.fixture
def now(fake: FakeDiscord) -> datetime:
    """A minute after the fake's clock: every message the test adds is older than this."""
    return snowflake_time(fake.ids.next()) + timedelta(minutes=1)


def ids(fake: FakeDiscord, *names: str) -> list[str]:
    return [str(fake.world.channel_id(n)) for n in names]


def rows(store: SqliteStore) -> list[dict]:
    found = store.db.query("SELECT key, lane, kind, payload, author_id FROM inbox ORDER BY id")
    return [{**r, "payload": json.loads(r["payload"])} for r in found]


def keys(store: SqliteStore) -> list[str]:
    return [r["key"] for r in rows(store)]


def start_at(store: SqliteStore, channel: str, when: datetime) -> None:
    store.advance_cursor("discord", channel, str(time_snowflake(when)), when)


async def test_the_first_start_feeds_nothing_and_sets_the_cursor_to_now(
    fake: FakeDiscord, client: discord.Client, store: SqliteStore, now: datetime
) -> None:
    fake.add_history("an old complaint")
    [support] = ids(fake, "support")

    assert await catch_up(client, store, [support], now) == {support: 0}

    assert store.cursor("discord", support) == str(time_snowflake(now))
    assert rows(store) == [] and fake.requests("GET", "/messages") == []


async def test_missed_messages_are_fed_once_in_order_across_pages_with_their_members(
    fake: FakeDiscord,
    client: discord.Client,
    store: SqliteStore,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(catchup, "PAGE_SIZE", 2)
    [support] = ids(fake, "support")
    start_at(store, support, now - timedelta(hours=1))
    sent = [fake.add_history(f"complaint {i}") for i in range(4)]
    sent.append(fake.add_history("on it", author="agent"))
    store.inbox_add("discord", f"message:{sent[1]['id']}", support, "MESSAGE_CREATE", {}, now)

    assert await catch_up(client, store, [support], now) == {support: 4}

    assert keys(store) == [f"message:{m['id']}" for m in [sent[1], sent[0], *sent[2:]]]
    assert len(fake.requests("GET", f"/channels/{support}/messages")) == 3
    assert len(fake.requests("GET", "/members/")) == 2  # one per author and run
    first = rows(store)[1]
    assert (first["lane"], first["kind"]) == (support, "MESSAGE_CREATE")
    assert first["author_id"] == str(fake.world.user_id("customer"))
    payload = first["payload"]
    assert payload["guild_id"] == str(fake.world.guild_id)
    assert payload["member"]["user"]["id"] == first["author_id"]
    assert {k: v for k, v in payload.items() if k not in ("guild_id", "member")} == sent[0]
    agent = rows(store)[-1]["payload"]["member"]
    assert str(fake.world.role_id("Agents")) in agent["roles"]
    assert store.cursor("discord", support) == sent[-1]["id"]

    assert await catch_up(client, store, [support], now) == {support: 0}
    assert len(rows(store)) == 5
    assert fake.requests("GET", "/messages")[-1].query["after"] == sent[-1]["id"]


async def test_replies_in_open_case_threads_and_new_forum_posts_are_fed(
    fake: FakeDiscord, client: discord.Client, app: App, now: datetime
) -> None:
    store = app.store
    support, forum, thread = ids(fake, "support", "escalations", "case-1001")
    closed = fake.world.add_channel(
        {**fake.world.channel(thread), "id": str(fake.ids.next()), "name": "case-1002"}
    )
    casey = Actor("discord", str(fake.world.user_id("customer")), "casey")
    text = "My order 48213 arrived broken and nobody answers. I want a refund now!"
    for thread_id in (thread, closed["id"]):
        case = app.engine.open_case(Incoming("discord", support, thread_id, casey, text, thread_id))
        assert case is not None
    app.engine.store.update_case(case.id, status=Status.CLOSED)
    for channel in (support, forum):
        start_at(store, channel, now - timedelta(hours=1))
    reply = fake.add_history("still waiting!!", channel=thread)
    fake.add_history("in a closed case", channel=closed["id"])
    post, starter = fake.add_forum_post("Broken again", "It broke again")
    _, quiet = fake.add_forum_post("Quiet", "nobody answered", archived=True)

    fed = await catch_up(client, store, [support, forum], now)

    assert fed == {support: 1, forum: 2}
    assert [(r["key"], r["lane"]) for r in rows(store)] == [
        (f"message:{reply['id']}", support),
        (f"message:{starter['id']}", forum),
        (f"message:{quiet['id']}", forum),
    ]
    assert rows(store)[1]["payload"]["channel_id"] == post["id"]  # the post's thread
    assert fake.requests("GET", f"/channels/{closed['id']}/messages") == []
    assert store.cursor("discord", forum) == quiet["id"]


async def test_at_most_seven_days_and_a_thousand_messages_are_fed(
    fake: FakeDiscord,
    client: discord.Client,
    store: SqliteStore,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(shared, "MAX_MESSAGES", 3)
    monkeypatch.setattr(catchup, "MAX_MESSAGES", 3)
    [support] = ids(fake, "support")
    start_at(store, support, now - timedelta(days=30))
    fake.add_history("eight days old", message_id=time_snowflake(now - timedelta(days=8)))
    sent = [fake.add_history(f"m{i}") for i in range(5)]

    with caplog.at_level(logging.INFO, logger="handlers.discord.catchup"):
        assert await catch_up(client, store, [support], now) == {support: 3}

    assert keys(store) == [f"message:{m['id']}" for m in sent[:3]]
    first = fake.requests("GET", "/messages")[0]
    assert first.query["after"] == str(time_snowflake(now - timedelta(days=7)))
    assert "stopped at the bound of 3 messages" in caplog.text
    assert store.cursor("discord", support) == sent[2]["id"]  # the rest follows next time


async def test_a_429_is_waited_out_by_discord_py(
    fake: FakeDiscord, client: discord.Client, store: SqliteStore, now: datetime
) -> None:
    [support] = ids(fake, "support")
    start_at(store, support, now - timedelta(hours=1))
    sent = fake.add_history("while away")
    fake.fail_next("GET", rf"/channels/{support}/messages", 429, retry_after=0.2)

    assert await catch_up(client, store, [support], now) == {support: 1}

    assert keys(store) == [f"message:{sent['id']}"]
    assert [r.status for r in fake.requests("GET", "/messages")] == [429, 200]


async def test_a_failing_channel_does_not_stop_the_others(
    fake: FakeDiscord,
    client: discord.Client,
    store: SqliteStore,
    now: datetime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    support, hidden = ids(fake, "support", "agents")
    gone = str(fake.ids.next())
    for channel in (hidden, gone, support):
        start_at(store, channel, now - timedelta(hours=1))
    fake.add_history("unreadable", channel=hidden)
    kept = fake.add_history("readable")
    fake.fail_next("GET", rf"/channels/{hidden}/messages", 403, body=MISSING_ACCESS)

    with caplog.at_level(logging.WARNING, logger="handlers.discord.catchup"):
        assert await catch_up(client, store, [hidden, gone, support], now) == {support: 1}

    assert keys(store) == [f"message:{kept['id']}"]
    assert store.cursor("discord", hidden) == str(time_snowflake(now - timedelta(hours=1)))
    lines = [r.getMessage() for r in caplog.records if r.name == "handlers.discord.catchup"]
    assert len(lines) == 2
    assert f"{hidden} failed: 403 Missing Access (50001)" in lines[0]
    assert f"{gone} failed: 404 Unknown Channel (10003)" in lines[1]


async def test_what_is_fed_parses_as_a_gateway_message_with_the_authors_roles(
    fake: FakeDiscord, store: SqliteStore, now: datetime
) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    bot = discord.Client(intents=intents, guild_ready_timeout=0.05)
    parsed: list[discord.Message] = []

    @bot.event
    async def on_message(message: discord.Message) -> None:
        parsed.append(message)

    await bot.login(fake.token)
    runner = asyncio.create_task(bot.connect())
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        [support] = ids(fake, "support")
        start_at(store, support, now - timedelta(hours=1))
        fake.add_history("my refund, please", author="customer")
        fake.add_history("I'm on it", author="agent")

        assert await catch_up(bot, store, [support], now) == {support: 2}
        for row in rows(store):
            bot._connection.parse_message_create(row["payload"])
        for _ in range(100):
            if len(parsed) == 2:
                break
            await asyncio.sleep(0.01)
    finally:
        await bot.close()
        await asyncio.wait_for(runner, 5)

    customer, agent = parsed
    assert customer.content == "my refund, please" and customer.channel.id == int(support)
    assert isinstance(agent.author, discord.Member) and isinstance(customer.author, discord.Member)
    assert [r.name for r in agent.author.roles] == ["@everyone", "Agents"]
    assert [r.name for r in customer.author.roles] == ["@everyone"]


async def test_each_new_session_catches_up_once_the_guild_is_cached_again(
    fake: FakeDiscord, store: SqliteStore
) -> None:
    """The wiring suggested to the lead: snapshot on on_connect (READY, before the new
    session keeps an event), run on on_ready (the guild cache is full again)."""
    [support] = ids(fake, "support")
    bot = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    runner = CatchUpRunner(
        "discord",
        store,
        [support],
        lambda at, since: catch_up(bot, store, [support], at, since=since),
        lambda: snowflake_time(fake.ids.next()),  # the fake's clock
    )
    ready = 0

    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before identifying again: not in a test."""

    bot.before_identify_hook = no_wait  # type: ignore[method-assign]

    @bot.event
    async def on_connect() -> None:
        runner.snapshot()

    @bot.event
    async def on_ready() -> None:
        nonlocal ready
        ready += 1
        runner.start()

    await bot.login(fake.token)
    task = asyncio.create_task(bot.connect())
    try:
        await asyncio.wait_for(_until(lambda: store.cursor("discord", support) is not None), 5)
        missed = fake.add_history("posted while Sereno was away")
        fake.session = None  # Discord refuses the RESUME: a new session, which replays nothing
        await fake.drop_connection()
        await asyncio.wait_for(_until(lambda: keys(store) == [f"message:{missed['id']}"]), 5)
        await asyncio.wait_for(runner.wait(), 5)
    finally:
        await runner.stop()
        await bot.close()
        await asyncio.wait_for(task, 5)
    assert ready == 2 and runner.runs == 2


async def _until(check: Callable[[], bool]) -> None:
    while not check():
        await asyncio.sleep(0.01)
