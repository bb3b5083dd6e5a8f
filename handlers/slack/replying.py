"""Replying from Slack: "Reply…" opens the form at once, its submission sends the reply.

Slack's `trigger_id` lasts 3 s from the click, and the inbox may take longer, so a
click on "Reply…" never enters it: opening a form changes nothing Sereno keeps, so
`ReplyForms.answer` opens it (views.open) while the click is acknowledged, after
checking the clicker is an agent. The submission is an interaction like any other and
is kept in the inbox before it is acknowledged; what can be checked without a case
(empty, too long, a blank like "[option A]" left) is answered in the acknowledgement,
so the form stays open with the text and the reason. The inbox's replay then calls
`replies.send`; a refusal that needs the case comes to the agent as an ephemeral
message in the case's team place, since the form has closed by then.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.base.cards import ActionId
from bot.core.base.outbox import TransientError
from bot.core.base.store_port import StoreUnavailable
from bot.core.cases import replies
from bot.core.cases.audience import Audience
from bot.core.cases.engine import Engine
from handlers.slack import reply_form
from handlers.slack.errors import error_code
from handlers.slack.people import SlackPeople
from handlers.slack.render import escape
from handlers.slack.visibility import SlackVisibility

log = logging.getLogger(__name__)
#: The click's trigger lasts 3 s from the click; Slack's own hop takes some of it.
OPEN_WITHIN_SECONDS = 2.5
NETWORK = (SlackApiError, aiohttp.ClientError, TimeoutError, OSError)


@dataclass(frozen=True)
class Answered:
    """An interaction answered without the inbox; `payload` is the acknowledgement's body."""

    payload: dict[str, Any] | None = None


def is_reply_click(body: dict[str, Any]) -> bool:
    """A click on a suggestion's "Reply…" button."""
    actions = body.get("actions")
    return (
        body.get("type") == "block_actions"
        and isinstance(actions, list)
        and len(actions) == 1
        and isinstance(actions[0], dict)
        and actions[0].get("action_id") == ActionId.REPLY.value
    )


@dataclass
class ReplyForms:
    engine: Engine
    people: SlackPeople
    client: AsyncWebClient
    visibility: SlackVisibility

    async def answer(self, body: dict[str, Any]) -> Answered | None:
        """Answer a Reply… click or a form with a text that cannot go; None: keep it."""
        if is_reply_click(body):
            try:
                await asyncio.wait_for(self._open(body), OPEN_WITHIN_SECONDS)
            except TimeoutError:
                await self._tell_clicker(body, self._failed("it took too long"))
            except StoreUnavailable:  # the case cannot be read now: nothing was done
                await self._tell_clicker(body, self._failed("storage is busy"))
            return Answered()
        sent = reply_form.submission(body)
        if sent is not None:
            problem = replies.text_problem(self.engine, sent.text)
            if problem is not None:
                return Answered(reply_form.errors(problem))
        return None

    def _failed(self, why: str) -> str:
        return self.engine.say("answer.form_failed", why=why)

    async def _open(self, body: dict[str, Any]) -> None:
        user = body.get("user") or {}
        case_part, _, suggestion = str(body["actions"][0].get("value") or "").partition(":")
        case = self.engine.store.get_case(int(case_part)) if case_part.isdigit() else None
        if case is None:
            await self._tell_clicker(body, self.engine.say("answer.gone"))
            return
        actor = await self.people.actor(str(user.get("id") or ""), user.get("team_id"))
        refused = self.engine.check_agent(case, actor)
        if refused is not None:
            await self._tell_clicker(body, refused.text)
            return
        draft = replies.draft(
            self.engine, case, suggestion or None, actor.name, await self._may_copy(case)
        )
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
        modal = reply_form.view(self.engine, draft, channel, container.get("thread_ts"))
        try:
            await self.client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=modal)
        except NETWORK as exc:
            why = error_code(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("Slack: views.open for case %s failed (%s)", case.ref, why)
            await self._tell_clicker(body, self._failed(why or "no answer"))

    async def _may_copy(self, case: Any) -> bool:
        """Only the team reads the complaint's channel (a forwarder's): offer the copy."""
        try:
            judged = await self.visibility.judge(case.channel_id)
        except TransientError:
            return False
        return judged.audience is Audience.TEAM

    async def _tell_clicker(self, body: dict[str, Any], text: str) -> None:
        """An ephemeral line for who clicked, at the click's response_url."""
        url = body.get("response_url")
        try:
            if url:
                await AsyncWebhookClient(str(url)).send(
                    text=escape(text), response_type="ephemeral", replace_original=False
                )
                return
            container = body.get("container") or {}
            await self.client.chat_postEphemeral(
                channel=str(container.get("channel_id") or ""),
                user=str((body.get("user") or {}).get("id") or ""),
                text=escape(text),
                thread_ts=container.get("thread_ts"),
            )
        except NETWORK as exc:
            log.warning("Slack: could not tell the agent %r (%s)", text[:60], exc)

    async def on_submission(self, ack: Any, body: dict[str, Any]) -> None:
        """The bolt `view` listener, run from the inbox: send the reply (or record the
        copy); the agent hears of a refusal, or gets the copied text, ephemerally."""
        await ack()
        sent = reply_form.submission(body)
        if sent is None:
            return
        case = self.engine.store.get_case(sent.case_id)
        if case is None:
            await self._tell(sent.channel, sent.thread, sent.user, self.engine.say("answer.gone"))
            return
        actor = await self.people.actor(sent.user, sent.team)
        told = replies.send(
            self.engine, case, actor, sent.text, sent.suggestion, copied=sent.copied
        )
        channel = case.staff_channel_id or case.channel_id
        thread = case.staff_thread_id if case.staff_channel_id else case.thread_id
        if not told.ok:
            await self._tell(channel, thread, sent.user, escape(told.text))
        elif sent.copied:
            quoted = "\n".join("> " + line for line in escape(sent.text.strip()).splitlines())
            await self._tell(channel, thread, sent.user, f"{escape(told.text)}\n{quoted}")

    async def _tell(self, channel: str, thread: str | None, user: str, text: str) -> None:
        """Best effort: the reply is already sent or refused, so a failure here is logged,
        never raised (the inbox would replay the submission and send it twice)."""
        try:
            await self.client.chat_postEphemeral(
                channel=channel, user=user, text=text, thread_ts=thread
            )
        except NETWORK as exc:
            log.warning("Slack: ephemeral answer to %s in %s failed (%s)", user, channel, exc)
