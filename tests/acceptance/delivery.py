"""Helpers for the served delivery tests: complaints sent at a known time, their guidance
as the fake received it, and read-only looks at the served process's outbox."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from tests.acceptance.chat import COMPLAINT, Chat, Post
from tests.acceptance.served import until
from tests.acceptance.slack_chat import SlackChat
from tests.fakes.slack_http import Call

#: What a new case gets in its thread, in this order: header, first step, reply suggestion.
CARDS = ("Case #", "Step 1/", "Suggested reply")
_CUSTOMERS = itertools.count(1)


@dataclass(frozen=True)
class Sent:
    """A complaint a customer posted: where, the thread Sereno answers in, and when."""

    room: str
    thread: str
    at: float  # time.monotonic() just before it was sent


async def complain(chat: Chat, room: str) -> Sent:
    """A customer complains in `room` (Sereno's answer is not waited for). On Slack each
    complaint is another customer's: one customer's second one would join her open case."""
    at = time.monotonic()
    if isinstance(chat, SlackChat):
        customer = f"U-cust{next(_CUSTOMERS)}"
        return Sent(room, await chat.post_complaint(room, COMPLAINT, customer), at)
    return Sent(room, await chat.post_complaint(room, COMPLAINT), at)


def kinds(posts: list[Post]) -> list[str]:
    """Each post as the card it is (its title's start), or its title if none."""
    return [next((k for k in CARDS if p.title.startswith(k)), p.title) for p in posts]


async def guided(chat: Chat, sent: list[Sent], timeout: float) -> dict[str, list[Post]]:
    """Wait until every complaint's thread has its guidance; the posts of each thread."""

    def missing() -> list[str]:
        return [s.thread for s in sent if len(chat.posts(s.thread)) < len(CARDS)]

    await until(
        lambda: not missing(),
        timeout=timeout,
        what=lambda: (
            "guidance in every thread; so far "
            + str({t: kinds(chat.posts(t)) for t in [s.thread for s in sent]})
        ),
        served=chat.served,
    )
    return {s.thread: chat.posts(s.thread) for s in sent}


def channel_calls(calls: list[Call], room: str) -> list[Call]:
    """The calls (already filtered by method and outcome) addressed to `room`."""
    return [c for c in calls if c.params.get("channel") == room]


def gaps(calls: list[Call]) -> list[float]:
    """Seconds between consecutive calls, as the fake received them."""
    return [b.time - a.time for a, b in itertools.pairwise(calls)]


def _query(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        return conn.execute(sql, args).fetchall()


def case_of(db: Path, sent: Sent) -> int | None:
    """The case the served process opened for a complaint, if it has yet."""
    rows = _query(
        db,
        "SELECT id FROM cases WHERE platform = 'slack' AND channel_id = ? AND message_id = ?",
        sent.room,
        sent.thread,
    )
    return int(str(rows[0][0])) if rows else None


def outbox_states(db: Path, case: int) -> list[str]:
    """The status of each outbox row of a case (pending, sent, failed), oldest first."""
    rows = _query(db, "SELECT status FROM outbox WHERE case_id = ? ORDER BY id", case)
    return [str(r[0]) for r in rows]
