"""FakeDiscord's modals against the real discord.py client: a type-9 answer within the
documented limits opens a form a member can submit; anything else is refused as Discord
refuses it (limits, a deferred or answered interaction, a modal answering a modal)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
import pytest

from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_limits import callback_errors
from tests.fakes.discord_modals import MODAL_SUBMIT

# the client and its fixtures: pytest finds fixtures by name in the test's module
from tests.test_fake_discord import Bot, _no_unclosed_sessions, bot, fake

__all__ = ["_no_unclosed_sessions", "bot", "fake"]


class Form(discord.ui.Modal, title="Reply to the customer"):
    reply = discord.ui.TextInput(
        label="Your reply", style=discord.TextStyle.paragraph, default="Hello", max_length=100
    )
    copy = discord.ui.TextInput(label="Type COPY if you send it yourself", required=False)

    def __init__(self, got: asyncio.Future[tuple[str, str]]) -> None:
        super().__init__()
        self.got = got

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.got.set_result((self.reply.value, self.copy.value))
        await interaction.response.send_message("sent", ephemeral=True)


def _modal(**text_input: Any) -> dict:
    item = {"type": 4, "custom_id": "reply", "style": 2, "label": "Your reply", **text_input}
    rows = [{"type": 1, "components": [item]}]
    return {"type": 9, "data": {"custom_id": "form", "title": "Reply", "components": rows}}


async def test_a_modal_opens_and_its_submit_carries_what_was_typed(
    fake: FakeDiscord, bot: Bot
) -> None:
    got: asyncio.Future[tuple[str, str]] = asyncio.get_running_loop().create_future()

    @bot.tree.command(name="form", description="Opens a form")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Form(got))

    opened = await fake.invoke_command("form")
    [callback] = await fake.wait_for("POST", f"/interactions/{opened['id']}/")
    assert callback.status in (200, 204) and callback.json["type"] == 9
    modal = fake.modal(opened["id"])
    assert modal is not None and modal["title"] == "Reply to the customer"
    submitted = await fake.submit_modal(opened, {"Your reply": "Hello, Lucía"})
    assert submitted["type"] == MODAL_SUBMIT
    assert await asyncio.wait_for(got, 5) == ("Hello, Lucía", "")
    [answer] = await fake.wait_for("POST", f"/interactions/{submitted['id']}/")
    assert answer.json["data"]["content"] == "sent"


async def test_the_client_sends_no_value_the_form_would_refuse(fake: FakeDiscord, bot: Bot) -> None:
    got: asyncio.Future[tuple[str, str]] = asyncio.get_running_loop().create_future()

    @bot.tree.command(name="form", description="Opens a form")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Form(got))

    opened = await fake.invoke_command("form")
    await fake.wait_for("POST", f"/interactions/{opened['id']}/")
    for typed in ({"Your reply": "x" * 101}, {"Your reply": ""}, {"No such": "x"}):
        with pytest.raises(AssertionError):
            await fake.submit_modal(opened, typed)


REFUSED = {
    "title over 45": ({"title": "t" * 46}, "data.title"),
    "label over 45": ({"label": "l" * 46}, "data.components.0.components.0.label"),
    "max_length over 4000": ({"max_length": 4001}, "data.components.0.components.0.max_length"),
    "min_length over 4000": ({"min_length": 4001}, "data.components.0.components.0.min_length"),
    "placeholder over 100": (
        {"placeholder": "p" * 101},
        "data.components.0.components.0.placeholder",
    ),
    "value over max_length": (
        {"value": "v" * 11, "max_length": 10},
        "data.components.0.components.0.value",
    ),
    "value over 4000": ({"value": "v" * 4001}, "data.components.0.components.0.value"),
    "unknown style": ({"style": 3}, "data.components.0.components.0.style"),
}


@pytest.mark.parametrize("change, where", REFUSED.values(), ids=REFUSED)
def test_modals_beyond_discords_limits_are_refused(change: dict, where: str) -> None:
    body = _modal(**{k: v for k, v in change.items() if k != "title"})
    if "title" in change:
        body["data"]["title"] = change["title"]
    assert callback_errors(body).paths() == [where]


def test_a_modal_within_the_limits_is_accepted() -> None:
    body = _modal(value="v" * 4000, max_length=4000, min_length=1, placeholder="p" * 100)
    assert not callback_errors(body)


async def _post_callback(fake: FakeDiscord, payload: dict, body: dict) -> tuple[int, dict]:
    url = f"{fake.api_url}/interactions/{payload['id']}/{payload['token']}/callback"
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        return response.status, await response.json(content_type=None)


async def test_a_modal_cannot_answer_a_deferred_or_answered_interaction(
    fake: FakeDiscord, bot: Bot
) -> None:
    # raw callbacks: discord.py itself refuses a second answer before asking Discord
    for first in ({"type": 5, "data": {}}, {"type": 4, "data": {"content": "hi"}}):
        sent = await fake.invoke_command("nobody-handles-this")
        assert (await _post_callback(fake, sent, first))[0] == 204
        status, body = await _post_callback(fake, sent, _modal())
        assert status == 400 and body["code"] == 40060  # Interaction has already been acknowledged
        assert fake.modal(sent["id"]) is None


async def test_a_modal_cannot_answer_a_modal_submit(fake: FakeDiscord, bot: Bot) -> None:
    got: asyncio.Future[tuple[str, str]] = asyncio.get_running_loop().create_future()

    @bot.tree.command(name="form", description="Opens a form")
    async def form(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Form(got))

    opened = await fake.invoke_command("form")
    await fake.wait_for("POST", f"/interactions/{opened['id']}/")
    bot.tree.remove_command("form")
    submitted = await fake.submit_modal(opened)
    await fake.wait_for("POST", f"/interactions/{submitted['id']}/")  # the form's "sent"
    again = await fake.submit_modal(opened)
    status, body = await _post_callback(fake, again, _modal())
    assert status == 400 and "cannot be answered with a modal" in str(body["errors"])
