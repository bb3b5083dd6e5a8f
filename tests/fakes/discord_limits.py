"""Discord's documented limits, checked the way Discord checks them: a refused body answers
400, code 50035 ("Invalid Form Body"), with an ``errors`` tree naming each bad field.

`command_errors` is also what tests run on the payload Sereno's command tree would sync.
The error codes follow Discord's own where they are known (``BASE_TYPE_MAX_LENGTH``…).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .discord_limits_messages import Errors, callback_errors, length, message_errors

__all__ = [
    "CHECKS",
    "Errors",
    "callback_errors",
    "command_errors",
    "command_list_errors",
    "invalid_form_body",
    "message_errors",
]

MAX_COMMANDS = 100  # per scope and type
MAX_OPTIONS = 25  # options per command or subcommand, subcommands per group
MAX_CHOICES = 25
COMMAND_CHARS = 8000  # names, descriptions and choices of one command together
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
AUTOCOMPLETE_TYPES = frozenset({3, 4, 10})  # string, integer, number
# ^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$: Python's \w is letters, digits and "_"
NAME = re.compile(r"[-\w\u0900-\u097f\u0e00-\u0e7f]{1,32}")

Check = Callable[[str, Any], dict | None]


def invalid_form_body(errors: Errors) -> dict:
    """The body of Discord's 400 for a refused form."""
    return {"message": "Invalid Form Body", "code": 50035, "errors": errors.tree}


def command_list_errors(commands: Any) -> Errors:
    """A bulk overwrite (``PUT …/commands``): each command, and unique names per type."""
    errors = Errors()
    if not isinstance(commands, list):
        errors.add((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return errors
    if len(commands) > MAX_COMMANDS:
        errors.add((), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_COMMANDS} or fewer in length.")
    seen: set[tuple[Any, Any]] = set()
    for index, command in enumerate(commands):
        errors.merge((str(index),), command_errors(command))
        if not isinstance(command, dict):
            continue
        key = (command.get("type", 1), command.get("name"))
        if key in seen:
            errors.add(
                (str(index), "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add(key)
    return errors


def command_errors(command: Any, *, partial: bool = False) -> Errors:
    """Where one application command breaks Discord's limits (``partial``: a PATCH)."""
    errors = Errors()
    if not isinstance(command, dict):
        errors.add((), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return errors
    chat_input = command.get("type", 1) == 1
    if not partial or "name" in command:
        _name(errors, (), command.get("name"), chat_input)
    if chat_input and (not partial or "description" in command):
        length(errors, ("description",), command.get("description"), 1, 100)
    _options(errors, (), command.get("options") or [], depth=0)
    if _characters(command) > COMMAND_CHARS:
        errors.add(
            (), "APPLICATION_COMMAND_TOO_LARGE", f"Command exceeds maximum size ({COMMAND_CHARS})"
        )
    return errors


def _name(errors: Errors, path: tuple[str, ...], name: Any, chat_input: bool) -> None:
    if not length(errors, (*path, "name"), name, 1, 32):
        return
    if chat_input and (not NAME.fullmatch(name) or name != name.lower()):
        errors.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _options(errors: Errors, path: tuple[str, ...], options: list, depth: int) -> None:
    where = (*path, "options")
    if len(options) > MAX_OPTIONS:
        errors.add(where, "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_OPTIONS} or fewer in length.")
    names = [o.get("name") for o in options]
    for index, option in enumerate(options):
        at = (*where, str(index))
        _name(errors, at, option.get("name"), chat_input=True)
        if option.get("name") in names[:index]:
            errors.add(
                (*at, "name"),
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        length(errors, (*at, "description"), option.get("description"), 1, 100)
        kind = option.get("type")
        nested = kind in (SUB_COMMAND, SUB_COMMAND_GROUP)
        if nested and (depth >= 2 or (depth == 1 and kind == SUB_COMMAND_GROUP)):
            errors.add((*at, "type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Too deep")
        if nested:
            _options(errors, at, option.get("options") or [], depth + 1)
        else:
            _choices(errors, at, option)


def _choices(errors: Errors, at: tuple[str, ...], option: dict) -> None:
    choices = option.get("choices") or []
    if len(choices) > MAX_CHOICES:
        errors.add(
            (*at, "choices"), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CHOICES} or fewer in length."
        )
    for index, choice in enumerate(choices):
        length(errors, (*at, "choices", str(index), "name"), choice.get("name"), 1, 100)
        if isinstance(choice.get("value"), str):
            length(errors, (*at, "choices", str(index), "value"), choice["value"], 1, 100)
    if option.get("autocomplete"):
        if choices:
            errors.add(
                (*at, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES",
                "Autocomplete cannot be set for options with choices",
            )
        if option.get("type") not in AUTOCOMPLETE_TYPES:
            errors.add(
                (*at, "autocomplete"),
                "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID",
                "Autocomplete can only be set for string, integer and number options",
            )


def _characters(node: dict) -> int:
    """Names, descriptions and choices, counting each field's longest localization."""
    total = _longest(node, "name") + _longest(node, "description")
    for choice in node.get("choices") or []:
        total += _longest(choice, "name") + len(str(choice.get("value", "")))
    return total + sum(_characters(o) for o in node.get("options") or [] if isinstance(o, dict))


def _longest(node: dict, key: str) -> int:
    texts = [node.get(key) or "", *(node.get(f"{key}_localizations") or {}).values()]
    return max(len(str(t)) for t in texts)


# -- which check guards which route (keyed by the fake's handler names) ---------------------


def _sync(method: str, body: Any) -> Errors:
    if method == "PUT":
        return command_list_errors(body)
    return command_errors(body) if method == "POST" else Errors()


def _edit_command(method: str, body: Any) -> Errors:
    return command_errors(body or {}, partial=True) if method == "PATCH" else Errors()


def _message(method: str, body: Any) -> Errors:
    return message_errors(body or {}) if method in ("POST", "PATCH") else Errors()


def _thread(method: str, body: Any) -> Errors:
    body = body or {}
    errors = Errors()
    length(errors, ("name",), body.get("name"), 1, 100)
    if isinstance(body.get("message"), dict):  # a forum post's starter message
        errors.merge(("message",), message_errors(body["message"]))
    return errors


def _channel_edit(method: str, body: Any) -> Errors:
    errors = Errors()
    if method == "PATCH" and "name" in (body or {}):
        length(errors, ("name",), body["name"], 1, 100)
    return errors


def _callback(method: str, body: Any) -> Errors:
    return callback_errors(body or {})


def _refusal(check: Callable[[str, Any], Errors]) -> Check:
    def refuse(method: str, body: Any) -> dict | None:
        errors = check(method, body)
        return invalid_form_body(errors) if errors else None

    return refuse


CHECKS: dict[str, Check] = {
    "_commands": _refusal(_sync),
    "_command": _refusal(_edit_command),
    "_channel": _refusal(_channel_edit),
    "_channel_messages": _refusal(_message),
    "_message": _refusal(_message),
    "_thread_from_message": _refusal(_thread),
    "_thread_without_message": _refusal(_thread),
    "_callback": _refusal(_callback),
    "_followup": _refusal(_message),
    "_webhook_message": _refusal(_message),
}
