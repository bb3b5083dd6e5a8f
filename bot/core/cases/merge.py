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


def open_case_of(store: CaseStore, msg: Incoming) -> Case | None:
    """The open case this message's author has in its channel, which it joins (None: none)."""
    if msg.thread_id is not None:
        return None
    return store.open_case_in_channel(msg.platform, msg.channel_id, msg.author.user_id)


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
