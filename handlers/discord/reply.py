"""Reply… on a suggestion: a modal prefilled with the draft; its submit sends the reply.

Discord wants a modal as the very answer to the click (within 3 s, never after a
deferral), so the click is answered live: the case and the suggestion come from the
button's custom_id, the draft from the core. The submit calls `replies.send`, which
writes to SQLite before the agent is answered. A reply Discord would cut (a message
holds 2,000 characters, the "— ana" signature included) is refused by the form's
`max_length` and again by the core. A complaint from a forwarder (an internal channel)
gets a second field, prefilled with COPY: the agent sends the text by email or form and
Sereno records it as sent; emptying the field posts it in the thread instead.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import discord

from bot.core.base.store_port import StoreUnavailable
from bot.core.cases import replies
from bot.core.cases.audience import Audience
from bot.core.cases.engine import Reply
from bot.wiring import App
from handlers.discord.answers import MESSAGE_LIMIT, answer
from handlers.discord.people import actor
from handlers.discord.visibility import judge_id

log = logging.getLogger(__name__)
TITLE, LABEL, PLACEHOLDER, INPUT = 45, 45, 100, 4000
#: An agent writes for a while; the form's handler stays this long (seconds).
FORM_TIMEOUT = 3600.0
COPY_WORDS = frozenset({"copy", "copiar"})


def _say(app: App, key: str) -> str:
    return app.engine.say(f"answer.discord_{key}")


def limit_for(name: str) -> int:
    """The longest reply that fits one Discord message with its signature."""
    return min(replies.MAX_REPLY, INPUT, MESSAGE_LIMIT - len(f"\n— {name}"))


async def open_form(interaction: discord.Interaction, app: App, value: str) -> None:
    """The click on Reply… ("case:suggestion"): the form for agents, a polite no otherwise."""
    try:
        drafted = _draft(interaction, app, value)
    except StoreUnavailable as exc:
        log.error("Discord: could not open a reply form (%s)", exc)
        drafted = Reply(_say(app, "not_saved"), ok=False)
    if isinstance(drafted, Reply):
        await answer(interaction, drafted)
        return
    who = interaction.user.display_name
    try:
        await interaction.response.send_modal(ReplyForm(app, drafted, limit_for(who)))
    except discord.HTTPException as exc:  # Discord refused the form: say why in the log
        log.error("Discord: the reply form for case %s was refused (%s)", drafted.case_id, exc)


def _draft(interaction: discord.Interaction, app: App, value: str) -> replies.Draft | Reply:
    case_part, _, suggestion = value.partition(":")
    case = app.store.get_case(int(case_part)) if case_part.isdigit() else None
    if case is None:
        return Reply(app.engine.say("answer.gone"), ok=False)
    who = actor(interaction.user, app.settings.discord_agent_role, app.settings.discord_lead)
    refused = app.engine.check_agent(case, who)
    if refused is not None:
        return refused
    judged = judge_id(interaction.client, case.channel_id, app.settings)
    may_copy = judged.audience is Audience.TEAM
    return replies.draft(app.engine, case, suggestion or None, who.name, may_copy)


FORM_ID = "sereno:reply-form:"  # + "case:suggestion": a form any process can take back
TEXT_ID, COPY_ID = "sereno:reply-text", "sereno:reply-copy"


def revive(state: Any, app: App, data: Any) -> None:
    """Before discord.py reads an INTERACTION_CREATE: a reply form submitted to a process
    that did not open it (Sereno restarted while the agent was typing) is registered
    again from its custom_id, so the agent's text is sent rather than discarded."""
    if not isinstance(data, dict) or data.get("type") != 5:
        return
    form = data.get("data") or {}
    custom_id = str(form.get("custom_id") or "")
    store = state._view_store
    if not custom_id.startswith(FORM_ID) or custom_id in store._modals:
        return
    case_part, _, suggestion = custom_id[len(FORM_ID) :].partition(":")
    if not case_part.isdigit():
        return
    inputs = {
        item.get("custom_id")
        for row in form.get("components") or []
        for item in row.get("components") or [row.get("component") or {}]
    }
    drafted = replies.Draft(int(case_part), suggestion or None, "", COPY_ID in inputs)
    state.store_view(ReplyForm(app, drafted, replies.MAX_REPLY))
    log.info("Discord: took back a reply form for case %s opened before a restart", case_part)


class ReplyForm(discord.ui.Modal):
    """The reply, editable; for a forwarder's complaint also "COPY" (I send it myself)."""

    def __init__(self, app: App, drafted: replies.Draft, limit: int) -> None:
        say = app.engine.say
        super().__init__(
            title=say("answer.form_title")[:TITLE],
            timeout=FORM_TIMEOUT,
            custom_id=f"{FORM_ID}{drafted.case_id}:{drafted.suggestion_id or ''}"[:100],
        )
        self.app, self.drafted = app, drafted
        self.text: discord.ui.TextInput[ReplyForm] = discord.ui.TextInput(
            label=say("answer.form_label")[:LABEL],
            custom_id=TEXT_ID,
            style=discord.TextStyle.paragraph,
            default=drafted.text[:limit] or None,
            placeholder=say("answer.form_hint")[:PLACEHOLDER],
            max_length=limit,
        )
        self.add_item(self.text)
        self.copy: discord.ui.TextInput[ReplyForm] | None = None
        if drafted.may_copy:
            self.copy = discord.ui.TextInput(
                label=_say(app, "copy_label")[:LABEL],
                custom_id=COPY_ID,
                default="COPY",
                placeholder=_say(app, "copy_hint")[:PLACEHOLDER],
                required=False,
                max_length=10,
            )
            self.add_item(self.copy)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Send (or record) the reply; a refusal keeps the text for another try."""
        told = self._send(interaction)
        again = None
        if not told.ok and told.case_id is not None:
            kept = replace(self.drafted, text=self.text.value)
            again = EditAgain(self.app, kept, self.copy is not None and self._copied())
        await answer(interaction, told, view=again)

    def _send(self, interaction: discord.Interaction) -> Reply:
        app = self.app
        case = app.store.get_case(self.drafted.case_id)
        if case is None:
            return Reply(app.engine.say("answer.gone"), ok=False)
        copy_typed = (self.copy.value if self.copy is not None else "").strip()
        if copy_typed and not self._copied():
            return Reply(_say(app, "copy_bad"), ok=False, case_id=case.id)
        who = actor(interaction.user, app.settings.discord_agent_role, app.settings.discord_lead)
        return replies.send(
            app.engine,
            case,
            who,
            self.text.value,
            self.drafted.suggestion_id,
            copied=self._copied(),
            limit=limit_for(who.name),
        )

    def _copied(self) -> bool:
        return self.copy is not None and self.copy.value.strip().lower() in COPY_WORDS

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:
        """Never a traceback in chat: storage trouble asks to try again; the rest is logged."""
        if isinstance(error, StoreUnavailable):
            log.error("Discord: could not save a reply (%s)", error)
        else:
            log.exception("Discord: the reply form failed", exc_info=error)
        await answer(interaction, Reply(_say(self.app, "not_saved"), ok=False))


class EditAgain(discord.ui.View):
    """Under a refused reply: reopen the form with what the agent wrote."""

    def __init__(self, app: App, kept: replies.Draft, copy: bool) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.app, self.kept, self.copy = app, kept, copy
        button: discord.ui.Button[EditAgain] = discord.ui.Button(
            label=_say(app, "edit_again"), style=discord.ButtonStyle.primary
        )
        button.callback = self.reopen  # type: ignore[method-assign]
        self.add_item(button)

    async def reopen(self, interaction: discord.Interaction) -> None:
        """The same form, prefilled with the refused text."""
        form = ReplyForm(self.app, self.kept, limit_for(interaction.user.display_name))
        if form.copy is not None and not self.copy:
            form.copy.default = None
        await interaction.response.send_modal(form)
