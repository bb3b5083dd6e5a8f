"""The fake Slack refuses a message's blocks where Slack does (``invalid_blocks``, with a
line naming the field): a static_select with both ``options`` and ``option_groups`` or
neither, over 100 options, option text over 75 characters or value over 150, a group
label over 75, a placeholder over 150, an action_id over 255, a button over its limits,
more than 50 blocks; on ``chat.postMessage`` and on ``chat.update`` alike. And a person
can only choose an option the message shows. The real slack_sdk client against FakeSlack.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlack


@pytest.fixture
async def client(fake: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    yield AsyncWebClient(token="xoxb-test", base_url=fake.base_url)


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def menu(**select: Any) -> list[dict[str, Any]]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": "sereno:reading",
        "placeholder": {"type": "plain_text", "text": "Correct the reading…"},
        "option_groups": [
            {
                "label": {"type": "plain_text", "text": "Reason"},
                "options": [option("Reason: billing", "1:reason=billing")],
            },
            {
                "label": {"type": "plain_text", "text": "Intensity"},
                "options": [option("Intensity: 2", "1:intensity=2")],
            },
        ],
    }
    element.update(select)
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Case #1*"}},
        {"type": "actions", "block_id": "reading", "elements": [element]},
    ]


async def refused(client: AsyncWebClient, blocks: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C1", text="Case #1", blocks=blocks)
    assert error.value.response["error"] == "invalid_blocks"
    return list(error.value.response["response_metadata"]["messages"])


async def test_a_grouped_menu_within_the_limits_is_posted(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    answer = await client.chat_postMessage(channel="C1", text="Case #1", blocks=menu())
    assert answer["ok"]
    assert fake.messages[("C1", answer["ts"])]["blocks"][1]["elements"][0]["type"] == (
        "static_select"
    )


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"options": [option("Reason: billing", "1:reason=billing")]}, "/blocks/1/elements/0"),
        ({"option_groups": None}, "/blocks/1/elements/0"),
        ({"option_groups": [], "options": None}, "/blocks/1/elements/0"),
        (
            {"options": [option(f"o{i}", str(i)) for i in range(101)], "option_groups": None},
            "/blocks/1/elements/0/options",
        ),
        (
            {"options": [option("x" * 76, "1:reason=billing")], "option_groups": None},
            "/blocks/1/elements/0/options/0/text/text",
        ),
        (
            {"options": [option("Reason", "1:" + "v" * 149)], "option_groups": None},
            "/blocks/1/elements/0/options/0/value",
        ),
        (
            {"options": [{"text": {"type": "mrkdwn", "text": "*b*"}, "value": "1"}]},
            "/blocks/1/elements/0",
        ),
        (
            {
                "option_groups": [
                    {
                        "label": {"type": "plain_text", "text": "L" * 76},
                        "options": [option("a", "a")],
                    }
                ]
            },
            "/blocks/1/elements/0/option_groups/0/label/text",
        ),
        (
            {"placeholder": {"type": "plain_text", "text": "p" * 151}},
            "/blocks/1/elements/0/placeholder/text",
        ),
        ({"action_id": "a" * 256}, "/blocks/1/elements/0"),
        ({"initial_option": option("Other", "9:reason=other")}, "/blocks/1/elements/0"),
    ],
)
async def test_a_menu_over_block_kit_limits_is_refused(
    client: AsyncWebClient, change: dict[str, Any], where: str
) -> None:
    select = {k: v for k, v in change.items() if v is not None}
    blocks = menu(**select)
    for key in [k for k, v in change.items() if v is None]:
        blocks[1]["elements"][0].pop(key, None)
    problems = await refused(client, blocks)
    assert any(f"[json-pointer:{where}" in line for line in problems), problems


async def test_buttons_and_block_counts_over_the_limits_are_refused(
    client: AsyncWebClient,
) -> None:
    button = {"type": "button", "action_id": "sereno:claim", "value": "1"}
    long_label = {**button, "text": {"type": "plain_text", "text": "b" * 76}}
    assert await refused(client, [{"type": "actions", "elements": [long_label]}])
    mrkdwn = {**button, "text": {"type": "mrkdwn", "text": "Claim"}}
    assert await refused(client, [{"type": "actions", "elements": [mrkdwn]}])
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "s"}}
    assert await refused(client, [section] * 51)
    big = {"type": "section", "text": {"type": "mrkdwn", "text": "s" * 3001}}
    assert await refused(client, [big])


async def test_an_update_over_the_limits_is_refused_and_leaves_the_message(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C1", text="Case #1", blocks=menu())
    bad = menu(options=[option("x", "1")])  # options and option_groups both
    with pytest.raises(SlackApiError) as error:
        await client.chat_update(channel="C1", ts=posted["ts"], text="Case #1", blocks=bad)
    assert error.value.response["error"] == "invalid_blocks"
    assert fake.messages[("C1", posted["ts"])]["blocks"] == menu()


async def test_a_person_chooses_only_an_option_the_message_shows(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C1", text="Case #1", blocks=menu())
    payload = fake.choose("C1", posted["ts"], "U-ana", "1:intensity=2")
    action = payload["actions"][0]
    assert payload["type"] == "block_actions"
    assert action["type"] == "static_select"
    assert action["action_id"] == "sereno:reading"
    assert action["selected_option"]["value"] == "1:intensity=2"
    assert action["block_id"] == "reading"
    with pytest.raises(LookupError):
        fake.choose("C1", posted["ts"], "U-ana", "1:intensity=9")
