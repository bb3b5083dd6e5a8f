"""Guidance no customer can read (issue 11, item 1, and the refusal of item 2), through
`sereno run` on Slack over HTTP as a team runs it.

A Slack Connect complaints channel (shared with a client's organisation: customers read
it) gets nothing from Sereno: no case header, step or suggestion, no post at all; the
lead gets one direct message naming the setting to set, and the log says so at start.
A complaints channel only the team reads, in the same process, is guided as usual.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.core.delivery.inbox_rows import PENDING
from tests.acceptance.chat import ANSWER_WITHIN, COMPLAINT
from tests.acceptance.served import Served, stays, until
from tests.acceptance.slack_chat import USERS, SlackChat
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
LEAD = "U-lea"
SETTING = "SERENO_SLACK_INTERNAL_CHANNELS"


def query(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """A read-only look at the served process's database."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        return conn.execute(sql, args).fetchall()


@pytest_asyncio.fixture(loop_scope="session")
async def slack(tmp_path: Path) -> AsyncIterator[SlackChat]:
    """`sereno run` on Slack with a lead; its first complaints channel is shared with
    another organisation (Slack Connect)."""
    async with FakeSlack(users={**USERS, LEAD: "lea"}) as fake:
        chat = SlackChat(fake, socket_mode=False)
        fake.add_channel(chat.rooms[0], "acme-support", is_ext_shared=True, is_shared=True)
        config = {
            **chat.settings(),
            "SERENO_DB": str(tmp_path / "x.db"),
            "SERENO_SLACK_LEAD": LEAD,
            "SERENO_LOG_LEVEL": "INFO",
            "SERENO_FIRST_RESPONSE": "1h",  # no pings in these threads
        }
        chat.attach(Served(tmp_path, config))
        try:
            await chat.start()
            yield chat
        finally:
            await chat.served.close()


def posted_to(chat: SlackChat, channel: str) -> list[dict[str, Any]]:
    """Everything Sereno tried to post in a channel (or a person's DM), accepted or not."""
    return [c.params for c in chat.fake.calls("chat.postMessage") if c.params["channel"] == channel]


async def test_a_slack_connect_channel_gets_no_post_and_the_lead_one_message(
    slack: SlackChat,
) -> None:
    shared, internal = slack.new_room(), slack.new_room()
    assert shared == slack.rooms[0]
    ts = await slack.post_complaint(shared, COMPLAINT)
    guided = await slack.complain(room=internal)  # the same process guides the other one
    assert [p.title.split(" ")[0] for p in slack.posts(guided.id)] == ["Case", "Step", "Suggested"]

    def worked() -> bool:
        waiting = query(slack.served.db, "SELECT count(*) FROM inbox WHERE state = ?", PENDING)
        return waiting[0][0] == 0

    await until(worked, timeout=ANSWER_WITHIN, what="the inbox worked", served=slack.served)
    [told] = await until(
        lambda: posted_to(slack, LEAD),
        timeout=ANSWER_WITHIN,
        what="a direct message to the lead",
        served=slack.served,
    )
    assert shared in str(told) and SETTING in str(told)

    def silent_there() -> bool:
        return posted_to(slack, shared) == [] and slack.posts(ts) == []

    await stays(
        lambda: silent_there() and len(posted_to(slack, LEAD)) == 1,
        seconds=2.0,
        what=lambda: (
            f"posts in {shared}: {posted_to(slack, shared)}; "
            f"to the lead: {len(posted_to(slack, LEAD))}"
        ),
        served=slack.served,
    )
    cases = query(slack.served.db, "SELECT channel_id FROM cases")
    assert cases == [(internal,)]

    log = slack.served.stderr()
    assert f"{internal}: internal (not shared, no guests)" in log
    [refusal] = [line for line in log.splitlines() if "customers can read" in line]
    assert shared in refusal and "is_ext_shared" in refusal and SETTING in refusal
