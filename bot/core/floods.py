"""Flood containment: one author posting dozens of messages a minute opens only a few cases.

Past `EngineConfig.flood_cases_per_minute` new cases from one author (a customer, or a
forwarder bot posting as one sender) in the last minute, their next top-level messages
join that author's latest open case as customer messages on its timeline (marked
`flood`). A flood goes on while its messages keep joining, and ends after a quiet
minute, so a steady stream opens no more than the limit in all. The lead is told once
per flood, by direct message; with no lead set, a log line says it.

Everything here runs inside the caller's transaction, and reads only what is stored,
so two processes sharing one store agree on it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.cards import Card, CardKind
from bot.core.case import Case, EventKind
from bot.core.model import Incoming
from bot.core.outbox import DIRECT

if TYPE_CHECKING:
    from bot.core.engine import Engine

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=1)


def flood_target(engine: Engine, msg: Incoming, now: datetime) -> Case | None:
    """The case this message joins because its author is flooding; None: open a case."""
    store, author = engine.store, msg.author.user_id
    latest = store.latest_case_of(msg.platform, author)
    if latest is None:
        return None
    recent = store.cases_opened_by(msg.platform, author, now - WINDOW)
    if recent >= engine.config.flood_cases_per_minute:
        return latest
    return latest if _joining(engine, latest, now) else None


def join(engine: Engine, case: Case, msg: Incoming, now: datetime) -> None:
    """Put a flood message on the case's timeline; tell the lead when the flood begins."""
    begins = not _joining(engine, case, now)
    engine.store.append_event(
        case.id,
        now,
        msg.author,
        EventKind.CUSTOMER_MESSAGE,
        {"text": msg.text, "message_id": msg.message_id, "flood": True},
    )
    if begins:
        _tell_lead(engine, case, msg, now)


def _joining(engine: Engine, case: Case, now: datetime) -> bool:
    """Whether a flood joined this case within the last minute (the flood goes on)."""
    last = engine.store.last_event(case.id, EventKind.CUSTOMER_MESSAGE)
    return last is not None and bool(last.details.get("flood")) and last.at >= now - WINDOW


def _tell_lead(engine: Engine, case: Case, msg: Incoming, now: datetime) -> None:
    limit = engine.config.flood_cases_per_minute
    lead = engine.config.leads.get(msg.platform)
    if lead is None:  # no lead, or a group: a log line; names stay out of it
        log.warning(
            "Flood on %s: the author of case %s opened %d cases within a minute; their "
            "next messages join %s until a quiet minute (no lead who is one person to tell)",
            msg.platform,
            case.ref,
            limit,
            case.ref,
        )
        return
    title = engine.say("flood.title", who=msg.author.name, limit=limit)
    lines = (engine.say("flood.joined", ref=case.ref), engine.say("flood.check", ref=case.ref))
    engine.store.enqueue_to(
        msg.platform, DIRECT + lead, None, Card(CardKind.NOTICE, title, lines), now
    )
