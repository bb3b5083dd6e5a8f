"""Who can read a Slack complaints channel (issue 11, item 1, and the refusal of item 2):
a channel shared with another organisation, or with guests among its members, gets no
case and no post, and the lead hears of it once; an internal channel is served as ever.

The real bolt app and slack_sdk client against FakeSlack, on a real SQLite file.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.base.case import EventKind
from bot.core.base.ports import LanguageDetector
from bot.core.cases.audience import Audience
from bot.settings import Settings, SettingsError
from handlers.slack.ingress import EVENTS, entry
from handlers.slack.people import SlackPeople
from handlers.slack.visibility import CACHE_SECONDS, SlackVisibility, Unknown
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import Running, running, slack_settings
from tests.support import eventually

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
LEAD = "U-lead"
SHARED, INTERNAL = "C2", "C1"


@asynccontextmanager
async def sereno(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, **env: str
) -> AsyncIterator[Running]:
    """Sereno on two complaints channels, C1 and C2, with a lead to tell."""
    settings = slack_settings(
        db_path, fake, SERENO_SLACK_CHANNELS="C1,C2", SERENO_SLACK_LEAD=LEAD, **env
    )
    async with running(settings, fake, detector) as slack:
        yield slack


async def complain(slack: Running, channel: str, user: str = "U-lucia") -> str:
    """A customer's complaint in `channel`; returns once the inbox has worked it."""
    ts = sp.next_ts()
    assert await slack.event(sp.message_event(channel, user, f"{EN} ({ts})", ts)) == 200
    await worked(slack)
    return ts


async def worked(slack: Running, timeout: float = 10.0) -> None:
    """Wait until no Slack event waits in the inbox, and what it queued is delivered."""
    await eventually(lambda: slack.app.store.inbox_health("slack").pending == 0, timeout)
    await slack.delivered()


def posts_in(slack: Running, channel: str) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in slack.fake.calls("chat.postMessage")
        if c.params.get("channel") == channel
    ]


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.core.cases.audience"]


def assert_refused(slack: Running, ts: str, channel: str = SHARED) -> None:
    assert slack.app.store.find_case_by_message("slack", channel, ts) is None
    assert posts_in(slack, channel) == []


# ---------------------------------------------------------------- through bolt


async def test_a_slack_connect_channel_gets_no_case_no_post_and_one_word_to_the_lead(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_channel(SHARED, "acme-shared", is_ext_shared=True, is_shared=True)
    caplog.set_level(logging.ERROR, logger="bot.core.cases.audience")
    async with sereno(fake, db_path, detector) as slack:
        first = await complain(slack, SHARED)
        second = await complain(slack, SHARED, "U-john")
        assert_refused(slack, first)
        assert_refused(slack, second)
        [line] = refusals(caplog)
        assert SHARED in line and "is_ext_shared" in line
        assert "SERENO_SLACK_INTERNAL_CHANNELS" in line and "SERENO_SLACK_TRIAGE_CHANNEL" in line
        [told] = posts_in(slack, LEAD)
        assert SHARED in told
        [dm] = [c.params for c in fake.calls("chat.postMessage") if c.params["channel"] == LEAD]
        assert "SERENO_SLACK_INTERNAL_CHANNELS" in str(dm.get("blocks"))
        assert "SERENO_SLACK_TRIAGE_CHANNEL" in str(dm.get("blocks"))

        ts = await complain(slack, INTERNAL)  # the same process serves its other channel
        assert [p["text"].split(" ")[0] for p in slack.posts(ts)] == ["Case", "Step", "Suggested"]


async def test_a_channel_with_a_guest_among_its_members_is_refused(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_user("U-gus", "gus", is_restricted=True)
    fake.add_member(SHARED, "U-ana")
    fake.add_member(SHARED, "U-gus")
    caplog.set_level(logging.ERROR, logger="bot.core.cases.audience")
    async with sereno(fake, db_path, detector) as slack:
        assert_refused(slack, await complain(slack, SHARED))
        [line] = refusals(caplog)
        assert "guests are members" in line
        assert len(posts_in(slack, LEAD)) == 1


async def test_a_guest_joining_later_refuses_the_next_complaint_and_keeps_the_open_case(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_user("U-sol", "sol", is_ultra_restricted=True)
    caplog.set_level(logging.ERROR, logger="bot.core.cases.audience")
    async with sereno(fake, db_path, detector) as slack:
        before = await complain(slack, SHARED)  # internal so far: guided
        case = slack.app.store.find_case_by_message("slack", SHARED, before)
        assert case is not None and len(slack.posts(before)) == 3

        assert await slack.event(fake.join(SHARED, "U-sol", inviter="U-ana")) == 200
        await worked(slack)  # judged again at once: the lead hears before any complaint
        assert len(posts_in(slack, LEAD)) == 1 and "guests are members" in refusals(caplog)[0]

        after = await complain(slack, SHARED, "U-john")
        assert slack.app.store.find_case_by_message("slack", SHARED, after) is None
        assert len(refusals(caplog)) == 1 and len(posts_in(slack, LEAD)) == 1

        reply = sp.message_event(SHARED, "U-lucia", "Any news?", thread_ts=before)
        assert await slack.event(reply) == 200  # the case exists: recorded as before
        await worked(slack)
        kinds = [e.kind for e in slack.app.store.events(case.id)]
        assert EventKind.CUSTOMER_MESSAGE in kinds


async def test_a_channel_listed_internal_is_served_whatever_slack_says(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    fake.add_channel(SHARED, "acme-shared", is_ext_shared=True, is_shared=True)
    env = {"SERENO_SLACK_INTERNAL_CHANNELS": SHARED}
    async with sereno(fake, db_path, detector, **env) as slack:
        ts = await complain(slack, SHARED)
        assert len(slack.posts(ts)) == 3 and posts_in(slack, LEAD) == []
    assert [c for c in fake.calls("conversations.info") if c.params["channel"] == SHARED] == []


async def test_a_channel_listed_as_customers_is_refused_whatever_slack_says(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.core.cases.audience")
    env = {"SERENO_SLACK_CUSTOMER_CHANNELS": SHARED}
    async with sereno(fake, db_path, detector, **env) as slack:
        assert_refused(slack, await complain(slack, SHARED))
        [line] = refusals(caplog)
        assert "listed in SERENO_SLACK_CUSTOMER_CHANNELS" in line
        assert len(posts_in(slack, LEAD)) == 1


async def test_a_channel_slack_will_not_describe_is_refused(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> None:
    fake.remove_channel(SHARED)
    caplog.set_level(logging.ERROR, logger="bot.core.cases.audience")
    async with sereno(fake, db_path, detector) as slack:
        assert_refused(slack, await complain(slack, SHARED))
        [line] = refusals(caplog)
        assert "channel_not_found" in line


async def test_while_slack_cannot_say_the_complaint_waits_in_the_inbox_then_opens_once(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    fake.fail_next("conversations.info", 500, times=4)  # two tries (the lookup retries once)
    async with sereno(fake, db_path, detector) as slack:
        ts = sp.next_ts()
        assert await slack.event(sp.message_event(INTERNAL, "U-lucia", EN, ts)) == 200
        await fake.wait_for("conversations.info", count=2)
        assert slack.app.store.find_case_by_message("slack", INTERNAL, ts) is None
        assert slack.app.store.inbox_health("slack").pending == 1  # kept, not lost
        assert posts_in(slack, INTERNAL) == []

        await worked(slack, timeout=15)
        assert slack.app.store.find_case_by_message("slack", INTERNAL, ts) is not None
        assert len(slack.posts(ts)) == 3 and posts_in(slack, LEAD) == []
        assert len(fake.calls("conversations.info", ok=False)) == 4


async def test_at_start_each_channel_is_judged_in_one_line(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> None:
    fake.add_channel(SHARED, "acme-shared", is_ext_shared=True)
    caplog.set_level(logging.INFO)
    async with sereno(fake, db_path, detector) as slack:
        await slack.runtime.judge_channels()
        await worked(slack)
        lines = [r.getMessage() for r in caplog.records]
        assert "Slack: C1: internal (not shared, no guests)" in lines
        assert [line for line in lines if SHARED in line and "customers can read" in line]
        assert len(posts_in(slack, LEAD)) == 1
        assert_refused(slack, await complain(slack, SHARED))  # told once, at start
        assert len(posts_in(slack, LEAD)) == 1


# ---------------------------------------------------------------- the judge alone


def visibility(fake: FakeSlack, now: list[float] | None = None) -> SlackVisibility:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    people = SlackPeople(client, (), None)
    clock = now or [0.0]
    return SlackVisibility(people, me=lambda: fake.bot_user_id, monotonic=lambda: clock[0])


async def test_members_are_read_page_by_page_and_each_person_once(fake: FakeSlack) -> None:
    for n in range(450):
        fake.add_user(f"U{n:04d}", f"person{n}")
        fake.add_member("C5", f"U{n:04d}")
    judge = visibility(fake)
    assert (await judge.judge("C5")).audience is Audience.TEAM
    assert len(fake.calls("conversations.members")) == 3  # 200 a page
    fake.add_user("U-guest", "guest", is_restricted=True)
    fake.add_member("C5", "U-guest")
    assert (await judge.judge("C5")).audience is Audience.TEAM  # cached for 10 minutes
    judge.forget("C5")  # someone joined
    judged = await judge.judge("C5")
    assert judged.audience is Audience.CUSTOMERS and judged.why == "guests are members"
    assert len(fake.calls("users.info")) == 451  # users.info answers are kept
    assert not [c for c in fake.calls("users.info") if c.params["user"] == fake.bot_user_id]


async def test_a_member_slack_does_not_know_is_another_organisations(fake: FakeSlack) -> None:
    fake.add_member("C5", "U-stranger")  # users.info: user_not_found
    judged = await visibility(fake).judge("C5")
    assert judged.audience is Audience.CUSTOMERS and "another organisation" in judged.why


async def test_the_last_verdict_stands_while_slack_cannot_be_asked(fake: FakeSlack) -> None:
    now = [0.0]
    judge = visibility(fake, now)
    assert (await judge.judge("C5")).audience is Audience.TEAM
    now[0] += CACHE_SECONDS + 1
    fake.fail_next("conversations.info", 503, times=2)
    assert (await judge.judge("C5")).audience is Audience.TEAM  # stale, but still true
    judge.forget("C5")  # a join: the old verdict may be wrong now
    fake.fail_next("conversations.members", 429, retry_after=1, times=2)
    with pytest.raises(Unknown):
        await judge.judge("C5")


async def test_a_failed_member_lookup_is_unknown_not_internal(fake: FakeSlack) -> None:
    fake.add_user("U-ana", "ana")
    fake.add_member("C5", "U-ana")
    fake.fail_next("users.info", 500, times=2)
    with pytest.raises(Unknown):
        await visibility(fake).judge("C5")


def test_only_joins_to_complaint_channels_reach_the_inbox() -> None:
    joined = {"type": "member_joined_channel", "user": "U-gus", "channel": "C1"}
    found = entry(EVENTS, sp.event_body(joined), frozenset({"C1"}), frozenset())
    assert found is not None and found.lane == "C1"
    elsewhere = sp.event_body({**joined, "channel": "C9"})
    assert entry(EVENTS, elsewhere, frozenset({"C1"}), frozenset()) is None


# ---------------------------------------------------------------- the fake, as Slack documents it


async def test_the_fake_pages_members_and_refuses_what_slack_refuses(fake: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    for n in range(3):
        fake.add_member("C5", f"U{n}")
    first = await client.conversations_members(channel="C5", limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    rest = await client.conversations_members(channel="C5", limit=2, cursor=cursor)
    assert first["members"] + rest["members"] == [fake.bot_user_id, "U0", "U1", "U2"]
    assert rest["response_metadata"]["next_cursor"] == ""
    for bad, error in (({"limit": 1000}, "invalid_limit"), ({"cursor": "nope"}, "invalid_cursor")):
        with pytest.raises(SlackApiError) as refused:
            await client.conversations_members(channel="C5", **bad)
        assert refused.value.response["error"] == error
    info = await client.conversations_info(channel="C5")
    assert not info["channel"]["is_ext_shared"] and not info["channel"]["is_shared"]
    fake.add_channel("G7", "private", is_member=False)
    fake.remove_channel("C6")
    for gone in ("G7", "C6"):
        for ask in (client.conversations_members, client.conversations_info):
            with pytest.raises(SlackApiError) as refused:
                await ask(channel=gone)
            assert refused.value.response["error"] == "channel_not_found"


# ---------------------------------------------------------------- the two settings


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"SERENO_SLACK_INTERNAL_CHANNELS": "C9"}, "SERENO_SLACK_INTERNAL_CHANNELS: C9 is not in"),
        ({"SERENO_SLACK_CUSTOMER_CHANNELS": "C1,C9"}, "SERENO_SLACK_CUSTOMER_CHANNELS: C9 is not"),
        (
            {"SERENO_SLACK_INTERNAL_CHANNELS": "C2", "SERENO_SLACK_CUSTOMER_CHANNELS": "C2"},
            "SERENO_SLACK_INTERNAL_CHANNELS: C2 is also in SERENO_SLACK_CUSTOMER_CHANNELS",
        ),
    ],
)
def test_a_declared_channel_is_a_complaints_channel_declared_one_way(
    tmp_path: Path, extra: dict[str, str], says: str
) -> None:
    env = {
        "SERENO_DB": str(tmp_path / "x.db"),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SERENO_SLACK_CHANNELS": "C1,C2",
        "SERENO_SLACK_AGENTS": "U-ana",
        **extra,
    }
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env)
    assert str(refused.value).startswith(says) and "\n" not in str(refused.value)


@pytest.mark.parametrize("content_type", ["text/html", "application/json"])
async def test_a_proxys_page_instead_of_slacks_answer_is_unknown(
    fake: FakeSlack, content_type: str
) -> None:
    fake.fail_next(
        "conversations.info", 503, times=2, body="<html>503</html>", content_type=content_type
    )
    with pytest.raises(Unknown):
        await visibility(fake).judge("C5")


async def test_a_channel_customers_can_read_since_the_case_opened_gets_nothing_more(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    """Judged again before each post: the next step of an open case is refused, recorded
    on its timeline and told to the lead, never posted where the guest reads."""
    fake.add_user("U-sol", "sol", is_ultra_restricted=True)
    async with sereno(fake, db_path, detector) as slack:
        ts = await complain(slack, SHARED)  # internal so far: guided
        case = slack.app.store.find_case_by_message("slack", SHARED, ts)
        assert case is not None and len(posts_in(slack, SHARED)) == 3
        assert await slack.event(fake.join(SHARED, "U-sol", inviter="U-ana")) == 200
        await worked(slack)
        step = slack.posted_ts("Step 1/", ts)
        done = sp.reaction_event(True, "U-ana", "white_check_mark", SHARED, step)
        assert await slack.event(done) == 200
        await worked(slack)
        await eventually(
            lambda: EventKind.DELIVERY_FAILED in [e.kind for e in slack.app.store.events(case.id)]
        )
        assert len(posts_in(slack, SHARED)) == 3  # no Step 2 where the guest reads
        await slack.delivered()
        [_, refused] = posts_in(slack, LEAD)  # the channel's refusal, then this case's
        assert "#1" in refused
