"""Life-cycle fixes through `sereno run` on Slack over HTTP, against FakeSlack (issue 13
item 4): complaints a contact-form bot forwards from two people are two cases, and the
same person writing again joins her case; a customer's second top-level message joins
her open case and `@Sereno split` in the case's thread makes it a case of its own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.acceptance.chat import ANSWER_WITHIN, COMPLAINT, GUIDANCE_WITHIN, Post
from tests.acceptance.served import Served, until
from tests.acceptance.slack_chat import AGENT, USERS, SlackChat
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
FORWARDER = "BFORMS"
ANA = "New contact form message\nFrom: Ana Ruiz <ana@example.com>\nMy invoice 5521 is wrong!"
LUIS = "New contact form message\nFrom: Luis Gil <luis@example.org>\nMy parcel never came!"
ANA_AGAIN = "New contact form message\nFrom: Ana Ruiz <ana@example.com>\nStill no answer!!"
LATER = "Also my other order 7788 never came at all, that is a different problem!"


@pytest_asyncio.fixture(loop_scope="session")
async def slack(tmp_path: Path) -> AsyncIterator[SlackChat]:
    """`sereno run` on Slack, with a contact-form bot as a complaint source."""
    async with FakeSlack(users=USERS) as fake:
        chat = SlackChat(fake, socket_mode=False)
        config = {
            **chat.settings(),
            "SERENO_DB": str(tmp_path / "x.db"),
            "SERENO_SLACK_SOURCE_BOTS": FORWARDER,
            "SERENO_LOG_LEVEL": "INFO",
            "SERENO_FIRST_RESPONSE": "1h",
        }
        chat.attach(Served(tmp_path, config))
        try:
            await chat.start()
            yield chat
        finally:
            await chat.served.close()


async def forward(slack: SlackChat, room: str, text: str) -> str:
    """The form bot posts a message, escaped as Slack escapes it; its ts."""
    ts = sp.next_ts()
    escaped = text.replace("<", "&lt;").replace(">", "&gt;")
    event: dict[str, Any] = sp.message_event(room, None, escaped, ts, bot_id=FORWARDER)
    event["username"] = "Contact form"
    await slack._deliver("events_api", sp.event_body(event))
    return ts


async def header(slack: SlackChat, thread: str) -> Post:
    [first, *_] = await slack.wait_posts(thread, count=3, timeout=GUIDANCE_WITHIN)
    assert re.match(r"Case #\d+ · ", first.title), first.title
    return first


def case_number(post: Post) -> int:
    found = re.match(r"Case #(\d+) · ", post.title)
    assert found, post.title
    return int(found[1])


async def test_forwarded_complaints_from_two_people_are_two_cases(slack: SlackChat) -> None:
    room = slack.new_room()
    ana_ts = await forward(slack, room, ANA)
    ana = case_number(await header(slack, ana_ts))
    luis_ts = await forward(slack, room, LUIS)
    luis = case_number(await header(slack, luis_ts))
    assert ana != luis  # the same forwarder, two people: two cases
    again_ts = await forward(slack, room, ANA_AGAIN)
    [notice] = await slack.wait_posts(ana_ts, lambda p: "wrote again" in p.title)
    assert notice.title == f"Ana Ruiz wrote again outside the thread: added to #{ana}"
    assert "Still no answer!!" in notice.text
    assert slack.posts(again_ts) == []  # no third case, no guidance under her new message
    assert len(slack.posts(luis_ts)) == 3


async def test_a_second_message_joins_the_case_and_split_in_the_thread_separates_it(
    slack: SlackChat,
) -> None:
    room = slack.new_room()
    first_ts = await slack.post_complaint(room, COMPLAINT)
    case = case_number(await header(slack, first_ts))
    later_ts = await slack.post_complaint(room, LATER)
    [notice] = await slack.wait_posts(first_ts, lambda p: "wrote again" in p.title)
    assert "Write `@Sereno split` in this thread" in notice.text
    before = len(slack.fake.calls("chat.postEphemeral"))
    mention = sp.app_mention_event(room, AGENT, "<@UBOT> split", thread_ts=first_ts)
    await slack._deliver("events_api", sp.event_body(mention))
    [*_, answer] = await until(
        lambda: slack.fake.calls("chat.postEphemeral")[before:] or None,
        timeout=ANSWER_WITHIN,
        what="the answer to @Sereno split",
        served=slack.served,
    )
    assert answer.params["thread_ts"] == first_ts and answer.params["user"] == AGENT
    text = str(answer.params["text"])
    assert text.startswith(f"Split off from #{case}: the customer's latest message is case #")
    new = case_number(await header(slack, later_ts))  # guided under the message itself
    assert new != case and f"case #{new} now" in text
    await slack.wait_posts(first_ts, lambda p: p.title.startswith("Split off by ana"))
