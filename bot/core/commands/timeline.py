"""The timeline as sentences in the agents' language: "ana marked “Pause” done with ✅".

Each EventKind has its sentence `timeline.<kind>` in every catalogue; what a person
wrote (a note, a summary, a message) is shown whole, never cut.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.core.base.case import Event, EventKind
from bot.core.guidance.corrections import said_value
from bot.core.texts import Translator

#: How a time stored in an entry's details is shown (the views' time stamp).
Stamp = Callable[[datetime], str]
_REACTION_EMOJI = {EventKind.STEP_DONE: "✅", EventKind.STEP_SKIPPED: "⏩"}
#: Changes of status, followed by the agent's summary or reason when they gave one.
_WHY = frozenset({"resolved", "closed", "let_go", "reopened", "dismissed"})
_PARTS = frozenset({"reason", "intensity", "kind", "subject", "threats"})


def sentence(event: Event, texts: Translator, titles: dict[str, str], stamp: Stamp) -> str:
    """What the entry says happened; `titles` names steps by id in the agents' language."""
    d = event.details
    values: dict[str, Any] = {"actor": event.actor_name or event.actor_id}
    kind = event.kind
    key = f"timeline.{kind.value}"
    tail = ""
    if kind in (EventKind.STEP_DONE, EventKind.STEP_UNDONE, EventKind.STEP_SKIPPED):
        values["step"] = titles.get(str(d.get("step", "")), str(d.get("step", "?")))
        values["via"] = _via(kind, str(d.get("via", "")), texts)
    elif kind is EventKind.CUSTOMER_MESSAGE:
        key += "_other" if d.get("role") == "other" else "_joined" if d.get("joined") else ""
        values["text"] = _whole(d.get("text"))
    elif kind.value == "split":  # from the case split off, or on the new case
        key += "_from" if "from_case" in d else ""
        values.update(case=d.get("case", "?"), from_case=d.get("from_case", "?"))
    elif kind is EventKind.MESSAGE_EDITED:
        values["text"] = _whole(d.get("new_text"))
    elif kind is EventKind.REPLY_SENT:
        key += "_copied" if d.get("via") == "copied" else ""
        values["text"] = _whole(d.get("text"))
    elif kind is EventKind.SUGGESTION_SHOWN:
        values["suggestion"] = d.get("suggestion", "?")
    elif kind is EventKind.REACTION_IGNORED:
        values["emoji"] = d.get("emoji", "")
        values["step"] = titles.get(str(d.get("step", "")), str(d.get("step", "?")))
    else:
        tail = _details(kind, d, values, texts, titles, stamp)
    if not texts.has(key):  # a kind newer than the catalogues: its name, never raw details
        return f"{values['actor']}: {texts.name('event', kind.value)}"
    said = texts.catalogue.gettext(key).format_map(_Known(values))
    return said + (f": {tail}" if tail else "")


def _details(
    kind: EventKind,
    d: dict[str, Any],
    values: dict[str, Any],
    texts: Translator,
    titles: dict[str, str],
    stamp: Stamp,
) -> str:
    """Fill `values` for the remaining kinds; the optional text that follows, if any."""
    if kind is EventKind.ASSIGNED:
        values["assignee"] = d.get("assignee", "?")
    elif kind in (EventKind.NOTE, EventKind.AGENT_MESSAGE, EventKind.REPLY_QUEUED):
        values["text"] = _whole(d.get("text"))
    elif kind is EventKind.ANGER_RISING:
        values["intensity"] = d.get("intensity", "?")
        return _whole(d.get("evidence"))
    elif kind is EventKind.FOLLOWUP_SET:
        values["due"] = _moment(d.get("due"), stamp)
        return _whole(d.get("note"))
    elif kind is EventKind.FLAG_SET:
        values["flag"] = d.get("flag", "?")
        added = [titles.get(s, s) for s in d.get("new_steps") or ()]
        return texts("timeline.new_steps", steps=", ".join(added)) if added else ""
    elif kind.value in _WHY:
        return _whole(d.get("text"))
    elif kind.value.startswith("reminder_"):
        values["kind"] = texts.name("clock", str(d.get("kind", "")))
        values["until"] = _moment(d.get("until"), stamp)
        late = d.get("late")
        return texts("timeline.late", late=late) if late and kind is EventKind.REMINDER_SENT else ""
    elif kind is EventKind.REMEDY:
        values["type"] = texts.name("remedy", str(d.get("type", "")))
        values.update(amount=d.get("amount", "?"), currency=d.get("currency", ""))
        return _whole(d.get("note"))
    elif kind is EventKind.SATISFACTION:
        values["score"] = d.get("score", "?")
        return _whole(d.get("comment"))
    elif kind is EventKind.READING_CORRECTED:
        part = str(d.get("part", "?"))
        values["part"] = texts(f"correction.part.{part}") if part in _PARTS else part
        values["from"] = said_value(part, d.get("from"), texts.language)
        values["to"] = said_value(part, d.get("to"), texts.language)
    elif kind is EventKind.DELIVERY_FAILED:
        values["message"] = d.get("message", "?")
        return _whole(d.get("error"))
    return ""


class _Known(dict[str, Any]):
    """The values an entry had: an old entry missing one shows "?" rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def _via(kind: EventKind, via: str, texts: Translator) -> str:
    """How the step was marked: " with ✅", " with a command"... (empty if unknown)."""
    if via == "reaction" and kind is EventKind.STEP_UNDONE:
        return texts("timeline.via.reaction_removed")
    if via == "reaction":
        return texts("timeline.via.reaction", emoji=_REACTION_EMOJI.get(kind, "✅"))
    key = f"timeline.via.{via}"
    return texts(key) if via and texts.has(key) else ""


def _moment(raw: Any, stamp: Stamp) -> str:
    """A stored ISO time as the views show times; the raw text if it is not one."""
    try:
        return stamp(datetime.fromisoformat(str(raw)))
    except ValueError:
        return str(raw or "?")


def _whole(text: Any) -> str:
    """What someone wrote, on one line, never cut."""
    return " ".join(str(text or "").split())
