"""FakeDiscord refuses select menus Discord refuses (the "Select Menus" component
reference; 400 / 50035 with an ``errors`` tree): a string select without options or with
more than 25, an option label, value or description over 100, a value twice, a
placeholder over 150, min_values / max_values outside 0–25 (or more than the options), a
select sharing its action row, a custom_id over 100. And a person can only choose an
option the message shows. Driven by the real discord.py."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from tests.fakes.discord_api import FakeDiscord

# the client and its fixtures: pytest finds fixtures by name in the test's module
from tests.test_fake_discord import Bot, _no_unclosed_sessions, bot, fake, support

__all__ = ["_no_unclosed_sessions", "bot", "fake"]


def _option(n: int, **extra: Any) -> dict:
    return {"label": f"reason: r{n}", "value": f"1:reason=r{n}", **extra}


def _select(**extra: Any) -> dict:
    select = {
        "type": 3,
        "custom_id": "sereno:reading/1",
        "placeholder": "Correct the reading…",
        "min_values": 1,
        "max_values": 1,
        "options": [_option(n) for n in range(19)],
    }
    select.update(extra)
    return {"components": [{"type": 1, "components": [select]}]}


_AT = "components.0.components.0"
_BUTTON = {"type": 2, "style": 2, "label": "Claim", "custom_id": "sereno:claim|1"}

REFUSED = {
    "no options": (_select(options=[]), f"{_AT}.options"),
    "26 options": (_select(options=[_option(n) for n in range(26)]), f"{_AT}.options"),
    "label over 100": (_select(options=[_option(0, label="x" * 101)]), f"{_AT}.options.0.label"),
    "value over 100": (_select(options=[_option(0, value="x" * 101)]), f"{_AT}.options.0.value"),
    "empty label": (_select(options=[_option(0, label="")]), f"{_AT}.options.0.label"),
    "description over 100": (
        _select(options=[_option(0, description="d" * 101)]),
        f"{_AT}.options.0.description",
    ),
    "value twice": (_select(options=[_option(0), _option(0)]), f"{_AT}.options.1.value"),
    "placeholder over 150": (_select(placeholder="p" * 151), f"{_AT}.placeholder"),
    "max_values 26": (_select(max_values=26), f"{_AT}.max_values"),
    "min_values 26": (_select(min_values=26, max_values=25), f"{_AT}.min_values"),
    "max_values over the options": (
        _select(options=[_option(0)], max_values=2),
        f"{_AT}.max_values",
    ),
    "custom_id over 100": (_select(custom_id="x" * 101), f"{_AT}.custom_id"),
    "a button beside the select": (
        {
            "components": [
                {"type": 1, "components": [_select()["components"][0]["components"][0], _BUTTON]}
            ]
        },
        "components.0.components",
    ),
}


@pytest.mark.parametrize("body, where", REFUSED.values(), ids=REFUSED)
async def test_selects_beyond_discords_limits_are_refused(
    fake: FakeDiscord, bot: Bot, body: dict, where: str
) -> None:
    channel = support(bot, fake)
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id)
    stored = dict(fake.messages)
    with pytest.raises(discord.HTTPException) as raised:
        await bot.http.request(route, json={"content": "Case #1", **body})
    assert (raised.value.status, raised.value.code) == (400, 50035)
    assert f"\nIn {where}: " in raised.value.text, raised.value.text
    assert fake.messages == stored


async def test_a_select_of_25_options_alone_in_its_row_is_accepted(
    fake: FakeDiscord, bot: Bot
) -> None:
    view = discord.ui.View(timeout=None)
    menu = discord.ui.Select(
        custom_id="sereno:reading/1",
        placeholder="p" * 150,
        options=[
            discord.SelectOption(label="x" * 100, value=f"{n}".rjust(100, "v")) for n in range(25)
        ],
    )
    view.add_item(menu)
    view.add_item(discord.ui.Button(label="Claim", custom_id="sereno:claim|1"))
    posted = await support(bot, fake).send("Case #1", view=view)
    rows = fake.messages[posted.id]["components"]
    assert [c["type"] for r in rows for c in r["components"]] == [3, 2]
    assert len(rows) == 2  # discord.py puts the select in a row of its own


async def test_a_person_chooses_only_an_option_the_message_shows(
    fake: FakeDiscord, bot: Bot
) -> None:
    route = discord.http.Route(
        "POST", "/channels/{channel_id}/messages", channel_id=support(bot, fake).id
    )
    posted = await bot.http.request(route, json={"content": "Case #1", **_select()})
    payload = await fake.choose(posted["id"], "1:reason=r3")
    assert payload["data"]["component_type"] == 3
    assert payload["data"]["custom_id"] == "sereno:reading/1"
    assert payload["data"]["values"] == ["1:reason=r3"]
    with pytest.raises(LookupError):
        await fake.choose(posted["id"], "1:reason=r99")
