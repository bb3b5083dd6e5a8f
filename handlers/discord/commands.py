"""`/complaint`: the core's command language as a Discord application command group."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from bot.core.base.case import Case
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.commands.language import USAGE
from bot.wiring import App
from handlers.discord import choices
from handlers.discord.answers import answer
from handlers.discord.people import PLATFORM, actor, context_place
from handlers.discord.reading import add_reading_command
from handlers.discord.records_commands import RecordsCommands

Choice = app_commands.Choice
SLOW = frozenset({"export", "report", "stories"})
CASE_HELP = "Case number (inside a case's thread the case is implied)"


def _about(name: str) -> str:
    """A subcommand's description, from the core's usage text."""
    usage = USAGE[name]
    return (usage.split("— ", 1)[1] if "— " in usage else usage)[:100]


class ComplaintCommands(app_commands.Group):
    """Every /complaint subcommand builds the core's command text and runs it."""

    def __init__(self, app: App) -> None:
        super().__init__(
            name="complaint", description="Work on complaint cases with Sereno", guild_only=True
        )
        self.app = app
        RecordsCommands(self, app, self.run_text)
        add_reading_command(self, app, self.run_text)

    async def run_text(
        self, interaction: discord.Interaction, name: str, case: int | None, *words: str | None
    ) -> None:
        """Run one core command for a subgroup."""
        await self._run(interaction, name, case, *words)

    # -- plumbing ----------------------------------------------------------------------

    def _context(self, interaction: discord.Interaction) -> Context:
        channel_id, thread_id = context_place(
            interaction.channel, interaction.channel_id, self.app.store
        )
        settings = self.app.settings
        who = actor(interaction.user, settings.discord_agent_role, settings.discord_lead)
        return Context(who, PLATFORM, channel_id, thread_id)

    async def _run(
        self, interaction: discord.Interaction, name: str, case: int | None, *words: str | None
    ) -> None:
        text = " ".join([name, *([f"#{case}"] if case else []), *(w for w in words if w)])
        if name in SLOW:  # building a file can take a while: answer Discord within 3 s
            await interaction.response.defer(ephemeral=True, thinking=True)
        await answer(
            interaction, run(self.app.engine, self.app.times, text, self._context(interaction))
        )

    def _chosen_case(self, interaction: discord.Interaction) -> Case | None:
        chosen = str(getattr(interaction.namespace, "case", None) or "").lstrip("#")
        if chosen.isdigit():
            return self.app.store.get_case(int(chosen))
        _, thread_id = context_place(interaction.channel, interaction.channel_id, self.app.store)
        return self.app.store.find_case_by_thread(PLATFORM, thread_id) if thread_id else None

    async def _commands(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return choices.commands(str(current or ""))

    async def _cases(self, interaction: discord.Interaction, current: str) -> list[Choice[int]]:
        _, thread_id = context_place(interaction.channel, interaction.channel_id, self.app.store)
        here = self.app.store.find_case_by_thread(PLATFORM, thread_id) if thread_id else None
        return choices.cases(self.app.engine, str(current or ""), here)

    async def _steps(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return choices.steps(self.app.engine, self._chosen_case(interaction), str(current or ""))

    async def _suggestions(
        self, interaction: discord.Interaction, current: str
    ) -> list[Choice[str]]:
        case = self._chosen_case(interaction)
        return choices.suggestions(self.app.engine, case, str(current or ""))

    # -- reading -------------------------------------------------------------------------

    @app_commands.command(name="help", description=_about("help"))
    @app_commands.describe(command="The subcommand to explain")
    @app_commands.autocomplete(command=_commands)  # 27 names: more than 25 fixed choices
    async def help_(self, interaction: discord.Interaction, command: str | None = None) -> None:
        """Show what Sereno can do."""
        await self._run(interaction, "help", None, command)

    @app_commands.command(name="list", description="List cases (open ones by default)")
    @app_commands.describe(
        status="Which cases",
        mine="Only yours",
        here="Only this channel",
        overdue="Only those waiting past the first-response time",
    )
    async def list_(
        self,
        interaction: discord.Interaction,
        status: Literal["new", "open", "resolved", "closed", "let_go", "dismissed", "all"]
        | None = None,
        mine: bool = False,
        here: bool = False,
        overdue: bool = False,
    ) -> None:
        """List cases."""
        flags = [w for w, on in (("mine", mine), ("here", here), ("overdue", overdue)) if on]
        await self._run(interaction, "list", None, status, *flags)

    @app_commands.command(name="show", description=_about("show"))
    @app_commands.describe(case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def show(self, interaction: discord.Interaction, case: int | None = None) -> None:
        """Show a case."""
        await self._run(interaction, "show", case)

    @app_commands.command(name="timeline", description=_about("timeline"))
    @app_commands.describe(case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def timeline(self, interaction: discord.Interaction, case: int | None = None) -> None:
        """Show a case's timeline."""
        await self._run(interaction, "timeline", case)

    @app_commands.command(name="playbook", description=_about("playbook"))
    @app_commands.describe(case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def playbook(self, interaction: discord.Interaction, case: int | None = None) -> None:
        """Show a case's playbook."""
        await self._run(interaction, "playbook", case)

    # -- working a case ------------------------------------------------------------------

    @app_commands.command(name="claim", description=_about("claim"))
    @app_commands.describe(case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def claim(self, interaction: discord.Interaction, case: int | None = None) -> None:
        """Take a case."""
        await self._run(interaction, "claim", case)

    @app_commands.command(name="assign", description=_about("assign"))
    @app_commands.describe(agent="Who takes the case", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def assign(
        self, interaction: discord.Interaction, agent: discord.Member, case: int | None = None
    ) -> None:
        """Give a case to an agent."""
        name = agent.display_name.replace(">", "").replace("|", "")
        await self._run(interaction, "assign", case, f"<@{agent.id}|{name}>")

    @app_commands.command(name="done", description=_about("done"))
    @app_commands.describe(step="The step (id or number)", case=CASE_HELP)
    @app_commands.autocomplete(step=_steps, case=_cases)
    async def done(
        self, interaction: discord.Interaction, step: str, case: int | None = None
    ) -> None:
        """Mark a step done."""
        await self._run(interaction, "done", case, step)

    @app_commands.command(name="undo", description=_about("undo"))
    @app_commands.describe(step="The step (id or number)", case=CASE_HELP)
    @app_commands.autocomplete(step=_steps, case=_cases)
    async def undo(
        self, interaction: discord.Interaction, step: str, case: int | None = None
    ) -> None:
        """Put a step back to pending."""
        await self._run(interaction, "undo", case, step)

    @app_commands.command(name="skip", description=_about("skip"))
    @app_commands.describe(step="The step (id or number)", case=CASE_HELP)
    @app_commands.autocomplete(step=_steps, case=_cases)
    async def skip(
        self, interaction: discord.Interaction, step: str, case: int | None = None
    ) -> None:
        """Skip a step."""
        await self._run(interaction, "skip", case, step)

    @app_commands.command(name="note", description=_about("note"))
    @app_commands.describe(text="The note", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def note(
        self, interaction: discord.Interaction, text: str, case: int | None = None
    ) -> None:
        """Add a note to a case's timeline."""
        await self._run(interaction, "note", case, text)

    @app_commands.command(name="followup", description=_about("followup"))
    @app_commands.describe(
        when="e.g. 'in 3 days', 'mañana a las 10'", note="What to do then", case=CASE_HELP
    )
    @app_commands.autocomplete(case=_cases)
    async def followup(
        self,
        interaction: discord.Interaction,
        when: str,
        note: str | None = None,
        case: int | None = None,
    ) -> None:
        """Schedule a follow-up."""
        await self._run(interaction, "followup", case, when, note)

    @app_commands.command(name="flag", description=_about("flag"))
    @app_commands.describe(flag="What you judged", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def flag(
        self,
        interaction: discord.Interaction,
        flag: Literal["unjustified", "refused"],
        case: int | None = None,
    ) -> None:
        """Flag a case; it may unlock steps."""
        await self._run(interaction, "flag", case, flag)

    @app_commands.command(name="suggest", description=_about("suggest"))
    @app_commands.describe(suggestion="Which reply (empty: list them)", case=CASE_HELP)
    @app_commands.autocomplete(suggestion=_suggestions, case=_cases)
    async def suggest(
        self,
        interaction: discord.Interaction,
        suggestion: str | None = None,
        case: int | None = None,
    ) -> None:
        """Post a reply suggestion in the case's thread."""
        await self._run(interaction, "suggest", case, suggestion)

    # -- reminders -------------------------------------------------------------------------

    @app_commands.command(name="due", description=_about("due"))
    @app_commands.describe(scope="Yours (default) or everyone's")
    async def due(
        self, interaction: discord.Interaction, scope: Literal["mine", "all"] | None = None
    ) -> None:
        """List due and overdue reminders."""
        await self._run(interaction, "due", None, scope)

    @app_commands.command(name="snooze", description=_about("snooze"))
    @app_commands.describe(when="e.g. 'in 2 hours', 'mañana a las 10'", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def snooze(
        self, interaction: discord.Interaction, when: str, case: int | None = None
    ) -> None:
        """Push a case's reminder."""
        await self._run(interaction, "snooze", case, when)

    @app_commands.command(name="reminder", description=_about("reminder"))
    @app_commands.describe(action="Done, or cancel it", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def reminder(
        self,
        interaction: discord.Interaction,
        action: Literal["done", "cancel"],
        case: int | None = None,
    ) -> None:
        """Finish a case's current reminder."""
        await self._run(interaction, "reminder", case, action)

    # -- status ----------------------------------------------------------------------------

    @app_commands.command(name="resolve", description=_about("resolve"))
    @app_commands.describe(summary="How it was solved", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def resolve(
        self, interaction: discord.Interaction, summary: str | None = None, case: int | None = None
    ) -> None:
        """Resolve a case."""
        await self._run(interaction, "resolve", case, summary)

    @app_commands.command(name="close", description=_about("close"))
    @app_commands.describe(case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def close(self, interaction: discord.Interaction, case: int | None = None) -> None:
        """Close a resolved case."""
        await self._run(interaction, "close", case)

    @app_commands.command(name="letgo", description=_about("letgo"))
    @app_commands.describe(why="Why it ends without agreement", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def letgo(
        self, interaction: discord.Interaction, why: str | None = None, case: int | None = None
    ) -> None:
        """Close a case without agreement, politely."""
        await self._run(interaction, "letgo", case, why)

    @app_commands.command(name="reopen", description=_about("reopen"))
    @app_commands.describe(why="What came back", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def reopen(
        self, interaction: discord.Interaction, why: str | None = None, case: int | None = None
    ) -> None:
        """Reopen a case."""
        await self._run(interaction, "reopen", case, why)

    @app_commands.command(name="dismiss", description=_about("dismiss"))
    @app_commands.describe(why="Why it is not a complaint", case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def dismiss(
        self, interaction: discord.Interaction, why: str | None = None, case: int | None = None
    ) -> None:
        """Close a message that is not a complaint, without a word to the customer."""
        await self._run(interaction, "dismiss", case, why)

    @app_commands.command(name="split", description=_about("split"))
    @app_commands.describe(case=CASE_HELP)
    @app_commands.autocomplete(case=_cases)
    async def split(self, interaction: discord.Interaction, case: int | None = None) -> None:
        """Make the customer's latest message that joined a case a case of its own."""
        await self._run(interaction, "split", case)
