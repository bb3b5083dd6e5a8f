"""Platform-neutral message content: what the core asks adapters to show."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from json.encoder import encode_basestring as _q  # a JSON string, non-ASCII kept (C)
from typing import Any, NamedTuple

#: JSON without the spaces after "," and ":" (an outbox row is written for every post).
_COMPACT = (",", ":")


def _strings(items: Iterable[str]) -> str:
    """A JSON list of strings."""
    return "[" + ",".join(map(_q, items)) + "]"


def _maybe(text: str | None) -> str:
    """A JSON string, or null."""
    return "null" if text is None else _q(text)


class CardKind(StrEnum):
    HEADER = "header"
    STEP = "step"
    SUGGESTION = "suggestion"
    NOTICE = "notice"
    PING = "ping"
    REPORT = "report"
    #: The first post of a case's staff-only thread: the complaint, its author, a link.
    OPENER = "opener"
    #: An agent's reply to the customer, posted where the customer reads (the only kind
    #: that may go to a place customers read).
    REPLY = "reply"
    #: A customer's message shown in the staff-only thread.
    MIRROR = "mirror"


class ActionId(StrEnum):
    """Button ids, stable forever: they live in posted messages."""

    STEP_DONE = "sereno:step-done"
    STEP_SKIP = "sereno:step-skip"
    CLAIM = "sereno:claim"
    RESOLVE = "sereno:resolve"
    LET_GO = "sereno:letgo"
    OTHER_SUGGESTION = "sereno:suggest-other"
    #: "Reply…" under a suggestion: opens a form prefilled with it (value: case:suggestion).
    REPLY = "sereno:reply"
    #: The header's "Correct the reading…" menu (each option's value: case:part=value).
    CORRECT_READING = "sereno:reading"


class Action(NamedTuple):
    """A button: its id, what people read on it, the value it sends back. (A named tuple, as
    `MenuOption`: a case's cards make a few dozen of them, and a frozen dataclass is about
    twice as slow to make.)"""

    id: ActionId
    label: str
    value: str


class MenuOption(NamedTuple):
    """One choice of a menu: what the adapter sends back, what people read, its group."""

    value: str
    label: str
    #: The heading the option sits under ("Reason", "Intensity"); adapters may group by it.
    group: str = ""


@dataclass(frozen=True)
class Menu:
    """A single-choice menu under a message (a Slack select, a Discord string select)."""

    id: ActionId
    placeholder: str
    options: tuple[MenuOption, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, as `Card.from_json` reads it back."""
        options = [{"value": o.value, "label": o.label, "group": o.group} for o in self.options]
        return {"id": self.id, "placeholder": self.placeholder, "options": options}

    def to_json(self) -> str:
        """`to_dict` as compact JSON, written out directly (a header's menu has ~20 options)."""
        options = ",".join(
            f'{{"value":{_q(o.value)},"label":{_q(o.label)},"group":{_q(o.group)}}}'
            for o in self.options
        )
        return f'{{"id":{_q(self.id)},"placeholder":{_q(self.placeholder)},"options":[{options}]}}'


@dataclass(frozen=True)
class Attachment:
    """A file to post with a message: a case report, a CSV, a chart."""

    name: str
    mime: str
    data: bytes

    def to_dict(self) -> dict[str, str]:
        """JSON-ready (the bytes as base64)."""
        return {
            "name": self.name,
            "mime": self.mime,
            "data": base64.b64encode(self.data).decode("ascii"),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, str]) -> Attachment:
        """Rebuild from `to_dict`."""
        return cls(raw["name"], raw["mime"], base64.b64decode(raw["data"]))


@dataclass(frozen=True)
class Card:
    """A message: a title, a few short lines, an optional reply to copy, buttons."""

    kind: CardKind
    title: str
    lines: tuple[str, ...] = ()
    quote: str | None = None
    actions: tuple[Action, ...] = ()
    footer: str | None = None
    mentions: tuple[str, ...] = field(default=())
    attachment: Attachment | None = None
    #: (channel id, message id) of a message the adapter links to (the opener's complaint).
    source: tuple[str, str] | None = None
    #: A choice menu shown under the message (the header's reading correction).
    menu: Menu | None = None

    def to_json(self) -> str:
        """Serialise for the outbox: the JSON `json.dumps` gives of the fields as a dict
        (compact, non-ASCII kept), written out string by string, since a card is written
        for every post and building dicts to encode them cost more than the encoding."""
        actions = ",".join(
            f'{{"id":{_q(a.id)},"label":{_q(a.label)},"value":{_q(a.value)}}}' for a in self.actions
        )
        attachment = self.attachment
        attached = (
            "null"
            if attachment is None
            else json.dumps(attachment.to_dict(), ensure_ascii=False, separators=_COMPACT)
        )
        return "".join(
            (
                '{"kind":', _q(self.kind.value),
                ',"title":', _q(self.title),
                ',"lines":', _strings(self.lines),
                ',"quote":', _maybe(self.quote),
                ',"actions":[', actions,
                '],"footer":', _maybe(self.footer),
                ',"mentions":', _strings(self.mentions),
                ',"attachment":', attached,
                ',"source":', "null" if self.source is None else _strings(self.source),
                ',"menu":', "null" if self.menu is None else self.menu.to_json(),
                "}",
            )
        )  # fmt: skip

    @classmethod
    def from_json(cls, raw: str) -> Card:
        """Rebuild a card stored by `to_json`."""
        data: dict[str, Any] = json.loads(raw)
        return cls(
            kind=_KINDS.get(data["kind"]) or CardKind(data["kind"]),
            title=data["title"],
            lines=tuple(data.get("lines", ())),
            quote=data.get("quote"),
            actions=tuple(
                Action(_action_id(a["id"]), a["label"], a["value"]) for a in data.get("actions", ())
            ),
            footer=data.get("footer"),
            mentions=tuple(data.get("mentions", ())),
            attachment=Attachment.from_dict(data["attachment"]) if data.get("attachment") else None,
            source=(str(data["source"][0]), str(data["source"][1])) if data.get("source") else None,
            menu=_menu_from(data.get("menu")),
        )


def _menu_from(raw: dict[str, Any] | None) -> Menu | None:
    if not raw:
        return None
    return Menu(
        _action_id(raw["id"]),
        raw["placeholder"],
        tuple(MenuOption(o["value"], o["label"], o.get("group", "")) for o in raw["options"]),
    )


#: The enums by value: a stored card is read back for every post (the enum's own call, which
#: raises on an unknown value, is left for what these do not hold).
_KINDS = {kind.value: kind for kind in CardKind}
_ACTION_IDS = {action.value: action for action in ActionId}


def _action_id(value: str) -> ActionId:
    return _ACTION_IDS.get(value) or ActionId(value)


def render_text(card: Card) -> str:
    """Render a card as plain text (the console, and fallbacks in chat)."""
    parts = [card.title, *card.lines]
    if card.quote:
        parts.extend("> " + line for line in card.quote.splitlines())
    if card.footer:
        parts.append(card.footer)
    return "\n".join(parts)
