"""`/complaint reading` on Discord (issue 14 item 4): the core's `reading` command with
typed options (case: integer; reason, kind, subject: fixed choices; intensity: 0–3;
threats: text), run through the dispatcher as on Slack and the console. With no part
given it shows the reading; the header's menu is in `handlers.discord.menu`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.core.commands.language import USAGE
from bot.core.guidance.corrections import part_values, value_name
from bot.wiring import App
from handlers.discord import choices
from handlers.discord.people import PLATFORM, context_place
from handlers.discord.render import clip

MAX_CHOICES, NAME_LIMIT = 25, 100
CASE_HELP = "Case number (inside a case's thread the case is implied)"

#: How `/complaint` runs one core command: `(interaction, name, case, *words)`.
RunText = Callable[..., Awaitable[None]]


def _values(part: str, lang: str) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=clip(value_name(part, v, None, lang), NAME_LIMIT), value=v)
        for v in part_values(part)
    ][:MAX_CHOICES]


def _about() -> str:
    usage = USAGE["reading"]
    return (usage.split("— ", 1)[1] if "— " in usage else usage)[:100]


def add_reading_command(group: app_commands.Group, app: App, run_text: RunText) -> None:
    """`/complaint reading [case] [reason] [intensity] [kind] [subject] [threats]`: shows
    the reading with no part given, else corrects those parts (the core's command)."""
    lang = app.engine.config.guidance.agent_language

    async def cases(interaction: discord.Interaction, current: str) -> list[Any]:
        _, thread = context_place(interaction.channel, interaction.channel_id, app.store)
        here = app.store.find_case_by_thread(PLATFORM, thread) if thread else None
        return choices.cases(app.engine, str(current or ""), here)

    @app_commands.describe(
        case=CASE_HELP,
        reason="What the complaint is about, as the playbooks sort it",
        intensity="How hot it is, 0 (calm) to 3 (furious)",
        kind="What kind of customer this seems to be",
        subject="What it is about (order, flight, invoice…)",
        threats="leave, public, legal (comma-separated), or none",
    )
    @app_commands.choices(
        reason=_values("reason", lang), kind=_values("kind", lang), subject=_values("subject", lang)
    )
    @app_commands.autocomplete(case=cases)
    async def reading(
        interaction: discord.Interaction,
        case: int | None = None,
        reason: str | None = None,
        intensity: app_commands.Range[int, 0, 3] | None = None,
        kind: str | None = None,
        subject: str | None = None,
        threats: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        words: list[str] = []
        for part, value in (
            ("reason", reason),
            ("intensity", intensity),
            ("kind", kind),
            ("subject", subject),
            ("threats", threats),  # last: its value may hold commas and spaces
        ):
            if value is not None:
                words += [part, str(value)]
        await run_text(interaction, "reading", case, *words)

    group.add_command(
        app_commands.Command(name="reading", description=_about(), callback=reading, parent=group)
    )
