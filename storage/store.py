"""`SqliteStore`: the core's CaseStore on SQLite, through sqlite-utils."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import Case, CaseStep, Event, EventKind
from bot.core.base.model import Actor, Status, StepState, Via
from bot.core.base.outbox import OutboxItem
from bot.core.base.reading_json import reading_to_compact
from bot.core.base.store_port import CaseQuery, NewCase
from storage.codec import (
    NEXT_IN_CHANNEL,
    case_from_row,
    dt,
    event_from_row,
    outbox_from_row,
    outbox_from_values,
    step_from_row,
    ts,
)
from storage.edits import EditRows
from storage.inbox import InboxRows
from storage.plans import StepPlans
from storage.reminders import ReminderRows
from storage.reports import ReportRows
from storage.statements import (
    CASE_INSERT,
    EVENT_INSERT,
    FLOOD_PROBE,
    LONE_OUTBOX_INSERT,
    OPENER_SENT,
    OUTBOX_FAILED,
    OUTBOX_INSERT,
    OUTBOX_RETRY,
    OUTBOX_SENT,
    SEEN_INSERT,
    STAFF_OUTBOX_INSERT,
    STEP_UPDATE,
    STEPS_INSERT,
    Writes,
    first_steps_insert,
)
from storage.transaction import Transaction

_OUTBOX_SELECT = (
    "SELECT o.*, t.platform_message_id AS edit_target, "
    "p.platform_message_id AS thread_target FROM outbox o "
    "LEFT JOIN outbox t ON t.id = o.edit_of "
    "LEFT JOIN outbox p ON p.id = o.thread_of "
)
#: How many queued cards a store keeps for the drainer: a burst's posts. New posts only (an
#: edit may be superseded and never taken); an entry leaves as its row is taken.
QUEUED_CARDS = 4096


class SqliteStore(InboxRows, ReminderRows, ReportRows, EditRows, StepPlans, Writes):
    """Every read and write the core makes, in small direct functions."""

    def __init__(self, db: Database) -> None:
        self.db = db
        #: Cards queued here, by outbox row id, with their stored text (see next_in_channel).
        self._queued_cards: dict[int, tuple[str, Card]] = {}

    def atomic(self) -> Transaction:
        """A transaction. The outermost one also marks the inbox row being worked done, so an
        event's effects and its being done commit together.

        A nested call opens no savepoint: it joins the open transaction, and an error
        leaving it is undone with the whole transaction (every caller lets it go on up).
        A single statement that fails (a duplicate) undoes only itself, as SQLite does."""
        return Transaction(self)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query, by column name (on the connection itself: no savepoint)."""
        cursor = self.db.conn.execute(sql, tuple(params))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    # -- events delivered by platforms -------------------------------------

    def remember_event(self, platform: str, event_id: str, at: datetime) -> bool:
        """Record a delivered event id; False if it was seen before."""
        try:
            with self.atomic():
                self.db.conn.execute(SEEN_INSERT, (platform, event_id, ts(at)))
        except sqlite3.IntegrityError:
            return False
        return True

    # -- cases ---------------------------------------------------------------

    def insert_case(self, new: NewCase) -> Case | None:
        """Insert a case; None if one exists for that platform message. The case returned is
        built from what was written, not read back."""
        reading = new.reading
        opened = ts(new.opened_at)
        flags = sorted(reading.flags)
        row = (
            new.platform,
            new.channel_id,
            new.message_id,
            new.thread_id,
            new.customer.user_id,
            new.customer.name,
            new.text,
            Status.NEW.value,
            new.playbook_id,
            reading.language,
            reading.reason.value,
            reading.kind.value,
            reading.intensity,
            reading.impact.value,
            reading_to_compact(reading),
            json.dumps(flags),
            opened,
            opened,
            ts(new.posted_at or new.opened_at),
            new.staff_channel_id,
        )
        try:
            with self.atomic():
                case_id = self.db.conn.execute(CASE_INSERT, row).lastrowid
        except sqlite3.IntegrityError:
            return None
        at = dt(opened)
        assert case_id is not None and at is not None
        return Case(
            id=case_id,
            platform=new.platform,
            channel_id=new.channel_id,
            message_id=new.message_id,
            thread_id=new.thread_id,
            customer_id=new.customer.user_id,
            customer_name=new.customer.name or "",
            text=new.text or "",
            status=Status.NEW,
            assignee_id=None,
            assignee_name=None,
            playbook_id=new.playbook_id,
            reading=reading,
            flags=frozenset(flags),
            opened_at=at,
            updated_at=at,
            staff_channel_id=new.staff_channel_id,
        )

    def get_case(self, case_id: int) -> Case | None:
        """Return a case by number."""
        row = self._one("SELECT * FROM cases WHERE id = ?", [case_id])
        return case_from_row(row) if row else None

    def find_case_by_message(self, platform: str, channel_id: str, message_id: str) -> Case | None:
        """Return the case opened from this platform message."""
        row = self._one(
            "SELECT * FROM cases WHERE platform = ? AND channel_id = ? AND message_id = ?",
            [platform, channel_id, message_id],
        )
        return case_from_row(row) if row else None

    def find_case_by_thread(self, platform: str, thread_id: str) -> Case | None:
        """Return the case whose thread this is."""
        row = self._one(  # one probe per index: an OR of the two read every case's entry
            "SELECT * FROM cases WHERE id = (SELECT min(id) FROM ("
            "SELECT id FROM cases WHERE platform = ? AND thread_id = ? UNION ALL "
            "SELECT id FROM cases WHERE platform = ? AND staff_thread_id = ?))",
            [platform, thread_id, platform, thread_id],
        )
        return case_from_row(row) if row else None

    def update_case(self, case_id: int, **changes: Any) -> Case:
        """Change some columns of a case and return it."""
        self._change_columns("cases", case_id, {k: _column_value(v) for k, v in changes.items()})
        case = self.get_case(case_id)
        assert case is not None
        return case

    def list_cases(self, query: CaseQuery) -> list[Case]:
        """Cases matching a query, oldest first.

        Each status asked for walks its own (status, id) index in number order and stops
        at the limit, so a long history of closed cases costs nothing to list the open ones.
        """
        where, params = [], []
        for column in ("assignee_id", "channel_id", "platform"):
            if getattr(query, column) is not None:
                where.append(f"AND {column} = ? ")
                params.append(getattr(query, column))
        if query.overdue_before is not None:
            where.append("AND first_response_at IS NULL AND opened_at < ? ")
            params.append(ts(query.overdue_before))
        rest = "".join(where)
        if not query.statuses:
            sql, args = f"SELECT * FROM cases WHERE 1 = 1 {rest}ORDER BY id LIMIT ?", params
        else:
            statuses = sorted(s.value for s in query.statuses)
            one = f"SELECT * FROM (SELECT * FROM cases WHERE status = ? {rest}ORDER BY id LIMIT ?)"
            sql = " UNION ALL ".join(one for _ in statuses) + " ORDER BY id LIMIT ?"
            args = [v for status in statuses for v in (status, *params, query.limit)]
        return [case_from_row(r) for r in self.db.query(sql, [*args, query.limit])]

    def customer_history(
        self, platform: str, customer_id: str, before_case: int | None
    ) -> dict[str, int]:
        """Counts of a customer's earlier cases: total, resolved, let_go, still_open."""
        row = self._one(
            "SELECT count(*) AS total, "
            "sum(status IN ('resolved', 'closed')) AS resolved, "
            "sum(status = 'let_go') AS let_go, "
            "sum(status IN ('new', 'in_progress')) AS still_open "
            "FROM cases WHERE platform = ? AND customer_id = ? AND id < ? "
            "AND status != 'dismissed'",
            [platform, customer_id, before_case if before_case is not None else 2**62],
        )
        return {k: int(v or 0) for k, v in (row or {}).items()}

    def cases_posted_by(
        self, platform: str, customer_id: str, since: datetime, until: datetime
    ) -> int:
        """How many of this author's cases were posted from `since` to `until`, both
        included, by the complaint's own time of posting (flood containment)."""
        row = self._one(
            "SELECT count(*) AS n FROM cases "
            "WHERE platform = ? AND customer_id = ? AND posted_at BETWEEN ? AND ?",
            [platform, customer_id, ts(since), ts(until)],
        )
        return int(row["n"]) if row else 0

    def flood_probe(
        self,
        platform: str,
        customer_id: str,
        since: datetime,
        until: datetime,
        channel_id: str | None = None,
    ) -> tuple[int | None, int, datetime | None, int | None]:
        """One pass over the author's cases for the flood and merge checks: their latest
        case as `latest_case_of` chooses it, how many were posted in [since, until], when
        the latest one's last customer message was posted if it joined as a flood (else
        None), and the id `open_case_in_channel` finds in `channel_id` (None: none/not asked)."""
        params = (platform, customer_id, ts(since), ts(until), channel_id)
        latest, recent, details, at, here = self.db.conn.execute(FLOOD_PROBE, params).fetchone()
        found = json.loads(details) if latest is not None and details else {}
        if not found.get("flood"):
            return latest, int(recent or 0), None, here
        stamp = found.get("posted_at")
        flood = dt(stamp) if isinstance(stamp, str) else dt(at)
        return latest, int(recent or 0), flood, here

    def open_case_in_channel(self, platform: str, channel_id: str, customer_id: str) -> Case | None:
        """This customer's latest open case opened in this channel (None: none)."""
        row = self._one(
            "SELECT * FROM cases WHERE platform = ? AND channel_id = ? AND customer_id = ? "
            "AND status IN ('new', 'in_progress') ORDER BY id DESC LIMIT 1",
            [platform, channel_id, customer_id],
        )
        return case_from_row(row) if row else None

    def latest_case_of(self, platform: str, customer_id: str) -> Case | None:
        """This author's latest open case, else their latest case: two max(id) probes of
        the customer's index entries, not a sort of every case they ever opened."""
        mine = "FROM cases WHERE platform = ? AND customer_id = ?"
        row = self._one(
            f"SELECT * FROM cases WHERE id = coalesce((SELECT max(id) {mine} "
            f"AND +status IN ('new', 'in_progress')), (SELECT max(id) {mine}))",  # + : by customer
            [platform, customer_id, platform, customer_id],
        )
        return case_from_row(row) if row else None

    # -- steps and timeline --------------------------------------------------

    def insert_steps(self, case_id: int, step_ids: Iterable[str]) -> None:
        """Add steps to a case's checklist (existing ones are kept), after its last one."""
        ids = list(step_ids)
        if ids:
            self._write(STEPS_INSERT, (case_id, json.dumps(ids)))

    def insert_first_steps(self, steps: list[CaseStep]) -> None:
        """Write a new case's checklist as built (positions given, each id once): one
        multi-row VALUES, with no look-up of the positions already there."""
        if not steps:
            return
        rows = [v for s in steps for v in (s.case_id, s.step_id, s.position)]
        self._write(first_steps_insert(len(steps)), rows)

    def steps(self, case_id: int) -> list[CaseStep]:
        """A case's checklist, in order."""
        rows = self.db.query(
            "SELECT * FROM case_steps WHERE case_id = ? ORDER BY position", [case_id]
        )
        return [step_from_row(r) for r in rows]

    def set_step(
        self, case_id: int, step_id: str, state: StepState, actor: Actor, via: Via, at: datetime
    ) -> None:
        """Record a step's new state and who changed it, how, and when."""
        row = (state.value, actor.user_id, actor.name, via.value, ts(at), case_id, step_id)
        self._change(STEP_UPDATE, row)

    def append_event(
        self, case_id: int, at: datetime, actor: Actor, kind: EventKind, details: dict[str, Any]
    ) -> int:
        """Append one timeline entry."""
        row = (
            case_id,
            ts(at),
            actor.key,
            actor.name,
            kind.value,
            json.dumps(details, ensure_ascii=False, default=str),
        )
        return int(self._write(EVENT_INSERT, row).lastrowid or 0)

    def events(self, case_id: int) -> list[Event]:
        """A case's timeline, oldest first."""
        rows = self.db.query("SELECT * FROM events WHERE case_id = ? ORDER BY id", [case_id])
        return [event_from_row(r) for r in rows]

    def last_event(self, case_id: int, kind: EventKind) -> Event | None:
        """A case's latest timeline entry of one kind."""
        row = self._one(
            "SELECT * FROM events WHERE case_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
            [case_id, kind.value],
        )
        return event_from_row(row) if row else None

    # -- outbox ---------------------------------------------------------------

    def enqueue(
        self,
        case: Case,
        card: Card,
        at: datetime,
        *,
        step_id: str | None = None,
        edit_of: int | None = None,
    ) -> int:
        """Queue a message for the case's thread (or an edit of an earlier one).

        Pings, and a case's cards until its first one is shown, go before later
        steps of other cases in the same channel. A case with a staff place gets
        everything there: its opener top-level, the rest in the opener's thread (its ts,
        or the opener's row to take it from when sent). Both are looked up by the INSERT
        itself, so a new case's card is one statement.
        """
        ping = card.kind is CardKind.PING
        kind, payload = card.kind.value, card.to_json()
        if not case.staff_channel_id or card.kind is CardKind.REPLY:  # a reply: the customer's
            place, sql = (case.channel_id, case.thread_id), OUTBOX_INSERT
        elif card.kind is CardKind.OPENER:
            place, sql = (case.staff_channel_id, None), OUTBOX_INSERT
        else:
            place, sql = (case.staff_channel_id, case.staff_thread_id), STAFF_OUTBOX_INSERT
        params = (case.platform, *place, case.id, kind, step_id, payload, edit_of, ts(at), ping)
        row_id = int(self._write(sql, params).lastrowid or 0)
        if edit_of is None:  # an edit may be superseded, never taken: it would stay kept
            self._queued(row_id, payload, card)
        return row_id

    def enqueue_to(
        self, platform: str, channel_id: str, thread_id: str | None, card: Card, at: datetime
    ) -> int:
        """Queue a message for a channel (or thread) that belongs to no case: a team report."""
        params = (platform, channel_id, thread_id, card.kind.value, card.to_json(), ts(at))
        return int(self._write(LONE_OUTBOX_INSERT, params).lastrowid or 0)

    def _queued(self, row_id: int, payload: str, card: Card) -> None:
        """Keep a queued card for `next_in_channel` (the latest QUEUED_CARDS of them)."""
        cards = self._queued_cards
        cards[row_id] = (payload, card)
        if len(cards) > QUEUED_CARDS:
            del cards[next(iter(cards))]

    def outbox_by_message(self, platform: str, platform_message_id: str) -> OutboxItem | None:
        """The posted row that became this platform message."""
        row = self._one(
            _OUTBOX_SELECT + "WHERE o.platform = ? AND o.platform_message_id = ? "
            "AND o.edit_of IS NULL ORDER BY o.id LIMIT 1",
            [platform, platform_message_id],
        )
        return outbox_from_row(row) if row else None

    def posted_messages(self, case_id: int) -> list[tuple[int, str, str | None, int | None]]:
        """(id, kind, step_id, edit_of) of a case's outbox rows, without their payloads."""
        rows = self.db.execute(
            "SELECT id, kind, step_id, edit_of FROM outbox WHERE case_id = ? ORDER BY id",
            [case_id],
        ).fetchall()
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def outbox_for_case(self, case_id: int) -> list[OutboxItem]:
        """Every row queued for a case, in order."""
        rows = self.db.query(_OUTBOX_SELECT + "WHERE o.case_id = ? ORDER BY o.id", [case_id])
        return [outbox_from_row(r) for r in rows]

    def outbox_channels_due(self, platform: str, now: datetime, limit: int = 500) -> list[str]:
        """Channels holding at least one pending row that may go now.

        The channels are stepped through in the pending rows' index, one search each, and
        each is asked for one row that may go: a backlog of one busy channel costs a few
        searches, not a read of every row pending there."""
        pending = "FROM outbox WHERE platform = ?1 AND status = 'pending'"
        rows = self.db.conn.execute(
            f"WITH RECURSIVE ch(id) AS (SELECT (SELECT min(channel_id) {pending}) "
            f"UNION ALL SELECT (SELECT min(channel_id) {pending} AND channel_id > ch.id) "
            "FROM ch WHERE ch.id IS NOT NULL) "
            f"SELECT id FROM ch WHERE id IS NOT NULL AND EXISTS (SELECT 1 {pending} "
            "AND channel_id = ch.id AND (not_before IS NULL OR not_before <= ?2)) LIMIT ?3",
            (platform, ts(now), limit),
        ).fetchall()
        return [r[0] for r in rows]

    def next_in_channel(self, platform: str, channel_id: str, now: datetime) -> OutboxItem | None:
        """The channel's next row: opening cards and pings first, then the oldest.

        Only a row that heads its case's queue is eligible, so a case's messages
        keep their order (an edit never runs before the message it edits) and a
        row held back for a retry holds only its own case. An edit held back (a header
        edited at most every few seconds) holds nothing: later cards go past it.

        The row's card is the one this store queued when its stored text is still what that
        card was written as (a row is queued and sent by the same process, mostly), so it is
        not parsed back from JSON for every post; otherwise it is read from the row.
        """
        row = self.db.conn.execute(NEXT_IN_CHANNEL, (platform, channel_id, ts(now))).fetchone()
        if row is None:
            return None
        queued = self._queued_cards.pop(row[0], None)
        card = queued[1] if queued is not None and queued[0] == row[5] else None
        return outbox_from_values(row, card)

    def iter_pending_outbox(self, platform: str) -> Iterator[OutboxItem]:
        """Every pending row, oldest first."""
        rows = self.db.query(
            _OUTBOX_SELECT + "WHERE o.platform = ? AND o.status = 'pending' ORDER BY o.id",
            [platform],
        )
        return (outbox_from_row(r) for r in rows)

    def mark_outbox_sent(self, item_id: int, platform_message_id: str, at: datetime) -> None:
        """Record that the platform accepted a row."""
        with self.atomic():
            self._change(OUTBOX_SENT, (platform_message_id, ts(at), item_id))
            # A staff thread's opener is posted: later rows of its case thread under it.
            self.db.conn.execute(OPENER_SENT, (platform_message_id, item_id))

    def mark_outbox_retry(
        self, item_id: int, attempts: int, not_before: datetime, error: str, at: datetime
    ) -> None:
        """Hold a row back until `not_before` after a failed try (the first failure is kept)."""
        with self.atomic():
            self.db.conn.execute(OUTBOX_RETRY, (attempts, ts(not_before), error, ts(at), item_id))

    def outbox_failures(self, case_id: int) -> list[tuple[str, str]]:
        """(kind, error) of a case's rows the platform refused for good."""
        rows = self.db.execute(
            "SELECT kind, coalesce(error, '') FROM outbox WHERE case_id = ? AND status = 'failed' "
            "ORDER BY id",
            [case_id],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def mark_outbox_failed(self, item_id: int, error: str, at: datetime) -> None:
        """Give up on a row (it stays, with its error, for the team to see)."""
        with self.atomic():
            self._change(OUTBOX_FAILED, (error, ts(at), item_id))


def _column_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(value, frozenset | set):
        return json.dumps(sorted(value))
    if hasattr(value, "value"):
        return value.value
    return value
