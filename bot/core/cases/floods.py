"""Flood containment: one author posting dozens of messages a minute opens only a few cases.

Past `EngineConfig.flood_cases_per_minute` new cases from one author (a customer, or a
forwarder bot posting as one sender) within a minute, their next top-level messages
join that author's latest open case as customer messages on its timeline (marked
`flood`). A flood goes on while its messages keep joining, and ends after a quiet
minute, so a steady stream opens no more than the limit in all. The lead is told once
per flood, by direct message; with no lead set, a log line says it.

Minutes are the author's own: each message counts at the time it was posted
(`Incoming.sent_at`, the processing clock when the adapter cannot say), kept on the case
as `posted_at` and on a flood message's timeline entry. Six complaints posted over the
hour Sereno was down, worked back to back at its restart, are six cases; twenty posted
within one minute are a flood however late they are worked. A message worked out of
order counts against the cases posted in the minute on either side of it.

Everything here runs inside the caller's transaction, and reads only what is stored,
so two processes sharing one store agree on it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import Case, EventKind
from bot.core.base.model import Incoming
from bot.core.base.outbox import DIRECT
from bot.core.base.store_port import CaseStore
from bot.core.cases.config import EngineConfig
from bot.core.texts import t

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=1)


def flood_target(
    store: CaseStore, config: EngineConfig, msg: Incoming, now: datetime, channel_id: str | None
) -> tuple[Case | None, int | None]:
    """The case this message joins because its author is flooding (None: open a case), and
    the id of the author's latest open case opened in `channel_id` (None: none, or no
    channel asked), for `merge`. One probe of the store (`flood_probe`) answers both; the
    case is read only when it is joined."""
    posted = posted_at(msg, now)
    latest, recent, last_flood, open_here = store.flood_probe(
        msg.platform, msg.author.user_id, posted - WINDOW, posted + WINDOW, channel_id
    )
    if latest is None:
        return None, open_here
    joining = last_flood is not None and last_flood >= posted - WINDOW
    if recent >= config.flood_cases_per_minute or joining:
        return store.get_case(latest), open_here
    return None, open_here


def join(store: CaseStore, config: EngineConfig, case: Case, msg: Incoming, now: datetime) -> None:
    """Put a flood message on the case's timeline; tell the lead when the flood begins."""
    posted = posted_at(msg, now)
    begins = not _joining(store, case, posted)
    append_joined(store, case, msg, now, "flood")
    if begins:
        _tell_lead(store, config, case, msg, now)


def posted_at(msg: Incoming, now: datetime) -> datetime:
    """When the author posted this message: the platform's word, else the clock's."""
    return msg.sent_at or now


def append_joined(store: CaseStore, case: Case, msg: Incoming, now: datetime, how: str) -> None:
    """A top-level message that joins `case` instead of opening one, on its timeline, with
    how it joined (`flood`, `joined`) and when it was posted."""
    details = {"text": msg.text, "message_id": msg.message_id, how: True}
    details["posted_at"] = posted_at(msg, now).isoformat()
    store.append_event(case.id, now, msg.author, EventKind.CUSTOMER_MESSAGE, details)


def _joining(store: CaseStore, case: Case, posted: datetime) -> bool:
    """Whether a flood message joined this case within the minute (of posting time) before
    `posted`: the flood goes on."""
    last = store.last_event(case.id, EventKind.CUSTOMER_MESSAGE)
    if last is None or not last.details.get("flood"):
        return False
    stamp = last.details.get("posted_at")
    last_posted = datetime.fromisoformat(stamp) if isinstance(stamp, str) else last.at
    return last_posted >= posted - WINDOW


def _tell_lead(
    store: CaseStore, config: EngineConfig, case: Case, msg: Incoming, now: datetime
) -> None:
    limit = config.flood_cases_per_minute
    lead = config.leads.get(msg.platform)
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
    lang = config.guidance.agent_language
    title = t("flood.title", lang, who=msg.author.name, limit=limit)
    lines = (t("flood.joined", lang, ref=case.ref), t("flood.check", lang, ref=case.ref))
    store.enqueue_to(msg.platform, DIRECT + lead, None, Card(CardKind.NOTICE, title, lines), now)
