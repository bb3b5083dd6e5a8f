"""The shapes a signed Slack request may have, checked before bolt reads the body.

The body is parsed here, once, and kept in the inbox as a dict; bolt later gets
that dict (as Socket Mode hands it one) and pulls ids out of it (team, enterprise,
user, channel, thread, action, callback) assuming Slack's shapes, and Sereno's
listeners index a few fields; any other shape would raise inside bolt. `parse`
refuses with a short reason every body that bolt or a listener could trip on. The
rules follow what bolt and the listeners read, so every payload Slack documents
passes. A slash command is a form with `command`, whatever words its text holds.
"""

from __future__ import annotations

import json
from types import UnionType
from typing import Any
from urllib.parse import parse_qsl

#: Slack's payloads nest about ten levels (blocks in a message in an event).
MAX_DEPTH = 64

# Checked in every part bolt's id extractors descend into (see `_SCOPES`).
_STRINGS = frozenset(
    """type subtype team_id enterprise_id user_id channel_id ts thread_ts deleted_ts event_id
    event_ts api_app_id token bot_id text reaction username response_url trigger_id callback_id
    challenge app_installed_team_id function_execution_id execution_id bot_access_token
    command""".split()  # noqa: SIM905 (a word list reads better than 26 lines)
)
_REFS = ("user", "channel", "team", "enterprise")  # an id, or an object with an "id"
_SCOPES = ("event", "message", "previous_message", "item", "assistant_thread", "view")
_SCOPE_LISTS = ("authorizations", "response_urls")
_ACTION_TYPES = frozenset({"block_actions", "interactive_message"})
#: Events Sereno listens to: their people and channels are ids, these fields are indexed.
_LISTENED = {
    "message": ("channel", "ts"),
    "app_mention": ("channel", "user", "ts"),
    "reaction_added": ("user", "reaction", "item"),
    "reaction_removed": ("user", "reaction", "item"),
}
_SUBTYPES = {"message_changed": ("message",), "message_deleted": ("deleted_ts",)}


class Malformed(ValueError):
    """A signed body that is not one of Slack's shapes; the message names the rule."""


def parse(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The body as bolt will parse it, or `Malformed` saying why it is none of Slack's."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("body is not UTF-8") from None
    body = _decode(text, content_type)
    _check_depth(body)
    if "command" in body:
        if not all(isinstance(value, str) for value in body.values()):
            raise Malformed("a command whose fields are not all text")
        _require(body, ("user_id", "response_url"), "command")
        _check_url(body, "command")
    elif body.get("ssl_check") != "1":
        _check_payload(body)
    return body


def _decode(text: str, content_type: str | None) -> dict[str, Any]:
    if content_type == "application/json" or text.startswith("{"):
        return _object(text)
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "command" in fields or fields.get("ssl_check") == "1":
        return fields
    if "payload" in fields:
        return _object(fields["payload"])
    raise Malformed("form without payload or command")


def _object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed("invalid JSON") from None
    if not isinstance(value, dict):
        raise Malformed("JSON is not an object")
    return value


def _check_depth(body: dict[str, Any]) -> None:
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Malformed(f"nested deeper than {MAX_DEPTH}")
        children = value.values() if isinstance(value, dict) else value
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))


def _check_payload(body: dict[str, Any]) -> None:
    """An Events API body or an interactivity payload."""
    if not isinstance(body.get("type"), str):
        raise Malformed("no type")
    _check_scope(body, "body")
    event = body.get("event")
    if body["type"] == "event_callback":
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise Malformed("event_callback without an event type")
        _check_listened(event)
    if body["type"] in _ACTION_TYPES:
        _check_actions(body)


def _check_actions(body: dict[str, Any]) -> None:
    """A click: Sereno answers at its response_url and reads who clicked which button."""
    kind = body["type"]
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise Malformed(f"{kind} without actions")
    for action in actions:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            raise Malformed("an action without an action_id")
        if "value" in action and not isinstance(action["value"], str):
            raise Malformed("an action's value is not text")
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise Malformed(f"{kind} without a user id")
    _require(body, ("response_url",), kind)
    _check_url(body, kind)


def _check_scope(part: dict[str, Any], where: str) -> None:
    """The fields bolt's id extractors read, here and in every part they descend into."""
    for key in _STRINGS.intersection(part):
        _check_type(part, key, str, where)
    for key in _REFS:
        ref = part.get(key)
        _check_type(part, key, str | dict, where)
        if isinstance(ref, dict):
            for field in ("id", "team_id", "enterprise_id"):
                _check_type(ref, field, str, f"{where}.{key}")
    for key in (*_SCOPES, "function_data"):
        _check_type(part, key, dict, where)
        if isinstance(part.get(key), dict):
            _check_scope(part[key], f"{where}.{key}")
    for key in _SCOPE_LISTS:
        _check_type(part, key, list, where)
        for item in part.get(key) or ():
            if not isinstance(item, dict):
                raise Malformed(f"{where}.{key} holds a non-object")
            _check_scope(item, f"{where}.{key}[]")


def _check_listened(event: dict[str, Any]) -> None:
    """The events Sereno's listeners read: people and channels as ids, indexed fields there."""
    required = _LISTENED.get(event["type"])
    if required is None:
        return
    _require(event, required, event["type"])
    _require(event, _SUBTYPES.get(str(event.get("subtype")), ()), event["type"])
    for part in (event, *(event.get(k) for k in ("message", "previous_message", "item"))):
        if isinstance(part, dict):
            for key in _REFS:
                _check_type(part, key, str, event["type"])
    item = event.get("item")
    if "item" in required and not isinstance(item, dict):
        raise Malformed(f"{event['type']} without an item")
    if isinstance(item, dict) and item.get("type") == "message":
        _require(item, ("channel", "ts"), "item")
    message = event.get("message")
    if event.get("subtype") == "message_changed" and isinstance(message, dict):
        _require(message, ("ts",), "message_changed")


def _check_url(body: dict[str, Any], where: str) -> None:
    if not str(body["response_url"]).startswith(("https://", "http://")):
        raise Malformed(f"{where}: response_url is not a web address")


def _require(part: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if part.get(k) is None]
    if missing:
        raise Malformed(f"{where} without {', '.join(missing)}")


def _check_type(part: dict[str, Any], key: str, kind: type | UnionType, where: str) -> None:
    """`part[key]` is absent, null, or of `kind`."""
    value = part.get(key)
    if value is not None and not isinstance(value, kind):
        raise Malformed(f"{where}.{key} is a {type(value).__name__}")
