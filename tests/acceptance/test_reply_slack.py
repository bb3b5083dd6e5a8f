"""Replying to the customer from Slack (issue 11, item 3), through `sereno run` on Slack
over HTTP as a team runs it.

The complaints channel is shared with a client's organisation (Slack Connect) and a
triage channel only the team reads holds the case. The agent clicks "Reply…" on the
suggestion in the triage thread; the form opens at once, prefilled with it; the agent
edits and sends. The customer's thread gets the reply exactly once, signed, and nothing
else Sereno writes (header, steps, suggestion, notices) ever reaches the shared channel.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.acceptance.chat import ANSWER_WITHIN, COMPLAINT, GUIDANCE_WITHIN
from tests.acceptance.served import Served, stays, until
from tests.acceptance.slack_chat import AGENT, USERS, SlackChat
from tests.acceptance.test_audience import posted_to, query
from tests.acceptance.test_triage import TRIAGE, opener
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
CALLBACK, TEXT_BLOCK = "sereno:reply", "sereno_reply_text"


@pytest_asyncio.fixture(loop_scope="session")
async def slack(tmp_path: Path) -> AsyncIterator[SlackChat]:
    """`sereno run` on Slack: a Slack Connect complaints channel and a triage channel."""
    async with FakeSlack(users=USERS) as fake:
        chat = SlackChat(fake, socket_mode=False)
        fake.add_channel(chat.rooms[0], "acme-support", is_ext_shared=True, is_shared=True)
        fake.add_channel(TRIAGE, "complaints-triage")
        config = {
            **chat.settings(),
            "SERENO_DB": str(tmp_path / "x.db"),
            "SERENO_SLACK_TRIAGE_CHANNEL": TRIAGE,
            "SERENO_LOG_LEVEL": "INFO",
            "SERENO_FIRST_RESPONSE": "1h",
        }
        chat.attach(Served(tmp_path, config))
        try:
            await chat.start()
            yield chat
        finally:
            await chat.served.close()


async def test_the_agent_replies_from_the_triage_thread_and_the_customer_reads_it_once(
    slack: SlackChat,
) -> None:
    shared = slack.new_room()
    ts = await slack.post_complaint(shared, COMPLAINT)
    first = await until(
        lambda: opener(slack),
        timeout=GUIDANCE_WITHIN,
        what="the triage opener",
        served=slack.served,
    )
    posts = await slack.wait_posts(first["ts"], count=3, timeout=GUIDANCE_WITHIN)
    [card] = [p for p in posts if p.title.startswith("Suggested")]
    [call] = [c for c in slack.fake.calls("chat.postMessage") if c.response.get("ts") == card.id]
    buttons = [e for b in call.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    [reply_button] = [b for b in buttons if b["action_id"] == CALLBACK]

    click = slack.fake.block_actions(
        CALLBACK, reply_button["value"], AGENT, TRIAGE, card.id, first["ts"]
    )
    assert await slack.interact(click) is None
    [opened] = slack.fake.calls("views.open", ok=True)  # within the acknowledgement
    assert opened.params["trigger_id"] == click["trigger_id"]
    [view] = slack.fake.opened_views()
    [field] = [b["element"] for b in view["blocks"] if b["block_id"] == TEXT_BLOCK]
    draft = field["initial_value"]
    assert "5521" in draft and "ana" in draft
    assert json.loads(view["private_metadata"])["thread"] == first["ts"]

    edited = draft + "\n\nI have asked the warehouse to send a new one today."
    assert await slack.interact(slack.fake.view_submission(view["id"], AGENT, edited)) is None
    [reply] = await until(
        lambda: slack.posts(ts), timeout=ANSWER_WITHIN, what="the reply", served=slack.served
    )
    assert "the warehouse to send a new one" in reply.text and "— ana" in reply.text
    await slack.wait_posts(
        first["ts"],
        lambda p: p.title == "✉️ Reply sent to the customer by ana.",
        timeout=ANSWER_WITHIN,
    )
    await stays(
        lambda: len(posted_to(slack, shared)) == 1 and len(slack.posts(ts)) == 1,
        seconds=1.0,
        what=lambda: f"posts in {shared}: {posted_to(slack, shared)}",
        served=slack.served,
    )
    assert not [c for c in slack.fake.calls("chat.update") if c.params["channel"] == shared]
    kinds = [k for (k,) in query(slack.served.db, "SELECT kind FROM events ORDER BY id")]
    assert kinds.count("reply_sent") == 1
