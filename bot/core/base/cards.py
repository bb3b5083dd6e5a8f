"""Platform-neutral message content: what the core asks adapters to show."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: JSON without the spaces after "," and ":" (an outbox row is written for every post).
_COMPACT = (",", ":")


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


@dataclass(frozen=True)
class Action:
    id: ActionId
    label: str
    value: str


@dataclass(frozen=True)
class MenuOption:
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
        """Serialise for the outbox (by hand: `dataclasses.asdict` deep-copies every field)."""
        menu = self.menu
        data = {
            "kind": self.kind.value,
            "title": self.title,
            "lines": self.lines,
            "quote": self.quote,
            "actions": [{"id": a.id, "label": a.label, "value": a.value} for a in self.actions],
            "footer": self.footer,
            "mentions": self.mentions,
            "attachment": self.attachment.to_dict() if self.attachment else None,
            "source": self.source,
            "menu": None if menu is None else menu.to_dict(),
        }
        return json.dumps(data, ensure_ascii=False, separators=_COMPACT)

    @classmethod
    def from_json(cls, raw: str) -> Card:
        """Rebuild a card stored by `to_json`."""
        data: dict[str, Any] = json.loads(raw)
        return cls(
            kind=CardKind(data["kind"]),
            title=data["title"],
            lines=tuple(data.get("lines", ())),
            quote=data.get("quote"),
            actions=tuple(
                Action(ActionId(a["id"]), a["label"], a["value"]) for a in data.get("actions", ())
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
        ActionId(raw["id"]),
        raw["placeholder"],
        tuple(MenuOption(o["value"], o["label"], o.get("group", "")) for o in raw["options"]),
    )


def render_text(card: Card) -> str:
    """Render a card as plain text (the console, and fallbacks in chat)."""
    parts = [card.title, *card.lines]
    if card.quote:
        parts.extend("> " + line for line in card.quote.splitlines())
    if card.footer:
        parts.append(card.footer)
    return "\n".join(parts)
