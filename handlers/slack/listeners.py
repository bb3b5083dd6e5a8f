"""Bolt listeners: translate Slack events into core calls. No decisions here.

They run from the inbox (`handlers.slack.ingress`), which has already kept each
event once by its id, so they need no de-duplication of their own."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.base.cards import ActionId
from bot.core.base.model import Actor, Incoming
from bot.core.cases.audience import Admission, AudienceGuard
from bot.core.cases.context import Context
from bot.core.commands.correction import on_reading_choice
from bot.core.commands.dispatch import run
from bot.core.commands.interactions import on_button, on_reaction
from bot.wiring import App
from handlers.slack import forwarded
from handlers.slack.ingress import NEW_MESSAGE_SUBTYPES
from handlers.slack.markup import command_text
from handlers.slack.people import PLATFORM, SlackPeople
from handlers.slack.render import escape
from handlers.slack.visibility import SlackVisibility

log = logging.getLogger(__name__)
FILE_LIMIT = 1024**3  # Slack takes files up to 1 GB (files.getUploadURLExternal)
_MENTION = re.compile(r"^\s*<@([A-Z0-9]+)>\s*")


@dataclass
class SlackBridge:
    app: App
    people: SlackPeople
    channels: frozenset[str]
    source_bots: frozenset[str]
    guard: AudienceGuard  # complaints channels customers can read get no case
    visibility: SlackVisibility
    triage: str | None = None  # the staff-only channel of cases customers' channels open


def register(bolt: AsyncApp, bridge: SlackBridge) -> None:
    """Attach every listener to the bolt app."""
    bolt.event("message")(_message_listener(bridge))
    bolt.event("reaction_added")(_reaction_listener(bridge, added=True))
    bolt.event("reaction_removed")(_reaction_listener(bridge, added=False))
    bolt.event("app_mention")(_mention_listener(bridge))
    bolt.event("member_joined_channel")(_joined_listener(bridge))
    bolt.command("/complaint")(_command_listener(bridge))
    bolt.action(re.compile(r"^sereno:"))(_action_listener(bridge))


def _message_listener(bridge: SlackBridge):  # type: ignore[no-untyped-def]
    async def on_message(
        body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]
    ) -> None:
        if event.get("channel") not in bridge.channels:
            return
        subtype = event.get("subtype")
        if subtype == "message_changed":
            await _edited(bridge, body, event)
        elif subtype == "message_deleted":
            await _deleted(bridge, body, event)
        elif subtype in NEW_MESSAGE_SUBTYPES:
            await _posted(bridge, body, event, context.get("bot_user_id"))

    return on_message


async def _author(bridge: SlackBridge, event: dict[str, Any]) -> Actor | None:
    bot_id = event.get("bot_id")
    if bot_id:
        if bot_id not in bridge.source_bots:
            return None  # other bots (and Sereno itself) are never complaint sources
        return forwarded.sender(bot_id, event)  # the person it names, never the bot
    user = event.get("user")
    if not user:
        return None
    if event.get("thread_ts") not in (None, event.get("ts")):
        return await bridge.people.actor(user, event.get("user_team"))
    # A new complaint's author is its customer: an agent only if the settings name them.
    people = bridge.people
    named = await people.is_named_agent(user, event.get("user_team"))
    return Actor(PLATFORM, user, await people.name(user), named)


async def _posted(
    bridge: SlackBridge, body: dict[str, Any], event: dict[str, Any], bot_user_id: str | None
) -> None:
    text = event.get("text") or ""
    mention = _MENTION.match(text)
    if mention and mention.group(1) == bot_user_id:
        return  # a command addressed to Sereno: app_mention handles it
    author = await _author(bridge, event)
    if author is None:
        return
    ts, thread_ts = event["ts"], event.get("thread_ts")
    msg = Incoming(
        PLATFORM,
        event["channel"],
        ts,
        author,
        text,
        thread_ts if thread_ts != ts else None,
        body.get("event_id"),
        sent_at(ts),
    )
    if msg.thread_id:
        bridge.app.engine.conversation.record_thread_message(msg)
    elif (admission := await _admission(bridge, msg.channel_id)) is not None:
        bridge.app.engine.open_case(msg, staff_channel=admission.staff_channel)


def sent_at(ts: str) -> datetime | None:
    """When a message was posted: its `ts` is seconds since the epoch (None: unreadable)."""
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


async def _edited(bridge: SlackBridge, body: dict[str, Any], event: dict[str, Any]) -> None:
    new, old = event.get("message") or {}, event.get("previous_message") or {}
    if new.get("bot_id") or not new.get("user"):
        return
    if new.get("text") == old.get("text"):
        return  # unfurls and other non-text changes
    actor = await bridge.people.actor(new["user"], new.get("user_team"))
    bridge.app.engine.conversation.record_edit(
        PLATFORM,
        event["channel"],
        new["ts"],
        new.get("thread_ts"),
        new.get("text") or "",
        old.get("text"),
        actor,
    )


async def _deleted(bridge: SlackBridge, body: dict[str, Any], event: dict[str, Any]) -> None:
    old = event.get("previous_message") or {}
    if old.get("bot_id"):
        return
    actor = (
        await bridge.people.actor(old["user"])
        if old.get("user")
        else Actor(PLATFORM, "unknown", "unknown")
    )
    bridge.app.engine.conversation.record_delete(
        PLATFORM, event["channel"], event["deleted_ts"], old.get("thread_ts"), actor
    )


def _joined_listener(bridge: SlackBridge):  # type: ignore[no-untyped-def]
    async def on_joined(event: dict[str, Any]) -> None:
        """Someone joined a complaints channel: a guest may read it now. Judge it again at
        once, so the lead hears of it before the next complaint."""
        channel = str(event.get("channel") or "")
        if channel == bridge.triage:
            bridge.visibility.forget(channel)  # judged again before the next post there
            return
        if channel not in bridge.channels:
            return
        bridge.visibility.forget(channel)
        await _admission(bridge, channel)

    return on_joined


async def _admission(bridge: SlackBridge, channel: str) -> Admission | None:
    """Whether a new complaint in `channel` may open a case, and where its guidance goes:
    its thread, or the triage channel when customers read `channel` (None: refused).
    Raises `Unknown` (the inbox tries again) when Slack cannot say."""
    return bridge.guard.admit(PLATFORM, channel, await bridge.visibility.judge(channel))


def _reaction_listener(bridge: SlackBridge, added: bool):  # type: ignore[no-untyped-def]
    async def on_reaction_event(body: dict[str, Any], event: dict[str, Any], client: Any) -> None:
        item = event.get("item") or {}
        where = item.get("channel")
        if item.get("type") != "message" or (
            where not in bridge.channels and (not bridge.triage or where != bridge.triage)
        ):
            return
        actor = await bridge.people.actor(event["user"], event.get("user_team"))
        reply = on_reaction(
            bridge.app.engine, PLATFORM, item["ts"], event["reaction"], actor, added
        )
        if reply is not None and not reply.ok and actor.is_agent:
            await client.chat_postEphemeral(
                channel=item["channel"], user=actor.user_id, text=escape(reply.text)
            )

    return on_reaction_event


def _mention_listener(bridge: SlackBridge):  # type: ignore[no-untyped-def]
    async def on_mention(body: dict[str, Any], event: dict[str, Any], client: Any) -> None:
        """`@Sereno done 2` inside a case thread: Slack gives slash commands no thread."""
        if event.get("bot_id") or not event.get("user"):
            return
        raw = _MENTION.sub("", event.get("text") or "", count=1)
        text = await command_text(raw, bridge.people.name)
        actor = await bridge.people.actor(event["user"], event.get("user_team"))
        thread = event.get("thread_ts")
        reply = run(bridge.app.engine, bridge.app.times, text, _context(actor, event, thread))
        await client.chat_postEphemeral(
            channel=event["channel"], user=actor.user_id, text=escape(reply.text), thread_ts=thread
        )

    return on_mention


def _context(actor: Actor, where: dict[str, Any], thread: str | None) -> Context:
    """Slack sends people as mentions (`should_escape: true`), so a bare name is nobody."""
    return Context(
        actor, PLATFORM, where["channel"], thread, bare_names=False, file_limit=FILE_LIMIT
    )


def _command_listener(bridge: SlackBridge):  # type: ignore[no-untyped-def]
    async def on_command(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()  # within Slack's 3 seconds, before any work
        actor = await bridge.people.actor(body["user_id"], body.get("team_id"))
        text = await command_text(body.get("text") or "", bridge.people.name)
        ctx = _context(actor, {"channel": body.get("channel_id", "")}, body.get("thread_ts"))
        reply = run(bridge.app.engine, bridge.app.times, text, ctx)
        await respond(
            text=escape(reply.text), response_type="in_channel" if reply.public else "ephemeral"
        )

    return on_command


def _action_listener(bridge: SlackBridge):  # type: ignore[no-untyped-def]
    async def on_action(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        user = body.get("user") or {}
        actor = await bridge.people.actor(user.get("id", ""), user.get("team_id"))
        action_id = action.get("action_id", "")
        if action_id == ActionId.CORRECT_READING.value:  # the header's menu: a choice
            chosen = (action.get("selected_option") or {}).get("value", "")
            reply = on_reading_choice(bridge.app.engine, chosen, actor)
        else:
            reply = on_button(bridge.app.engine, action_id, action.get("value", ""), actor)
        await respond(text=escape(reply.text), response_type="ephemeral", replace_original=False)

    return on_action
