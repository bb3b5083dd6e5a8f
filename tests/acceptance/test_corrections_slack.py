"""Correcting the reading from Slack (issue 14 item 4), through `sereno run` on Slack over
HTTP and in Socket Mode as a team runs it (environment variables only), against
FakeSlack (which refuses blocks over Block Kit's limits and lets people choose only
options a message shows).

The complaints channel is shared with a client's organisation and the case lives in a
triage channel only the team reads. An agent picks "kind: rude" in the header's
"Correct the reading…" menu: only they are told, with the re-planned steps; the header
is edited to say the customer seems rude, corrected by them, and still offers the menu;
nothing is posted or edited where the customer reads. A teammate who is not an agent
picking in the menu is told politely that only the team may, and nothing changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.acceptance.chat import ANSWER_WITHIN, COMPLAINT, GUIDANCE_WITHIN, Thread
from tests.acceptance.served import Served, until
from tests.acceptance.slack_chat import AGENT, USERS, SlackChat
from tests.acceptance.test_triage import TRIAGE, opener
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
OUTSIDER = "U-pat"  # in the workspace, not one of SERENO_SLACK_AGENTS
_HEADER = re.compile(r"^Case #(\d+) · ")


@pytest_asyncio.fixture(loop_scope="session", params=["http", "socket"])
async def slack(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[SlackChat]:
    """`sereno run` on Slack (over HTTP, or in Socket Mode): a Slack Connect complaints
    channel and a triage channel."""
    async with FakeSlack(users={**USERS, OUTSIDER: "pat"}) as fake:
        chat = SlackChat(fake, socket_mode=request.param == "socket")
        fake.add_channel(chat.rooms[0], "acme-support", is_ext_shared=True, is_shared=True)
        fake.add_channel(TRIAGE, "complaints-triage")
        config = {
            **chat.settings(),
            "SERENO_DB": str(tmp_path / "x.db"),
            "SERENO_SLACK_TRIAGE_CHANNEL": TRIAGE,
            "SERENO_FIRST_RESPONSE": "1h",
        }
        chat.attach(Served(tmp_path, config))
        try:
            await chat.start()
            yield chat
        finally:
            await chat.served.close()


def _blocks(params: dict[str, Any]) -> list[dict[str, Any]]:
    raw = params.get("blocks")
    return json.loads(raw) if isinstance(raw, str) else list(raw or [])


def menu_labels(params: dict[str, Any]) -> list[str]:
    """The labels of the message's static_select options (empty: it has none)."""
    return [
        option["text"]["text"]
        for block in _blocks(params)
        for element in block.get("elements") or []
        if element.get("type") == "static_select"
        for group in element.get("option_groups") or [{"options": element.get("options")}]
        for option in group["options"]
    ]


async def staff_thread(slack: SlackChat) -> tuple[str, str, int]:
    """A complaint in the shared channel: the triage thread's ts, the header's, the case."""
    shared = slack.new_room()
    await slack.post_complaint(shared, COMPLAINT)
    first = await until(
        lambda: opener(slack),
        timeout=GUIDANCE_WITHIN,
        what="the triage opener",
        served=slack.served,
    )
    posts = await slack.wait_posts(first["ts"], count=3, timeout=GUIDANCE_WITHIN)
    [header] = [p for p in posts if _HEADER.match(p.title)]
    found = _HEADER.match(header.title)
    assert found
    return first["ts"], header.id, int(found[1])


async def choose(slack: SlackChat, header_ts: str, user: str, value: str) -> str:
    """`user` picks `value` in the header's menu; the answer only they see."""
    payload = slack.fake.choose(TRIAGE, header_ts, user, value)
    rid = payload["response_url"].rsplit("/", 1)[1]
    assert await slack.interact(payload) is None  # acknowledged at once, empty
    [answer] = await until(
        lambda: slack.fake.responses(rid),
        timeout=ANSWER_WITHIN,
        what=f"the answer to choosing {value}",
        served=slack.served,
    )
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    return str(answer["text"])


def in_room(slack: SlackChat, room: str) -> list[dict[str, Any]]:
    return [
        c.params
        for c in slack.fake.calls()
        if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")
        and c.params.get("channel") == room
    ]


async def test_an_agent_corrects_the_kind_from_the_menu_and_only_the_team_sees_it(
    slack: SlackChat,
) -> None:
    thread, header_ts, case = await staff_thread(slack)
    [posted] = [
        c.params
        for c in slack.fake.calls("chat.postMessage", ok=True)
        if c.response.get("ts") == header_ts
    ]
    labels = menu_labels(posted)
    assert "kind: rude" in labels and any(label.endswith(" ✓") for label in labels)
    shared_before = in_room(slack, slack.rooms[0])
    [first_step] = [p for p in slack.posts(thread) if p.title.startswith("Step 1/")]
    steps = re.match(r"Step 1/(\d+) ", first_step.title)
    assert steps, first_step.title

    answer = await choose(slack, header_ts, AGENT, f"{case}:kind=rude")
    assert f"Reading of #{case} corrected: kind unknown → rude" in answer, answer
    assert "New steps: Rude customer: never insult back" in answer  # re-planned for rudeness

    def edited() -> dict[str, Any] | None:
        updates = [
            c.params
            for c in slack.fake.calls("chat.update", ok=True)
            if c.params.get("ts") == header_ts and "rude (corrected by ana)" in c.params["text"]
        ]
        return updates[-1] if updates else None

    header = await until(
        edited, timeout=ANSWER_WITHIN, what="the header edited", served=slack.served
    )
    assert header["channel"] == TRIAGE
    assert str(header["text"]).startswith(f"Case #{case} · ")
    assert "kind: rude ✓" in menu_labels(header)  # the menu stays, the new value ticked
    # the customer's channel: not one post, edit or ephemeral more
    assert in_room(slack, slack.rooms[0]) == shared_before
    assert all(p.get("thread_ts") in (None, thread) for p in in_room(slack, TRIAGE))
    # ✅ on the step shown: the next card counts the step the correction added
    await slack.react_done(Thread(TRIAGE, thread, case), first_step)
    [following] = await slack.wait_posts(
        thread, lambda p: p.title.startswith("Step ") and p.id != first_step.id
    )
    assert f"/{int(steps[1]) + 1} · " in following.title, following.title
    assert in_room(slack, slack.rooms[0]) == shared_before


async def test_a_non_agent_choosing_is_refused_politely_and_nothing_changes(
    slack: SlackChat,
) -> None:
    _, header_ts, case = await staff_thread(slack)
    updates_before = len(slack.fake.calls("chat.update"))
    answer = await choose(slack, header_ts, OUTSIDER, f"{case}:reason=billing")
    assert "Only the support team can do that." in answer, answer
    assert "corrected" not in answer
    # a moment later the header is as it was, and a real correction still works
    shown = await slack.command(TRIAGE, "reading", case)
    assert shown.startswith(f"Reading of #{case}:") and "corrected by" not in shown
    assert len(slack.fake.calls("chat.update")) == updates_before
