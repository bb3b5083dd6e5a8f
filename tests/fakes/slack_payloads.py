"""Builders for what Slack sends to an app: signed HTTP requests and payloads.

Payload builders return plain dicts usable both over HTTP (with `json_request`,
`form_request`, `interactive_request`) and in Socket Mode
(``fake.push_envelope("events_api", event_body(...))``,
``push_envelope("slash_commands", slash_command_form(...))``,
``push_envelope("interactive", block_action_payload(...))``).

Signing (v0): ``"v0=" + hex(HMAC_SHA256(secret, f"v0:{ts}:{raw_body}"))`` in
``X-Slack-Signature`` and the timestamp in ``X-Slack-Request-Timestamp``; Bolt
rejects timestamps older than 300 s with 401.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0001"
TEAM_DOMAIN = "fake-team"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"

_counter = itertools.count(1)


def next_ts() -> str:
    """A unique, increasing ts for user-side messages: 1710000000.000100, ..."""
    micros = 1_710_000_000_000_000 + next(_counter) * 100
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


# ---------------------------------------------------------------------- signing


def sign(secret: str, body: bytes, timestamp: int | float | str | None = None) -> dict[str, str]:
    """Headers Slack adds to every HTTP request: timestamp + v0 signature."""
    ts = str(int(time.time() if timestamp is None else float(timestamp)))
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def json_request(
    secret: str, body: dict[str, Any], timestamp: int | float | None = None
) -> tuple[bytes, dict[str, str]]:
    """(raw body, headers) for an Events API POST."""
    raw = json.dumps(body).encode()
    return raw, {"Content-Type": "application/json", **sign(secret, raw, timestamp)}


def form_request(
    secret: str, fields: dict[str, str], timestamp: int | float | None = None
) -> tuple[bytes, dict[str, str]]:
    """(raw body, headers) for a slash command POST (form fields)."""
    raw = urlencode(fields).encode()
    return raw, {
        "Content-Type": "application/x-www-form-urlencoded",
        **sign(secret, raw, timestamp),
    }


def interactive_request(
    secret: str, payload: dict[str, Any], timestamp: int | float | None = None
) -> tuple[bytes, dict[str, str]]:
    """(raw body, headers) for an interactivity POST: form field ``payload`` = JSON."""
    return form_request(secret, {"payload": json.dumps(payload)}, timestamp)


# ---------------------------------------------------------------------- events


def event_body(
    event: dict[str, Any],
    event_id: str | None = None,
    *,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    event_time: int | None = None,
    bot_user_id: str = BOT_USER_ID,
) -> dict[str, Any]:
    """An ``event_callback`` envelope around `event` (HTTP body / Socket Mode payload)."""
    return {
        "token": "verification-token-unused",
        "team_id": team_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter):08d}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"ctx-{team_id}-{api_app_id}",
    }


def _channel_type(channel: str) -> str:
    return {"D": "im", "G": "group"}.get(channel[:1], "channel")


def message_event(
    channel: str,
    user: str | None,
    text: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    bot_id: str | None = None,
    subtype: str | None = None,
    *,
    parent_user_id: str | None = None,
    team: str = TEAM_ID,
    blocks: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A ``message`` event. A bot post without `user` gets ``subtype: bot_message``."""
    ts = ts or next_ts()
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": _channel_type(channel),
        "team": team,
    }
    if user is not None:
        event["user"] = user
    if bot_id is not None:
        event["bot_id"] = bot_id
        if subtype is None and user is None:
            subtype = "bot_message"
    if subtype is not None:
        event["subtype"] = subtype
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
        if parent_user_id is not None:
            event["parent_user_id"] = parent_user_id
    if blocks is not None:
        event["blocks"] = blocks
    return event


def app_mention_event(
    channel: str, user: str, text: str, ts: str | None = None, thread_ts: str | None = None
) -> dict[str, Any]:
    ts = ts or next_ts()
    event = {"type": "app_mention", "channel": channel, "user": user, "text": text, "ts": ts}
    event["event_ts"] = ts
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def reaction_event(
    added: bool,
    user: str,
    reaction: str,
    channel: str,
    ts: str,
    *,
    item_user: str | None = None,
    event_ts: str | None = None,
) -> dict[str, Any]:
    """``reaction_added`` / ``reaction_removed`` on message (channel, ts)."""
    event: dict[str, Any] = {
        "type": "reaction_added" if added else "reaction_removed",
        "user": user,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": event_ts or next_ts(),
    }
    if item_user is not None:
        event["item_user"] = item_user
    return event


def edit_event(
    channel: str,
    ts: str,
    new_text: str,
    old_text: str = "",
    user: str = "U0USER",
    *,
    thread_ts: str | None = None,
    edit_ts: str | None = None,
) -> dict[str, Any]:
    """``message_changed``: new text under ``message``, old under ``previous_message``."""
    edit_ts = edit_ts or next_ts()
    new: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": new_text,
        "ts": ts,
        "edited": {"user": user, "ts": edit_ts},
    }
    old: dict[str, Any] = {"type": "message", "user": user, "text": old_text, "ts": ts}
    if thread_ts is not None:
        new["thread_ts"] = old["thread_ts"] = thread_ts
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": _channel_type(channel),
        "ts": edit_ts,
        "event_ts": edit_ts,
        "message": new,
        "previous_message": old,
    }


def delete_event(
    channel: str,
    ts: str,
    user: str = "U0USER",
    old_text: str = "",
    *,
    thread_ts: str | None = None,
    delete_ts: str | None = None,
) -> dict[str, Any]:
    """``message_deleted`` of message `ts` (``deleted_ts``), with ``previous_message``."""
    delete_ts = delete_ts or next_ts()
    old: dict[str, Any] = {"type": "message", "user": user, "text": old_text, "ts": ts}
    if thread_ts is not None:
        old["thread_ts"] = thread_ts
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel,
        "channel_type": _channel_type(channel),
        "ts": delete_ts,
        "event_ts": delete_ts,
        "deleted_ts": ts,
        "previous_message": old,
    }


# ---------------------------------------------------------------------- commands & actions


def slash_command_form(
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    response_url: str,
    trigger_id: str | None = None,
    *,
    user_name: str | None = None,
    channel_name: str | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
) -> dict[str, str]:
    """Slash command fields (HTTP form body / Socket Mode ``slash_commands`` payload)."""
    return {
        "token": "verification-token-unused",
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name or channel_id.lower(),
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or f"trig.{next(_counter)}",
    }


def block_action_payload(
    action_id: str,
    value: str,
    user: str,
    channel: str,
    message_ts: str,
    thread_ts: str | None = None,
    response_url: str | None = None,
    *,
    block_id: str = "b1",
    trigger_id: str | None = None,
    message_text: str = "",
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
) -> dict[str, Any]:
    """A ``block_actions`` payload: a button click on bot message (channel, message_ts)."""
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    message: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "text": message_text,
        "ts": message_ts,
    }
    if thread_ts is not None:
        container["thread_ts"] = thread_ts
        message["thread_ts"] = thread_ts
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "verification-token-unused",
        "container": container,
        "trigger_id": trigger_id or f"trig.{next(_counter)}",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": channel.lower()},
        "message": message,
        "state": {"values": {}},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "text": {"type": "plain_text", "text": value, "emoji": True},
                "action_ts": next_ts(),
            }
        ],
    }
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def select_action_payload(
    action_id: str,
    option: dict[str, Any],
    user: str,
    channel: str,
    message_ts: str,
    thread_ts: str | None = None,
    response_url: str | None = None,
    *,
    block_id: str = "b1",
    placeholder: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a choice in a ``static_select`` of a bot message:
    the chosen option (text and value) as ``selected_option``, also in ``state``."""
    payload = block_action_payload(
        action_id,
        "",
        user,
        channel,
        message_ts,
        thread_ts,
        response_url,
        block_id=block_id,
        **extra,
    )
    chosen = {"text": dict(option["text"], emoji=True), "value": option["value"]}
    payload["actions"] = [
        {
            "type": "static_select",
            "action_id": action_id,
            "block_id": block_id,
            "selected_option": chosen,
            "placeholder": {"type": "plain_text", "text": placeholder, "emoji": True},
            "action_ts": next_ts(),
        }
    ]
    payload["state"] = {
        "values": {block_id: {action_id: {"type": "static_select", "selected_option": chosen}}}
    }
    return payload
