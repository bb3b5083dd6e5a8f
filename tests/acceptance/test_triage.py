"""A staff-only place for each case (issue 11, item 2, Slack), through `sereno run` on
Slack over HTTP as a team runs it.

The first complaints channel is shared with a client's organisation (Slack Connect) and
SERENO_SLACK_TRIAGE_CHANNEL names a channel only the team reads. A complaint in the
shared channel opens a case; the customer's channel receives nothing at all, and the
triage channel gets one thread: the complaint with a link to it, then the guidance, and
✅ on a step there brings the next step into the same thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.acceptance.chat import (
    ANSWER_WITHIN,
    COMPLAINT,
    FIRST_RESPONSE,
    GUIDANCE_WITHIN,
    PING_LATE_AT_MOST,
    Thread,
    first_response_ping,
)
from tests.acceptance.served import Served, stays, until
from tests.acceptance.slack_chat import CUSTOMER, USERS, SlackChat
from tests.acceptance.test_audience import posted_to, query
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
TRIAGE = "CTRIAGE01"


@asynccontextmanager
async def triage_chat(tmp_path: Path, **extra: str) -> AsyncIterator[SlackChat]:
    """`sereno run` on Slack; its first complaints channel is a Slack Connect channel and
    a triage channel only the team reads is set."""
    async with FakeSlack(users=USERS) as fake:
        chat = SlackChat(fake, socket_mode=False)
        fake.add_channel(chat.rooms[0], "acme-support", is_ext_shared=True, is_shared=True)
        fake.add_channel(TRIAGE, "complaints-triage")
        config = {
            **chat.settings(),
            "SERENO_DB": str(tmp_path / "x.db"),
            "SERENO_SLACK_TRIAGE_CHANNEL": TRIAGE,
            "SERENO_LOG_LEVEL": "INFO",
            "SERENO_FIRST_RESPONSE": "1h",  # no pings in these threads
            **extra,
        }
        chat.attach(Served(tmp_path, config))
        try:
            await chat.start()
            yield chat
        finally:
            await chat.served.close()


@pytest_asyncio.fixture(loop_scope="session")
async def slack(tmp_path: Path) -> AsyncIterator[SlackChat]:
    async with triage_chat(tmp_path) as chat:
        yield chat


def opener(chat: SlackChat) -> dict[str, Any] | None:
    """The triage channel's top-level post (the staff thread's opener), with its ts."""
    for call in chat.fake.calls("chat.postMessage", ok=True):
        if call.params["channel"] == TRIAGE and not call.params.get("thread_ts"):
            return {**call.params, "ts": str(call.response["ts"])}
    return None


async def test_the_customer_channel_gets_nothing_and_the_triage_thread_the_guidance(
    slack: SlackChat,
) -> None:
    shared = slack.new_room()
    assert shared == slack.rooms[0]
    ts = await slack.post_complaint(shared, COMPLAINT)
    first = await until(
        lambda: opener(slack),
        timeout=GUIDANCE_WITHIN,
        what="the triage opener",
        served=slack.served,
    )
    assert "Lucía" in first["text"] and shared in first["text"]
    assert f"archives/{shared}/p{ts.replace('.', '')}" in str(first["blocks"])
    posts = await slack.wait_posts(first["ts"], count=3, timeout=GUIDANCE_WITHIN)
    assert [p.title.split(" ")[0] for p in posts] == ["Case", "Step", "Suggested"]
    assert {c.params["channel"] for c in slack.fake.calls("chat.postMessage")} == {TRIAGE}

    thread = Thread(TRIAGE, first["ts"], 1)
    [step] = [p for p in posts if p.title.startswith("Step 1/")]
    assert step.title.endswith("Before you answer"), step.title
    await slack.react_done(thread, step)  # marks the steps the folded card holds (issue 13)
    await slack.wait_posts(
        first["ts"],
        lambda p: (
            p.title.startswith("Step 4/")
            and p.title.endswith("First reply: acknowledge, align, assure")
        ),
        timeout=ANSWER_WITHIN,
    )

    await stays(
        lambda: posted_to(slack, shared) == [] and slack.posts(ts) == [],
        seconds=1.0,
        what=lambda: f"posts in {shared}: {posted_to(slack, shared)}",
        served=slack.served,
    )
    assert query(slack.served.db, "SELECT channel_id, staff_channel_id FROM cases") == [
        (shared, TRIAGE)
    ]
    log = slack.served.stderr()
    assert f"triage channel {TRIAGE}: internal" in log
    assert not [line for line in log.splitlines() if "opens no case" in line]


async def test_what_the_customer_writes_in_their_thread_shows_in_the_triage_thread(
    slack: SlackChat,
) -> None:
    """Issue 11, item 4: agents follow the conversation from the staff thread alone."""
    shared = slack.rooms[0]
    ts = await slack.post_complaint(shared, COMPLAINT)
    first = await until(
        lambda: opener_of(slack, ts),
        timeout=GUIDANCE_WITHIN,
        what="the triage opener",
        served=slack.served,
    )
    await slack.wait_posts(first["ts"], count=3, timeout=GUIDANCE_WITHIN)
    later = "Hello?? It has been two days and still nothing, this is unacceptable."
    event = sp.message_event(shared, CUSTOMER, later, sp.next_ts(), thread_ts=ts)
    await slack._deliver("events_api", sp.event_body(event))
    [mirrored] = await slack.wait_posts(
        first["ts"], lambda p: "wrote in their thread" in p.title, timeout=ANSWER_WITHIN
    )
    assert "Lucía" in mirrored.title and later in str(mirrored.text)
    await stays(
        lambda: posted_to(slack, shared) == [] and slack.posts(ts) == [],
        seconds=1.0,
        what=lambda: f"posts in {shared}: {posted_to(slack, shared)}",
        served=slack.served,
    )


def opener_of(chat: SlackChat, ts: str) -> dict[str, Any] | None:
    """The triage opener that links to the complaint posted at `ts`."""
    for call in chat.fake.calls("chat.postMessage", ok=True):
        params = call.params
        if (
            params["channel"] == TRIAGE
            and not params.get("thread_ts")
            and f"p{ts.replace('.', '')}" in str(params.get("blocks"))
        ):
            return {**params, "ts": str(call.response["ts"])}
    return None


async def test_a_first_response_ping_goes_to_the_triage_thread_only(tmp_path: Path) -> None:
    """Pings are for the team: the overdue first response is told in the staff thread."""
    async with triage_chat(tmp_path, SERENO_FIRST_RESPONSE=f"{FIRST_RESPONSE:g}s") as slack:
        shared = slack.rooms[0]
        ts = await slack.post_complaint(shared, COMPLAINT)
        first = await until(
            lambda: opener_of(slack, ts),
            timeout=GUIDANCE_WITHIN,
            what="the triage opener",
            served=slack.served,
        )
        needle = first_response_ping(1)
        await slack.wait_posts(
            first["ts"],
            lambda p: needle in p.text,
            timeout=FIRST_RESPONSE + PING_LATE_AT_MOST + 2.0,
        )
        assert posted_to(slack, shared) == [] and slack.posts(ts) == []
