"""Discord's limits on messages, embeds, components and interaction answers, and the
``errors`` tree Discord answers with (``{"content": {"_errors": [{code, message}]}}``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CONTENT = 2000
EMBEDS, EMBED_CHARS = 10, 6000
TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE = 256, 4096, 25, 256, 1024
FOOTER, AUTHOR = 2048, 256
ROWS, ROW_WIDTH, CUSTOM_ID, LABEL = 5, 5, 100, 80
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT, LINK_STYLE = 1, 2, 3, 4, 5
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})  # string, user, role, mentionable, channel
SELECT_OPTIONS, OPTION_TEXT, PLACEHOLDER, MAX_VALUES = 25, 100, 150, 25
COMPONENTS_V2 = 1 << 15  # another layout with other rules; Sereno does not use it
AUTOCOMPLETE_CHOICES = 25
MODAL_TITLE, MODAL_INPUTS, INPUT_LABEL, INPUT_VALUE = 45, 5, 45, 4000
MAX_MENTION_IDS = 100


class Errors:
    """Discord's ``errors`` tree: paths of keys (indexes as strings) down to ``_errors``."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self.tree)

    def add(self, path: Iterable[str], code: str, message: str) -> None:
        """One error at ``path`` (``()`` is the body itself)."""
        node = self.tree
        for key in path:
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def merge(self, path: Iterable[str], other: Errors) -> None:
        """Another tree's errors, under ``path``."""
        prefix = tuple(path)
        for where, found in _leaves(other.tree, ()):
            for error in found:
                self.add((*prefix, *where), error["code"], error["message"])

    def paths(self) -> list[str]:
        """Where the errors are, dotted as discord.py prints them (``0.options.1.choices``)."""
        return [".".join(where) for where, _ in _leaves(self.tree, ())]


def _leaves(node: dict, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], list[dict]]]:
    found = [(path, node["_errors"])] if "_errors" in node else []
    for key, child in node.items():
        if key != "_errors":
            found += _leaves(child, (*path, key))
    return found


def length(errors: Errors, path: tuple[str, ...], value: Any, low: int, high: int) -> bool:
    """Check a required (``low`` ≥ 1) or optional string's length; True when it is fine."""
    if value is None and low == 0:
        return True
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return False
    if low <= len(value) <= high:
        return True
    if low == 0:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")
    else:
        errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
    return False


def _at_most(errors: Errors, path: tuple[str, ...], items: list, high: int) -> None:
    if len(items) > high:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")


def message_errors(body: dict) -> Errors:
    """A message create or edit body (channel, webhook or interaction answer)."""
    errors = Errors()
    length(errors, ("content",), body.get("content"), 0, CONTENT)
    embeds = body.get("embeds") or []
    _at_most(errors, ("embeds",), embeds, EMBEDS)
    for index, embed in enumerate(embeds):
        _embed(errors, ("embeds", str(index)), embed)
    if sum(_embed_chars(e) for e in embeds) > EMBED_CHARS:
        errors.add(
            ("embeds",),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_CHARS}",
        )
    if not (body.get("flags") or 0) & COMPONENTS_V2:
        _rows(errors, body.get("components") or [])
    _allowed_mentions(errors, body.get("allowed_mentions"))
    return errors


def _embed(errors: Errors, at: tuple[str, ...], embed: dict) -> None:
    length(errors, (*at, "title"), embed.get("title"), 0, TITLE)
    length(errors, (*at, "description"), embed.get("description"), 0, DESCRIPTION)
    fields = embed.get("fields") or []
    _at_most(errors, (*at, "fields"), fields, FIELDS)
    for index, field in enumerate(fields):
        length(errors, (*at, "fields", str(index), "name"), field.get("name"), 1, FIELD_NAME)
        length(errors, (*at, "fields", str(index), "value"), field.get("value"), 1, FIELD_VALUE)
    if embed.get("footer"):
        length(errors, (*at, "footer", "text"), embed["footer"].get("text"), 1, FOOTER)
    if embed.get("author"):
        length(errors, (*at, "author", "name"), embed["author"].get("name"), 1, AUTHOR)


def _embed_chars(embed: dict) -> int:
    parts = [embed.get("title"), embed.get("description")]
    parts += [(embed.get("footer") or {}).get("text"), (embed.get("author") or {}).get("name")]
    for field in embed.get("fields") or []:
        parts += [field.get("name"), field.get("value")]
    return sum(len(p) for p in parts if isinstance(p, str))


def _rows(errors: Errors, rows: list) -> None:
    _at_most(errors, ("components",), rows, ROWS)
    seen: set[str] = set()
    for index, row in enumerate(rows):
        at = ("components", str(index))
        if row.get("type") != ACTION_ROW:
            errors.add((*at, "type"), "UNION_TYPE_CHOICES", "Value must be an action row")
            continue
        items = row.get("components") or []
        width = sum(1 if c.get("type") == BUTTON else ROW_WIDTH for c in items)
        if not items or width > ROW_WIDTH:
            errors.add(
                (*at, "components"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {ROW_WIDTH} in length.",
            )
        for spot, item in enumerate(items):
            _component(errors, (*at, "components", str(spot)), item)
            if item.get("custom_id") in seen:
                errors.add(
                    (*at, "components", str(spot), "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(item.get("custom_id"))


def _component(errors: Errors, at: tuple[str, ...], item: dict) -> None:
    if item.get("type") == BUTTON:
        length(errors, (*at, "label"), item.get("label"), 0, LABEL)
        if item.get("style") == LINK_STYLE:
            return
    elif item.get("type") in SELECT_TYPES:
        _select(errors, at, item)
    length(errors, (*at, "custom_id"), item.get("custom_id"), 1, CUSTOM_ID)


def _select(errors: Errors, at: tuple[str, ...], item: dict) -> None:
    """A select menu (Discord's "Select Menus" reference): placeholder ≤ 150, min_values
    0–25 and max_values 1–25 (min ≤ max); a string select holds 1–25 options, each
    label and value 1–100 characters, description ≤ 100, values unique, and max_values
    no more than its options."""
    length(errors, (*at, "placeholder"), item.get("placeholder"), 0, PLACEHOLDER)
    low, high = item.get("min_values", 1), item.get("max_values", 1)
    if not isinstance(low, int) or not 0 <= low <= MAX_VALUES:
        errors.add((*at, "min_values"), "NUMBER_TYPE_MAX", f"int value should be <= {MAX_VALUES}.")
    if not isinstance(high, int) or not 1 <= high <= MAX_VALUES:
        errors.add((*at, "max_values"), "NUMBER_TYPE_MAX", f"int value should be <= {MAX_VALUES}.")
    elif isinstance(low, int) and low > high:
        errors.add((*at, "min_values"), "SELECT_COMPONENT_MIN_VALUES_TOO_HIGH", "min > max")
    if item.get("type") != STRING_SELECT:
        return
    options = item.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= SELECT_OPTIONS:
        errors.add(
            (*at, "options"),
            "BASE_TYPE_BAD_LENGTH",
            f"Must be between 1 and {SELECT_OPTIONS} in length.",
        )
        return
    if isinstance(high, int) and high > len(options):
        errors.add(
            (*at, "max_values"),
            "SELECT_COMPONENT_TOO_MANY_VALUES",
            "max_values is more than the number of options",
        )
    seen: set[Any] = set()
    for index, option in enumerate(options):
        where = (*at, "options", str(index))
        length(errors, (*where, "label"), option.get("label"), 1, OPTION_TEXT)
        length(errors, (*where, "value"), option.get("value"), 1, OPTION_TEXT)
        length(errors, (*where, "description"), option.get("description"), 0, OPTION_TEXT)
        if option.get("value") in seen:
            errors.add(
                (*where, "value"),
                "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                "Select option values must be unique",
            )
        seen.add(option.get("value"))


def _allowed_mentions(errors: Errors, allowed: Any) -> None:
    """``parse`` may not name a kind whose ids are also listed."""
    if not isinstance(allowed, dict):
        return
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        ids = allowed.get(kind)
        if ids is None:
            continue
        if kind in parse:
            errors.add(
                ("allowed_mentions",),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )
        _at_most(errors, ("allowed_mentions", kind), ids, MAX_MENTION_IDS)


def callback_errors(body: dict) -> Errors:
    """An interaction callback: a message (4, 7), autocomplete choices (8) or a modal (9)."""
    errors = Errors()
    kind, data = body.get("type"), body.get("data") or {}
    if kind in (4, 7):
        errors.merge(("data",), message_errors(data))
    elif kind == 8:
        choices = data.get("choices") or []
        _at_most(errors, ("data", "choices"), choices, AUTOCOMPLETE_CHOICES)
        for index, choice in enumerate(choices):
            length(errors, ("data", "choices", str(index), "name"), choice.get("name"), 1, 100)
            if isinstance(choice.get("value"), str):
                length(errors, ("data", "choices", str(index), "value"), choice["value"], 0, 100)
    elif kind == 9:
        _modal(errors, data)
    return errors


def _modal(errors: Errors, data: dict) -> None:
    from .discord_modals import input_errors  # it builds on this module's Errors

    length(errors, ("data", "title"), data.get("title"), 1, MODAL_TITLE)
    length(errors, ("data", "custom_id"), data.get("custom_id"), 1, CUSTOM_ID)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= MODAL_INPUTS:
        errors.add(
            ("data", "components"),
            "BASE_TYPE_BAD_LENGTH",
            f"Must be between 1 and {MODAL_INPUTS} in length.",
        )
    for index, row in enumerate(rows):
        for spot, item in enumerate(row.get("components") or [row.get("component") or {}]):
            at = ("data", "components", str(index), "components", str(spot))
            if item.get("type") != TEXT_INPUT:
                continue
            length(errors, (*at, "custom_id"), item.get("custom_id"), 1, CUSTOM_ID)
            length(errors, (*at, "label"), item.get("label"), 0, INPUT_LABEL)
            length(errors, (*at, "value"), item.get("value"), 0, INPUT_VALUE)
            input_errors(errors, at, item)
