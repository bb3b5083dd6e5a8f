"""Field checks for playbook data; each failure names the file, the place and the field."""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeVar

from bot.core.base.clocks import optional_duration, parse_duration
from bot.core.base.model import CustomerKind, Reason
from bot.core.guidance.playbook import (
    FLAGS,
    OPTIONAL_VARIABLES,
    REQUIRED_LANGUAGES,
    TEMPLATE_VARIABLES,
    Condition,
    Selector,
    Text,
)
from playbooks.errors import PlaybookError

#: Step, suggestion, behaviour and playbook ids: stable kebab-case.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Extra languages beyond REQUIRED_LANGUAGES may be added under ISO 639 codes.
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}")
MAX_INTENSITY = 3

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Place:
    """Where a value sits (file and part of it), to name in errors."""

    file: str
    where: str

    def error(self, field: str, problem: str) -> PlaybookError:
        """Build the error for a bad field at this place."""
        return PlaybookError(self.file, self.where, field, problem)

    def at(self, where: str) -> Place:
        """Return another place in the same file."""
        return Place(self.file, where)


def check_keys(
    table: Mapping[str, Any],
    place: Place,
    required: Iterable[str],
    optional: Iterable[str] = (),
    prefix: str = "",
) -> None:
    """Refuse keys the format does not know (typos), then missing required keys."""
    required = tuple(required)
    known = sorted({*required, *optional})
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"expected one of {known}"
            raise place.error(prefix + key, f"unknown field; {hint}")
    for key in required:
        if key not in table:
            raise place.error(prefix + key, "missing required field")


def table(value: Any, place: Place, field: str) -> Mapping[str, Any]:
    """Return `value` if it is a TOML table."""
    if not isinstance(value, dict):
        raise place.error(field, f"expected a table, got {type_name(value)}")
    return value


def table_list(value: Any, place: Place, field: str) -> list[Mapping[str, Any]]:
    """Return `value` if it is an array of tables (`[[field]]`)."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise place.error(field, f"expected an array of tables [[{field}]]")
    return value


def text_value(value: Any, place: Place, field: str) -> str:
    """Return `value` if it is a non-empty string."""
    if not isinstance(value, str):
        raise place.error(field, f"expected a string, got {type_name(value)}")
    if not value.strip():
        raise place.error(field, "must not be empty")
    return value


def identifier(value: Any, place: Place, field: str) -> str:
    """Return `value` if it is a kebab-case id."""
    value = text_value(value, place, field)
    if not ID_PATTERN.fullmatch(value):
        raise place.error(field, f"'{value}' is not a kebab-case id (like 'take-offline')")
    return value


def strings(value: Any, place: Place, field: str) -> tuple[str, ...]:
    """Return `value` if it is an array of strings."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise place.error(field, f"expected an array of strings, got {type_name(value)}")
    return tuple(value)


def intensity(value: Any, place: Place, field: str) -> int:
    """Return `value` if it is an intensity from 0 to MAX_INTENSITY."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise place.error(field, f"expected an integer, got {type_name(value)}")
    if not 0 <= value <= MAX_INTENSITY:
        raise place.error(field, f"{value} is outside 0..{MAX_INTENSITY}")
    return value


def integer(value: Any, place: Place, field: str) -> int:
    """Return `value` if it is an integer."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise place.error(field, f"expected an integer, got {type_name(value)}")
    return value


def text(value: Any, place: Place, field: str) -> Text:
    """Return a text with every required language, each a valid template."""
    by_language = table(value, place, field)
    for language in REQUIRED_LANGUAGES:
        if language not in by_language:
            raise place.error(f"{field}.{language}", f"missing the '{language}' text")
    for language, wording in by_language.items():
        if not LANGUAGE_PATTERN.fullmatch(language):
            raise place.error(f"{field}.{language}", "unknown language code")
        check_template(text_value(wording, place, f"{field}.{language}"), place, field, language)
    return Text(dict(by_language))


def check_template(template: str, place: Place, field: str, language: str) -> None:
    """Refuse malformed braces and any placeholder outside TEMPLATE_VARIABLES."""
    where = f"{field}.{language}"
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise place.error(where, f"malformed braces ({exc}); write {{{{ }}}} for a brace") from exc
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in TEMPLATE_VARIABLES:
            allowed = " ".join(f"{{{v}}}" for v in sorted(TEMPLATE_VARIABLES))
            raise place.error(where, f"unknown placeholder {{{name}}}; allowed: {allowed}")
        if spec or conversion:
            raise place.error(where, f"placeholder {{{name}}} takes no format or conversion")


def wordings(raw: Mapping[str, Any], place: Place) -> tuple[Text, dict[str, Text]]:
    """A variant's text and its wordings for when Sereno lacks the agent's name or the
    contact channel: required where the text uses {agent} or {channel}, free of both."""
    main = text(raw["text"], place, "text")
    used = {
        name
        for wording in main.by_language.values()
        for name in template_fields(wording)
        if name in OPTIONAL_VARIABLES
    }
    if len(used) > 1:
        raise place.error("text", "use {agent} or {channel}, not both, in one reply")
    without: dict[str, Text] = {}
    for name in OPTIONAL_VARIABLES:
        field = f"without_{name}"
        if name in used and field not in raw:
            raise place.error(field, f"missing: the text uses {{{name}}}, which may be unknown")
        if field not in raw:
            continue
        if name not in used:
            raise place.error(field, f"not needed: the text does not use {{{name}}}")
        without[field] = text(raw[field], place, field)
        for language, wording in without[field].by_language.items():
            extra = template_fields(wording) & set(OPTIONAL_VARIABLES)
            if extra:
                shown = ", ".join(f"{{{e}}}" for e in sorted(extra))
                raise place.error(f"{field}.{language}", f"must not use {shown}")
    return main, without


def template_fields(template: str) -> set[str]:
    """The placeholder names in a template already checked by `check_template`."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def advice(value: Any, place: Place, field: str, advice_ids: frozenset[str]) -> tuple[str, ...]:
    """Return the advice ids, all of them known to the inventory."""
    ids = strings(value, place, field)
    for advice_id in ids:
        if advice_id not in advice_ids:
            raise place.error(field, f"unknown advice id '{advice_id}' (see advice.toml)")
    return ids


def members(value: Any, enum: type[E], place: Place, field: str) -> frozenset[E]:
    """Return the enum members named in an array of strings."""
    allowed = {member.value: member for member in enum}
    chosen: set[E] = set()
    for name in strings(value, place, field):
        if name not in allowed:
            raise place.error(field, f"unknown value '{name}'; expected one of {sorted(allowed)}")
        chosen.add(allowed[name])
    return frozenset(chosen)


def flags(value: Any, place: Place, field: str) -> frozenset[str]:
    """Return case flags, all of them in FLAGS."""
    names = strings(value, place, field)
    for name in names:
        if name not in FLAGS:
            raise place.error(field, f"unknown flag '{name}'; expected one of {sorted(FLAGS)}")
    return frozenset(names)


def condition(value: Any, place: Place) -> Condition:
    """Build a step condition from its `[steps.when]` table."""
    raw = table(value, place, "when")
    check_keys(raw, place, (), ("kinds", "reasons", "min_intensity", "flags"), "when.")
    return Condition(
        kinds=members(raw.get("kinds", []), CustomerKind, place, "when.kinds"),
        reasons=members(raw.get("reasons", []), Reason, place, "when.reasons"),
        min_intensity=intensity(raw.get("min_intensity", 0), place, "when.min_intensity"),
        flags=flags(raw.get("flags", []), place, "when.flags"),
    )


def selector(value: Any, place: Place) -> Selector:
    """Build a playbook selector from its `[selector]` table."""
    raw = table(value, place, "selector")
    check_keys(raw, place, (), ("reasons", "min_intensity", "channels", "priority"))
    channels = strings(raw.get("channels", []), place, "channels")
    for channel in channels:
        text_value(channel, place, "channels")
    return Selector(
        reasons=members(raw.get("reasons", []), Reason, place, "reasons"),
        min_intensity=intensity(raw.get("min_intensity", 0), place, "min_intensity"),
        channels=frozenset(channels),
        priority=integer(raw.get("priority", 0), place, "priority"),
    )


CLOCK_FIELDS = (
    "first_response",
    "stalled_after",
    "followup_after",
    "escalate_after",
    "improvement_after",
)


def clocks(value: Any, place: Place) -> dict[str, timedelta | None]:
    """Read a playbook's `[clocks]` overrides: durations like '10m', 'off' for optional ones."""
    raw = table(value, place, "clocks")
    check_keys(raw, place, (), CLOCK_FIELDS)
    found: dict[str, timedelta | None] = {}
    for name, duration in raw.items():
        text = text_value(duration, place, name)
        try:
            found[name] = (
                optional_duration(text) if name == "improvement_after" else parse_duration(text)
            )
        except ValueError as exc:
            raise place.error(name, str(exc)) from None
    return found


def type_name(value: Any) -> str:
    """Name a TOML value's type the way a data author would."""
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    names.update({list: "an array", dict: "a table"})
    return names.get(type(value), type(value).__name__)
