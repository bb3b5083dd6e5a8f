"""The fakes' channel history against the real clients: messages posted while Sereno was
away (no event delivered), read back with Slack's conversations.history/replies and
Discord's GET /channels/{id}/messages, with the platforms' own limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.discord_api import FakeDiscord, running_fake_discord
from tests.fakes.slack_api import FakeSlack

TOKEN = "xoxb-test-token"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(users={"U1": "alice", "U2": "bob"}) as fake:
        yield fake


@pytest.fixture
def web(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(base_url=slack.base_url, token=TOKEN)


async def test_slack_history_shows_what_was_posted_without_an_event(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    first = slack.add_history("C1", "first")
    posted = await web.chat_postMessage(channel="C1", text="from the bot")
    second = slack.add_history("C1", "second", user="U2")
    slack.add_history("C1", "a reply", thread_ts=first["ts"])
    slack.add_history(
        "C1", "shown in the channel", thread_ts=first["ts"], subtype="thread_broadcast"
    )
    slack.add_history("C2", "elsewhere")
    assert slack.calls("chat.postMessage") and slack.socket_messages == []

    everything = await web.conversations_history(channel="C1")
    texts = [m["text"] for m in everything["messages"]]
    assert texts == ["shown in the channel", "second", "from the bot", "first"]
    assert everything["messages"][-1]["reply_count"] == 2

    after = await web.conversations_history(channel="C1", oldest=posted["ts"])
    assert [m["ts"] for m in after["messages"]][-1] == second["ts"]  # oldest is exclusive
    inclusive = await web.conversations_history(channel="C1", oldest=posted["ts"], inclusive=True)
    assert inclusive["messages"][-1]["text"] == "from the bot"


async def test_slack_history_pages_by_cursor_and_enforces_the_limit(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    sent = [slack.add_history("C1", f"m{i}")["ts"] for i in range(7)]
    seen: list[str] = []
    page: str | None = None
    pages = 0
    while True:
        answer = await web.conversations_history(channel="C1", limit=3, cursor=page)
        seen += [m["ts"] for m in answer["messages"]]
        pages += 1
        page = answer["response_metadata"]["next_cursor"] or None
        assert answer["has_more"] == (page is not None)
        if page is None:
            break
    assert pages == 3 and seen == sent[::-1]

    assert (await web.conversations_history(channel="C1", limit=999))["ok"]
    for bad in ({"limit": 1000}, {"limit": 0}, {"oldest": "yesterday"}, {"cursor": "junk"}):
        with pytest.raises(SlackApiError) as refused:
            await web.conversations_history(channel="C1", **bad)
        assert refused.value.response["error"] in (
            "invalid_limit",
            "invalid_ts_oldest",
            "invalid_cursor",
        )


async def test_slack_replies_give_the_parent_first_then_replies_oldest_first(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    parent = slack.add_history("C1", "complaint")
    replies = [slack.add_history("C1", f"r{i}", thread_ts=parent["ts"])["ts"] for i in range(5)]

    whole = await web.conversations_replies(channel="C1", ts=parent["ts"])
    assert [m["ts"] for m in whole["messages"]] == [parent["ts"], *replies]
    assert whole["messages"][1]["parent_user_id"] == "U1"

    later = await web.conversations_replies(channel="C1", ts=parent["ts"], oldest=replies[2])
    assert [m["ts"] for m in later["messages"]] == [parent["ts"], *replies[3:]]

    first = await web.conversations_replies(channel="C1", ts=parent["ts"], limit=3)
    rest = await web.conversations_replies(
        channel="C1", ts=parent["ts"], limit=3, cursor=first["response_metadata"]["next_cursor"]
    )
    assert first["has_more"] and not rest["has_more"]
    assert [m["ts"] for m in first["messages"] + rest["messages"]] == [parent["ts"], *replies]

    with pytest.raises(SlackApiError) as missing:
        await web.conversations_replies(channel="C1", ts="1.000001")
    assert missing.value.response["error"] == "thread_not_found"


async def test_slack_history_faults_membership_and_the_non_marketplace_tier(
    slack: FakeSlack, web: AsyncWebClient
) -> None:
    for i in range(20):
        slack.add_history("C1", f"m{i}")
    slack.add_channel("C9", "closed", is_member=False)
    with pytest.raises(SlackApiError) as outside:
        await web.conversations_history(channel="C9")
    assert outside.value.response["error"] == "not_in_channel"

    slack.fail_next("conversations.history", 429, retry_after=2, channel="C1")
    with pytest.raises(SlackApiError) as limited:
        await web.conversations_history(channel="C1")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "2"

    slack.limit_history(window=30)
    page = await web.conversations_history(channel="C1", limit=200)
    assert len(page["messages"]) == 15 and page["has_more"]
    with pytest.raises(SlackApiError) as tier:
        await web.conversations_history(
            channel="C1", cursor=page["response_metadata"]["next_cursor"]
        )
    assert tier.value.response.status_code == 429
    assert int(tier.value.response.headers["Retry-After"]) in range(29, 31)
    parent = next(iter(slack.posted.values()))
    assert (await web.conversations_replies(channel="C1", ts=parent["ts"]))["ok"]  # its own limit


# ---------------------------------------------------------------------- Discord


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as fake:
        yield fake


@pytest.fixture
async def client(discord_fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    bot = discord.Client(intents=discord.Intents.default())
    await bot.login(discord_fake.token)
    yield bot
    await bot.close()


async def test_discord_history_after_gives_the_next_messages_newest_first(
    discord_fake: FakeDiscord, client: discord.Client
) -> None:
    support = discord_fake.world.channel_id("support")
    sent = [discord_fake.add_history(f"m{i}")["id"] for i in range(5)]
    assert discord_fake.gateway_frames == []  # nothing was dispatched

    page = await client.http.logs_from(support, 2, after=int(sent[0]))
    assert [m["id"] for m in page] == [sent[2], sent[1]]
    assert "member" not in page[0] and "guild_id" not in page[0]  # REST shape
    newest = await client.http.logs_from(support, 100)
    assert [m["id"] for m in newest] == sent[::-1]

    with pytest.raises(discord.HTTPException) as refused:
        await client.http.logs_from(support, 101)
    assert refused.value.status == 400 and refused.value.code == 50035


async def test_discord_members_and_forum_posts_made_while_away(
    discord_fake: FakeDiscord, client: discord.Client
) -> None:
    w = discord_fake.world
    member = await client.http.get_member(w.guild_id, w.user_id("agent"))
    assert member["user"]["id"] == str(w.user_id("agent")) and member["roles"]
    with pytest.raises(discord.NotFound):
        await client.http.get_member(w.guild_id, 42)

    post, starter = discord_fake.add_forum_post("Broken order", "It arrived broken")
    old, _ = discord_fake.add_forum_post("Old", "an old one", archived=True)
    assert starter["id"] == post["id"]
    active = await client.http.get_active_threads(w.guild_id)
    assert post["id"] in [t["id"] for t in active["threads"]]
    assert old["id"] not in [t["id"] for t in active["threads"]]
    archived = await client.http.get_public_archived_threads(w.channel_id("escalations"))
    assert [t["id"] for t in archived["threads"]] == [old["id"]]
    inside = await client.http.logs_from(int(post["id"]), 100)
    assert [m["content"] for m in inside] == ["It arrived broken"]
