"""An agent's reply to the customer: drafted from a suggestion, edited, sent by the agent.

Sereno never speaks to a customer on its own. A reply reaches the customer only
when an agent sends it (the "Reply…" form on a suggestion, or the console's
`/reply`), and it goes where the customer reads: the thread of their complaint,
signed with the agent's name. It is the one kind of message (`CardKind.REPLY`)
that may go to a place customers read; everything else stays with the team.

The reply counts as the agent's first response when the platform accepts it:
`accepted` runs in the same transaction that marks the outbox row sent, records
the reply on the timeline, stops the first-response clock and tells the team
"sent by ana" in the case's staff thread. A complaint that came in through a
forwarder (email, web form) is answered outside the chat: "copy and mark as
sent" records the reply as sent at once and posts nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import Case, EventKind
from bot.core.base.model import Actor
from bot.core.base.outbox import OutboxItem
from bot.core.cases.engine import Engine, Reply
from bot.core.guidance.guide import notice_card
from bot.core.guidance.wording import offers_typed, reply_text

_BLANK = re.compile(r"\[[^\[\]\n]{1,40}\]")
#: The longest reply: Slack's text input holds 3,000 characters (Discord's 4,000).
MAX_REPLY = 3000


@dataclass(frozen=True)
class Draft:
    """What the reply form opens with."""

    case_id: int
    suggestion_id: str | None
    text: str
    #: The complaint came in by a forwarder: offer "copy and mark as sent".
    may_copy: bool


def draft(
    engine: Engine,
    case: Case,
    suggestion_id: str | None,
    agent_name: str | None = None,
    may_copy: bool = False,
) -> Draft:
    """The suggestion's text for this customer, in their language, signed by `agent_name`
    (else the case's assignee); empty when the suggestion is unknown."""
    playbook = engine.playbook_for(case)
    suggestion = playbook.suggestions.get(suggestion_id or "")
    text = ""
    if suggestion is not None:
        text = reply_text(
            case,
            suggestion,
            engine.library.rules,
            engine.config.guidance.contact_channel,
            agent_name or case.assignee_name,
            offers_typed(engine.store.events(case.id)),
        )
    return Draft(case.id, suggestion_id if suggestion else None, text[:MAX_REPLY], may_copy)


def send(
    engine: Engine,
    case: Case,
    actor: Actor,
    text: str,
    suggestion_id: str | None = None,
    *,
    copied: bool = False,
    limit: int = MAX_REPLY,
) -> Reply:
    """Send `text` to the customer as `actor`'s reply (or, `copied`, record that the agent
    sent it themselves). The actor is told what happens; nothing is posted on refusal.
    `limit` is the platform's longest reply when shorter than `MAX_REPLY` (Discord's
    message holds 2,000 characters, the signature included)."""
    refused = engine.check_agent(case, actor)
    if refused is not None:
        return refused
    text = text.strip()
    problem = text_problem(engine, text, limit)
    if problem is not None:
        return Reply(problem, ok=False, case_id=case.id)
    now = engine.clock.now()
    with engine.store.atomic():
        if copied:
            _record(engine, case, actor, text, suggestion_id, now, via="copied")
        else:
            row = engine.store.enqueue(case, reply_card(text, actor.name), now)
            engine._event(
                case,
                actor,
                EventKind.REPLY_QUEUED,
                text=text,
                suggestion=suggestion_id or "",
                outbox=row,
            )
    engine.notify()
    key = "answer.copied" if copied else "answer.queued"
    return Reply(engine.say(key, ref=case.ref), case_id=case.id)


def text_problem(engine: Engine, text: str, limit: int = MAX_REPLY) -> str | None:
    """Why `text` cannot go to a customer as it is (empty, too long, a blank left), told
    in the agents' language; None when it can. Needs no case: a form checks it at once."""
    text = text.strip()
    if not text:
        return engine.say("answer.empty")
    limit = min(limit, MAX_REPLY)
    if len(text) > limit:
        return engine.say("answer.too_long", length=len(text), limit=limit)
    blanks = unfilled(text)
    if blanks:
        return engine.say("answer.unfilled", blanks=", ".join(blanks))
    return None


def unfilled(text: str) -> list[str]:
    """The suggestion's blanks still in the text ("[option A]", "[your name]"): a reply
    with one would show the customer a template."""
    return list(dict.fromkeys(_BLANK.findall(text)))


def reply_card(text: str, agent_name: str) -> Card:
    """The customer's message: the agent's text, signed."""
    return Card(CardKind.REPLY, text, footer=f"— {agent_name}")


def on_sent(engine: Engine) -> Callable[[OutboxItem, str, datetime], None]:
    """The outbox's hook, run as a row is marked sent, inside that transaction."""

    def hook(item: OutboxItem, message_id: str, at: datetime) -> None:
        if item.card.kind is CardKind.REPLY and item.case_id is not None:
            accepted(engine, item, message_id, at)

    return hook


def accepted(engine: Engine, item: OutboxItem, message_id: str, at: datetime) -> None:
    """The platform took the reply: it is the agent's reply from now on."""
    case = engine.store.get_case(item.case_id or 0)
    if case is None:
        return
    queued = next(
        (
            e
            for e in reversed(engine.store.events(case.id))
            if e.kind is EventKind.REPLY_QUEUED and e.details.get("outbox") == item.id
        ),
        None,
    )
    if queued is None:  # not queued by `send`: nothing to record
        return
    actor = Actor(case.platform, queued.actor_id, queued.actor_name, is_agent=True)
    suggestion = str(queued.details.get("suggestion") or "") or None
    _record(
        engine, case, actor, item.card.title, suggestion, at, via="posted", message_id=message_id
    )
    engine.notify()


def _record(
    engine: Engine,
    case: Case,
    actor: Actor,
    text: str,
    suggestion_id: str | None,
    at: datetime,
    *,
    via: str,
    message_id: str = "",
) -> None:
    engine._event(
        case,
        actor,
        EventKind.REPLY_SENT,
        text=text,
        suggestion=suggestion_id or "",
        via=via,
        message_id=message_id,
    )
    case = engine._first_response(case, at, actor)
    engine.refresh_header(case.id)
    key = "answer.sent_by" if via == "posted" else "answer.copied_by"
    engine.store.enqueue(case, notice_card(engine.say(key, name=actor.name)), at)


def parse_args(
    engine: Engine, case: Case, words: str, agent_name: str | None = None
) -> tuple[str | None, str]:
    """`[suggestion] [text]` → (suggestion id or None, text): a first word naming one of
    the case's suggestions picks it; no text means the suggestion's text as it is."""
    first, _, rest = words.strip().partition(" ")
    suggestions = engine.playbook_for(case).suggestions
    if first in suggestions:
        return first, rest.strip() or draft(engine, case, first, agent_name).text
    return None, words.strip()
