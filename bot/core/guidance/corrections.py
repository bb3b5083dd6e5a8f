"""The parts of a reading an agent may correct, their values, and the header's menu.

Reason, intensity and kind are offered in the header's "Correct the reading…" menu
(19 options: Discord allows 25); subject and threats are corrected by command. A
corrected part is marked in the header with who corrected it (`Reading.corrected`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache

from bot.core.base.cards import ActionId, Menu, MenuOption
from bot.core.base.case import Case
from bot.core.base.model import CustomerKind, Reading, Reason, Subject
from bot.core.guidance.playbook import ReadingRules
from bot.core.texts import name, t

#: Every part, in the order they are shown and counted.
PARTS = ("reason", "intensity", "kind", "subject", "threats")
#: The parts the header's menu offers (one option per value).
MENU_PARTS = ("reason", "intensity", "kind")
#: What a customer may threaten, as the reading's flags name it ("leave" → leave-threat).
THREATS = ("leave", "public", "legal")
NO_THREATS = "none"
#: The most options a menu may carry on every platform (Discord's limit).
MAX_OPTIONS = 25


def part_values(part: str) -> tuple[str, ...]:
    """The values a part may take (threats: each threat; a correction lists several)."""
    if part == "reason":
        return tuple(r.value for r in Reason)
    if part == "intensity":
        return ("0", "1", "2", "3")
    if part == "kind":
        return tuple(k.value for k in CustomerKind)
    if part == "subject":
        return tuple(s.value for s in Subject)
    if part == "threats":
        return (*THREATS, NO_THREATS)
    return ()


def threats_of(reading: Reading) -> tuple[str, ...]:
    """The threats a reading holds, in `THREATS` order."""
    return tuple(x for x in THREATS if f"{x}-threat" in reading.flags)


def current_value(reading: Reading, part: str) -> str:
    """A part's value as stored ("billing", "2", "leave,legal", "none")."""
    if part == "intensity":
        return str(reading.intensity)
    if part == "threats":
        return ",".join(threats_of(reading)) or NO_THREATS
    return str(getattr(reading, part).value)


def value_name(part: str, value: str, rules: ReadingRules | None, lang: str) -> str:
    """A part's value as people read it in `lang` ("facturación", "2", "irse, legal")."""
    if part == "reason":
        return name("reason", value, lang)
    if part == "kind":
        return name("kind", value, lang)
    if part == "subject":
        known = rules is not None and value in part_values("subject")
        rule = rules.subjects.get(Subject(value)) if known and rules else None
        return rule.name.get(lang) if rule else value
    if part == "threats":
        return ", ".join(t(f"correction.threat.{x}", lang) for x in value.split(","))
    return value


def part_name(part: str, lang: str) -> str:
    """A part's name in `lang` ("reason", "motivo")."""
    return t(f"correction.part.{part}", lang)


def corrected_by(reading: Reading, part: str) -> str | None:
    """Who corrected a part of the reading, if anyone did (the latest)."""
    if not reading.corrected:  # a new reading: the header asks five times
        return None
    return next((by for p, by in reversed(reading.corrected) if p == part), None)


def marked(reading: Reading, part: str, lang: str) -> str:
    """' (corrected by ana)' when an agent corrected `part`, else ''."""
    by = corrected_by(reading, part)
    return f" ({t('correction.by', lang, by=by)})" if by else ""


def marked_value(reading: Reading, part: str, lang: str, value: str) -> str:
    """' · intensity: 2 (corrected by ana)' when an agent corrected `part`, else ''."""
    by = marked(reading, part, lang)
    return f" · {part_name(part, lang)}: {value}{by}" if by else ""


def reading_menu(case: Case, lang: str) -> Menu:
    """The header's menu: one option per value of reason, intensity and kind; the
    current value is ticked. Each value is "{case}:{part}={value}"."""
    current = tuple(current_value(case.reading, part) for part in MENU_PARTS)
    prefix = f"{case.id}:"
    options = tuple(
        MenuOption(prefix + choice, label, group) for choice, label, group in _ticked(lang, current)
    )
    assert len(options) <= MAX_OPTIONS
    return Menu(ActionId.CORRECT_READING, t("correction.placeholder", lang), options)


@lru_cache(maxsize=512)  # a few hundred (reason, intensity, kind) at most
def _ticked(lang: str, current: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """("{part}={value}", label, group) of every option, the `current` values (one per
    `MENU_PARTS`) ticked: the same for every header with that reading."""
    now = dict(zip(MENU_PARTS, current, strict=True))
    return tuple(
        (f"{part}={value}", (label + " ✓" if value == now[part] else label)[:75], group)
        for part, value, label, group in _menu_choices(lang)
    )


@cache
def _menu_choices(lang: str) -> tuple[tuple[str, str, str, str], ...]:
    """(part, value, label, group) of every option of the menu in `lang`, before the tick:
    the same for every header, so worked out once per language."""
    choices = []
    for part in MENU_PARTS:
        group = part_name(part, lang)
        for value in part_values(part):
            choices.append((part, value, f"{group}: {value_name(part, value, None, lang)}", group))
    return tuple(choices)


def said_value(part: str, raw: object, lang: str) -> str:
    """A stored value of a part as a sentence says it ("facturación", "irse, legal")."""
    value = str(raw if raw is not None else "?")
    if part in ("reason", "kind"):
        return name(part, value, lang)
    if part == "threats":
        return ", ".join(name("correction.threat", v, lang) for v in value.split(","))
    return value


def correction_sentence(actor: str, details: Mapping[str, object], lang: str) -> str:
    """The timeline's sentence for a correction: "ana corrected the reading: reason …"."""
    part = str(details.get("part", "?"))
    return t(
        "timeline.reading_corrected",
        lang,
        actor=actor,
        part=part_name(part, lang) if part in PARTS else part,
        **{"from": said_value(part, details.get("from"), lang)},
        to=said_value(part, details.get("to"), lang),
    )
