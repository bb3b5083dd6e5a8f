"""The header's "Correct the reading…" menu on Discord (issue 14 item 4): a persistent
string select whose custom_id names its case (`sereno:reading/12`), never a button's
`action|value` form, so it is rebuilt after a restart as the buttons are and no button
handler takes it. A choice goes to the core's `on_reading_choice`, as on Slack.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.base.cards import ActionId, Menu
from bot.core.commands.correction import on_reading_choice
from handlers.discord.answers import answer, sereno_app
from handlers.discord.people import actor

TEMPLATE = re.compile(r"sereno:reading/(?P<case>\d{1,12})")
MAX_OPTIONS, OPTION_TEXT, PLACEHOLDER = 25, 100, 150


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def custom_id(case_id: int) -> str:
    """The select's custom_id for a case's header."""
    return f"{ActionId.CORRECT_READING.value}/{case_id}"


def case_of(menu: Menu) -> int | None:
    """The case a menu's options are about (their values are "case:part=value")."""
    first = menu.options[0].value.partition(":")[0] if menu.options else ""
    return int(first) if first.isdigit() else None


class ReadingSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=TEMPLATE):
    """The header's menu: one choice corrects one part of the case's reading."""

    def __init__(self, case_id: int, menu: Menu | None = None) -> None:
        options = [
            discord.SelectOption(label=_cut(o.label or o.value, OPTION_TEXT), value=o.value)
            for o in (menu.options if menu else ())
            if 0 < len(o.value) <= OPTION_TEXT
        ][:MAX_OPTIONS]
        super().__init__(
            discord.ui.Select(
                custom_id=custom_id(case_id),
                placeholder=_cut(menu.placeholder, PLACEHOLDER) if menu else None,
                min_values=1,
                max_values=1,
                options=options or [discord.SelectOption(label="…", value="-")],
            )
        )
        self.case_id = case_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReadingSelect:
        """Rebuild the menu a choice was made in (the choice itself comes with it)."""
        return cls(int(match["case"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Apply the chosen correction for whoever chose it and tell them alone."""
        app = sereno_app(interaction.client)
        who = actor(interaction.user, app.settings.discord_agent_role, app.settings.discord_lead)
        chosen = self.item.values[0] if self.item.values else ""
        await answer(interaction, on_reading_choice(app.engine, chosen, who))


def select_for(menu: Menu) -> ReadingSelect | None:
    """The header's menu as a select (None when its options name no case, or none of
    them fits Discord's limits)."""
    case_id = case_of(menu)
    if case_id is None or not any(0 < len(o.value) <= OPTION_TEXT for o in menu.options):
        return None
    return ReadingSelect(case_id, menu)
