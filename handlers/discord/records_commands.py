"""`/complaint records …`: the record-keeping subcommands, in their own subgroup.

Discord allows 25 subcommands per group; case work fills most of `/complaint`,
so remedies, satisfaction, stories, exports and reports live one level down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.commands.language import USAGE
from handlers.discord.answers import answer
from handlers.discord.people import PLATFORM, actor, context_place

if TYPE_CHECKING:
    from bot.wiring import App

#: How `/complaint` runs one core command: `(interaction, name, case, *words)`.
RunText = Callable[..., Awaitable[None]]

NAMES = ("remedy", "satisfied", "story", "export", "report", "stories")
CASE_HELP = "Case number (inside a case's thread the case is implied)"
PERIOD_HELP = "7d, 30d, 2026-11-05, 2026-11 or 2026-11-01..2026-11-15"


def _about(name: str) -> str:
    usage = USAGE[name]
    return (usage.split("— ", 1)[1] if "— " in usage else usage)[:100]


class RecordsCommands(app_commands.Group):
    """Each subcommand builds the core's command text and runs it with `run_text`."""

    def __init__(self, parent: app_commands.Group, app: App, run_text: RunText) -> None:
        super().__init__(
            name="records",
            description="Remedies, satisfaction, stories, exports and team reports",
            parent=parent,
        )
        self.app = app
        self.run_text = run_text

    @app_commands.command(name="remedy", description=_about("remedy"))
    @app_commands.describe(
        amount="e.g. 25.50", currency="e.g. EUR", note="Optional", case=CASE_HELP
    )
    async def remedy(
        self,
        interaction: discord.Interaction,
        kind: Literal["refund", "discount", "replacement", "other"],
        amount: str,
        currency: str,
        note: str | None = None,
        case: int | None = None,
    ) -> None:
        """Record a refund, discount, replacement or other remedy."""
        await self.run_text(interaction, "remedy", case, kind, amount, currency, note)

    @app_commands.command(name="satisfied", description=_about("satisfied"))
    @app_commands.describe(score="1 (unhappy) to 5 (delighted)", case=CASE_HELP)
    async def satisfied(
        self,
        interaction: discord.Interaction,
        score: app_commands.Range[int, 1, 5],
        comment: str | None = None,
        case: int | None = None,
    ) -> None:
        """Record the customer's satisfaction at the follow-up."""
        await self.run_text(interaction, "satisfied", case, str(score), comment)

    @app_commands.command(name="story", description=_about("story"))
    @app_commands.describe(case=CASE_HELP)
    async def story(self, interaction: discord.Interaction, case: int | None = None) -> None:
        """Mark a resolved case as a success story."""
        await self.run_text(interaction, "story", case)

    @app_commands.command(name="export", description=_about("export"))
    @app_commands.describe(
        format="md (people), json (machines) or csv",
        case=CASE_HELP,
        period="Only cases opened in it (the list of cases): " + PERIOD_HELP,
    )
    async def export(
        self,
        interaction: discord.Interaction,
        format: Literal["md", "json", "csv"] = "md",
        case: int | None = None,
        period: str | None = None,
    ) -> None:
        """Export a case report (or, outside a case, the list of cases)."""
        # Building a file can take a while: answer Discord within 3 s. The core fits the
        # list of cases to the size Discord takes here (interaction.attachment_size_limit).
        await interaction.response.defer(ephemeral=True, thinking=True)
        words = ["export", *([f"#{case}"] if case else []), format, *([period] if period else [])]
        app = self.app
        channel_id, thread_id = context_place(
            interaction.channel, interaction.channel_id, app.store
        )
        who = actor(interaction.user, app.settings.discord_agent_role, app.settings.discord_lead)
        where = Context(who, PLATFORM, channel_id, thread_id, file_limit=interaction.filesize_limit)
        await answer(interaction, run(app.engine, app.times, " ".join(words), where))

    @app_commands.command(name="report", description=_about("report"))
    @app_commands.describe(period=PERIOD_HELP)
    async def report(self, interaction: discord.Interaction, period: str = "7d") -> None:
        """Post the team report with its chart."""
        await self.run_text(interaction, "report", None, period)

    @app_commands.command(name="stories", description=_about("stories"))
    @app_commands.describe(period=PERIOD_HELP)
    async def stories(self, interaction: discord.Interaction, period: str = "30d") -> None:
        """Export the success stories of a period."""
        await self.run_text(interaction, "stories", None, period)
