"""A staff-only place for each case of a complaints channel customers can read (issue 11,
item 2, Slack): with SERENO_SLACK_TRIAGE_CHANNEL set, a complaint in a Slack Connect
channel opens its case, and everything Sereno posts for the team goes to one thread in
the triage channel that opens with the complaint, its author and a link to it; nothing
is posted in the customer's channel. Without the setting the channel is refused.

The real bolt app and slack_sdk client against FakeSlack, on a real SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.base.model import StepState
from bot.core.base.ports import LanguageDetector
from bot.settings import SettingsError
from handlers.slack.ingress import EVENTS, entry
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import Running, running, slack_settings
from tests.support import eventually
from tests.test_slack_visibility import worked

EN = "My order 5521 arrived broken & nobody answers my emails <@U-ana>. I want a refund."
SHARED, INTERNAL, TRIAGE = "C2", "C1", "CTRIAGE"


@asynccontextmanager
async def sereno(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, **env: str
) -> AsyncIterator[Running]:
    """Sereno on C1 (internal) and C2 (shared with another organisation)."""
    fake.add_channel(SHARED, "acme-shared", is_ext_shared=True, is_shared=True)
    fake.add_channel(TRIAGE, "complaints-triage")
    settings = slack_settings(db_path, fake, SERENO_SLACK_CHANNELS="C1,C2", **env)
    async with running(settings, fake, detector) as slack:
        yield slack


async def complain(slack: Running, channel: str, text: str = EN) -> str:
    ts = sp.next_ts()
    assert await slack.event(sp.message_event(channel, "U-lucia", text, ts)) == 200
    await worked(slack)
    return ts


def posts_in(slack: Running, channel: str) -> list[dict[str, Any]]:
    return [
        c.params for c in slack.fake.calls("chat.postMessage") if c.params["channel"] == channel
    ]


def opener_and_thread(slack: Running) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
    """The triage channel's top-level opener, its ts, and the posts in its thread."""
    [opener] = [p for p in posts_in(slack, TRIAGE) if not p.get("thread_ts")]
    [call] = [c for c in slack.fake.calls("chat.postMessage", ok=True) if c.params is opener]
    ts = str(call.response["ts"])
    return opener, ts, [p for p in posts_in(slack, TRIAGE) if p.get("thread_ts") == ts]


def first_words(posts: list[dict[str, Any]]) -> list[str]:
    return [str(p["text"]).split(" ")[0] for p in posts]


async def test_a_shared_channel_case_lives_in_one_triage_thread_and_nothing_reaches_it(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector, SERENO_SLACK_TRIAGE_CHANNEL=TRIAGE) as slack:
        ts = await complain(slack, SHARED)
        case = slack.app.store.find_case_by_message("slack", SHARED, ts)
        assert case is not None and case.thread_id == ts
        assert posts_in(slack, SHARED) == []

        opener, thread, in_thread = opener_and_thread(slack)
        assert first_words(in_thread) == ["Case", "Step", "Suggested"]
        assert case.staff_channel_id == TRIAGE
        refreshed = slack.app.store.get_case(case.id)
        assert refreshed is not None and refreshed.staff_thread_id == thread
        shown = opener["text"] + json.dumps(opener["blocks"])
        assert "Lucía" in opener["text"] and SHARED in opener["text"]
        assert "arrived broken &amp; nobody answers my emails &lt;@U-ana&gt;" in shown
        assert "<@U-ana>" not in shown  # the customer's words cannot mention anyone
        [link] = fake.calls("chat.getPermalink")
        assert link.params == {"channel": SHARED, "message_ts": ts}
        permalink = f"https://fake-team.slack.com/archives/{SHARED}/p{ts.replace('.', '')}"
        assert f"<{permalink}|Open the complaint>" in shown
        header_ts = slack.posted_ts("Case #1", thread)

        step_ts = slack.posted_ts("Step 1/", thread)
        await slack.event(sp.reaction_event(True, "U-ana", "white_check_mark", TRIAGE, step_ts))
        await eventually(lambda: slack.app.store.steps(case.id)[0].state is StepState.DONE)
        await worked(slack)
        assert first_words(opener_and_thread(slack)[2])[-1] == "Step"
        assert len([p for p in opener_and_thread(slack)[2] if p["text"].startswith("Step")]) == 2
        updates = fake.calls("chat.update")
        assert updates and {u.params["channel"] for u in updates} == {TRIAGE}  # the header
        assert {u.params["ts"] for u in updates} == {header_ts}

        mention = sp.app_mention_event(TRIAGE, "U-ana", "<@UBOT> show", thread_ts=thread)
        await slack.event(mention)
        await fake.wait_for("chat.postEphemeral", count=1, ok=True)
        shown_case = fake.calls("chat.postEphemeral")[-1].params
        assert shown_case["channel"] == TRIAGE and "Case #1" in shown_case["text"]

        # the customer's own reply in their thread is recorded, and still nothing goes there
        reply = sp.message_event(SHARED, "U-lucia", "Still waiting!", sp.next_ts(), ts)
        await slack.event(reply)
        await worked(slack)
        kinds = [e.kind.value for e in slack.app.store.events(case.id)]
        assert "customer_message" in kinds
        assert posts_in(slack, SHARED) == []


async def test_without_a_triage_channel_the_shared_channel_is_still_refused(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        ts = await complain(slack, SHARED)
        assert slack.app.store.find_case_by_message("slack", SHARED, ts) is None
        assert posts_in(slack, SHARED) == [] and posts_in(slack, TRIAGE) == []


async def test_an_internal_channel_keeps_its_own_thread_beside_a_triage_channel(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector, SERENO_SLACK_TRIAGE_CHANNEL=TRIAGE) as slack:
        ts = await complain(slack, INTERNAL)
        assert first_words(slack.posts(ts)) == ["Case", "Step", "Suggested"]
        assert {p["channel"] for p in slack.posts(ts)} == {INTERNAL}
        assert posts_in(slack, TRIAGE) == [] and fake.calls("chat.getPermalink") == []
        case = slack.app.store.find_case_by_message("slack", INTERNAL, ts)
        assert case is not None and case.staff_channel_id is None


async def test_a_triage_channel_customers_can_read_is_not_used(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector, SERENO_SLACK_TRIAGE_CHANNEL=TRIAGE) as slack:
        fake.channels[TRIAGE].update(is_ext_shared=True, is_shared=True)
        await slack.runtime.judge_channels()
        ts = await complain(slack, SHARED)
        assert slack.app.store.find_case_by_message("slack", SHARED, ts) is None
        assert posts_in(slack, TRIAGE) == [] and posts_in(slack, SHARED) == []


def test_the_triage_channel_cannot_be_a_complaints_channel(fake: FakeSlack, db_path: Path) -> None:
    with pytest.raises(SettingsError, match="SERENO_SLACK_TRIAGE_CHANNEL"):
        slack_settings(
            db_path, fake, SERENO_SLACK_CHANNELS="C1,C2", SERENO_SLACK_TRIAGE_CHANNEL="C2"
        )


def test_ingress_keeps_reactions_but_not_messages_of_the_triage_channel() -> None:
    channels = frozenset({SHARED})
    reaction = sp.event_body(sp.reaction_event(True, "U-ana", "white_check_mark", TRIAGE, "1.2"))
    message = sp.event_body(sp.message_event(TRIAGE, "U-ana", "hello team", "1.3"))
    assert entry(EVENTS, reaction, channels, frozenset(), TRIAGE) is not None
    assert entry(EVENTS, reaction, channels, frozenset()) is None
    assert entry(EVENTS, message, channels, frozenset(), TRIAGE) is None
