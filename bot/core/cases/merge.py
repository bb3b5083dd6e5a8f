"""A customer who writes again: a new top-level message from a customer who has an open
case in that channel joins that case instead of opening a second one. The case's thread
says so and its timeline keeps the message (a customer message marked `joined`); an agent
who reads a new complaint in it splits it off (`split`), and it becomes a case of its own.

`join` runs inside the engine's `open_case` transaction; `split` (its own module, as it
drives the engine) opens the new case through the engine, so it is read and guided like
any complaint.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import Case, Event, EventKind
from bot.core.base.model import Incoming
from bot.core.base.store_port import CaseStore
from bot.core.cases.config import EngineConfig
from bot.core.cases.floods import append_joined
from bot.core.texts import t

_QUOTED = 300  # the notice quotes the message's start; the timeline keeps all of it


def channel_to_join(msg: Incoming) -> str | None:
    """The channel in which the author's open case is looked for: the message's, when it
    is top-level (None: a message in a thread joins nothing)."""
    return msg.channel_id if msg.thread_id is None else None


def open_case_of(store: CaseStore, case_id: int | None) -> Case | None:
    """The open case a message joins, by the id the flood probe found for `channel_to_join`
    (None: none)."""
    return store.get_case(case_id) if case_id is not None else None


def join(store: CaseStore, config: EngineConfig, case: Case, msg: Incoming, now: datetime) -> None:
    """Put the message on the case's timeline and tell the case's thread how to split it."""
    append_joined(store, case, msg, now, "joined")
    lang = config.guidance.agent_language
    who = msg.author.name or msg.author.user_id
    key = "joined.split_slack" if case.platform == "slack" else "joined.split"
    how = t(key, lang, ref=case.ref)
    quote = msg.text if len(msg.text) <= _QUOTED else msg.text[:_QUOTED] + "…"
    title = t("joined.title", lang, who=who, ref=case.ref)
    store.enqueue(case, Card(CardKind.NOTICE, title, (how,), quote=quote), now)


def latest_joined(events: list[Event]) -> Event | None:
    """The latest message that joined the case and has not been split off yet."""
    split_off = {e.details.get("message_id") for e in events if e.kind is EventKind.SPLIT}
    joined = [
        e
        for e in events
        if e.kind is EventKind.CUSTOMER_MESSAGE
        and e.details.get("joined")
        and e.details.get("message_id") not in split_off
    ]
    return joined[-1] if joined else None
