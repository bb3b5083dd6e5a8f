"""Sereno's buttons: the action and case live in the custom_id, so clicks survive restarts."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.base.cards import ActionId
from bot.core.commands.interactions import on_button
from handlers.discord.answers import answer, sereno_app
from handlers.discord.people import actor
from handlers.discord.reply import open_form

# custom_id = "<ActionId>|<case>[:<step or suggestion>]", e.g. "sereno:step-done|12:pause"
TEMPLATE = re.compile(r"(?P<action>sereno:[a-z-]{1,30})\|(?P<value>\d{1,12}(?::[\w.-]{1,60})?)")
_STYLES = {
    ActionId.STEP_DONE.value: discord.ButtonStyle.success,
    ActionId.CLAIM.value: discord.ButtonStyle.primary,
    ActionId.LET_GO.value: discord.ButtonStyle.danger,
}


class SerenoButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """One of Sereno's buttons, rebuilt from its custom_id when clicked."""

    def __init__(self, action_id: str, value: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=_STYLES.get(action_id, discord.ButtonStyle.secondary),
                custom_id=f"{action_id}|{value}",
            )
        )
        self.action_id = action_id
        self.value = value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SerenoButton:
        """Rebuild the button a click refers to."""
        return cls(match["action"], match["value"], getattr(item, "label", None) or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Run the button's action for whoever clicked and tell them the outcome
        (Reply… answers with the reply form instead)."""
        app = sereno_app(interaction.client)
        if self.action_id == ActionId.REPLY.value:
            await open_form(interaction, app, self.value)
            return
        who = actor(interaction.user, app.settings.discord_agent_role)
        await answer(interaction, on_button(app.engine, self.action_id, self.value, who))
