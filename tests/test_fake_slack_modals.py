"""The fake Slack's modals refuse what Slack refuses: a trigger id it never issued, one
used twice or older than 3 s, and views over Block Kit's limits (title > 24 characters,
a text input holding or allowing more than 3,000, more than 100 blocks, input blocks
without a submit button). The real slack_sdk client against FakeSlack on 127.0.0.1."""

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


def modal(title: str = "Reply", text: str = "Hello", **element: Any) -> dict[str, Any]:
    field = {"type": "plain_text_input", "action_id": "text", "multiline": True}
    return {
        "type": "modal",
        "callback_id": "sereno:reply",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": '{"case": 1}',
        "blocks": [
            {
                "type": "input",
                "block_id": "reply",
                "label": {"type": "plain_text", "text": "Your reply"},
                "element": {**field, "initial_value": text, **element},
            }
        ],
    }


async def refusal(client: AsyncWebClient, trigger: str, view: dict[str, Any]) -> str:
    with pytest.raises(SlackApiError) as refused:
        await client.views_open(trigger_id=trigger, view=view)
    return str(refused.value.response["error"])


async def test_a_trigger_opens_one_view_within_three_seconds(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    trigger = fake.new_trigger()
    opened = await client.views_open(trigger_id=trigger, view=modal())
    assert fake.opened_views()[-1]["id"] == opened["view"]["id"]
    assert await refusal(client, trigger, modal()) == "exchanged_trigger_id"
    assert await refusal(client, "12345.98765.abcd", modal()) == "invalid_trigger_id"
    fake.trigger_seconds = 0.0
    assert await refusal(client, fake.new_trigger(), modal()) == "expired_trigger_id"
    assert len(fake.opened_views()) == 1


async def test_views_over_the_limits_are_refused(fake: FakeSlack, client: AsyncWebClient) -> None:
    too_many = modal()
    too_many["blocks"] = too_many["blocks"] * 101
    no_submit = modal()
    del no_submit["submit"]
    for view in (
        modal(title="Reply to the customer now!"),  # 26 characters
        modal(text="x" * 3001),
        modal(max_length=4000),
        too_many,
        no_submit,
    ):
        assert await refusal(client, fake.new_trigger(), view) == "invalid_arguments"
    [*_, last] = fake.calls("views.open")
    assert "submit" in last.response["response_metadata"]["messages"][0]
    assert fake.opened_views() == []
    opened = await client.views_open(
        trigger_id=fake.new_trigger(), view=modal(title="x" * 24, text="y" * 3000, max_length=3000)
    )
    assert opened["ok"]


async def test_a_submission_carries_what_the_agent_typed_and_the_metadata(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    view = modal()
    view["blocks"].append(
        {
            "type": "input",
            "block_id": "how",
            "label": {"type": "plain_text", "text": "How"},
            "element": {
                "type": "radio_buttons",
                "action_id": "how",
                "options": [
                    {"text": {"type": "plain_text", "text": "Post"}, "value": "post"},
                    {"text": {"type": "plain_text", "text": "Copy"}, "value": "copy"},
                ],
                "initial_option": {"text": {"type": "plain_text", "text": "Post"}, "value": "post"},
            },
        }
    )
    opened = await client.views_open(trigger_id=fake.new_trigger(), view=view)
    body = fake.view_submission(opened["view"]["id"], "U-ana", "Edited", choice="copy")
    assert body["type"] == "view_submission" and body["user"]["id"] == "U-ana"
    values = body["view"]["state"]["values"]
    assert values["reply"]["text"]["value"] == "Edited"
    assert values["how"]["how"]["selected_option"]["value"] == "copy"
    assert body["view"]["private_metadata"] == '{"case": 1}'
    assert body["view"]["callback_id"] == "sereno:reply"
    kept = fake.view_submission(opened["view"]["id"], "U-ana")
    assert kept["view"]["state"]["values"]["reply"]["text"]["value"] == "Hello"
    assert kept["view"]["state"]["values"]["how"]["how"]["selected_option"]["value"] == "post"


async def test_a_click_carries_a_fresh_trigger(fake: FakeSlack, client: AsyncWebClient) -> None:
    click = fake.block_actions("sereno:reply", "1:apology", "U-ana", "C1", "1.1", "1.0")
    assert click["trigger_id"] in fake.triggers
    assert click["response_url"].startswith(fake.root_url)
    assert (await client.views_open(trigger_id=click["trigger_id"], view=modal()))["ok"]
