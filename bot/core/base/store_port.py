"""What the core needs from storage. `storage.store.SqliteStore` implements it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.core.base.cards import Card
from bot.core.base.case import Case, CaseStep, Event, EventKind
from bot.core.base.model import Actor, Reading, Status, StepState, Via
from bot.core.base.outbox import OutboxItem
from bot.core.base.reminder import Reminder


class StoreUnavailable(Exception):
    """Nothing can be written now (the file is locked past the timeout, the disk is full,
    an I/O error): the caller must not acknowledge what it could not keep."""


class StoreBusy(StoreUnavailable):
    """Another process holds the database's write lock; try again later."""


@dataclass(frozen=True)
class NewCase:
    platform: str
    channel_id: str
    message_id: str
    thread_id: str | None
    customer: Actor
    text: str
    playbook_id: str
    reading: Reading
    opened_at: datetime
    #: When the customer posted the complaint (None: `opened_at`); floods count by it.
    posted_at: datetime | None = None
    #: Customers read `channel_id`: the team's guidance goes to this staff-only channel.
    staff_channel_id: str | None = None


@dataclass(frozen=True)
class CaseQuery:
    statuses: frozenset[Status] = frozenset()
    assignee_id: str | None = None
    channel_id: str | None = None
    platform: str | None = None
    overdue_before: datetime | None = None
    limit: int = 20


class CaseStore(Protocol):
    def atomic(self) -> AbstractContextManager[Any]:
        """A transaction: everything inside commits together or not at all."""
        ...

    def remember_event(self, platform: str, event_id: str, at: datetime) -> bool:
        """Record a delivered event id; False if it was seen before."""
        ...

    def insert_case(self, new: NewCase) -> Case | None:
        """Insert a case; None if one exists for that platform message."""
        ...

    def get_case(self, case_id: int) -> Case | None: ...

    def find_case_by_message(
        self, platform: str, channel_id: str, message_id: str
    ) -> Case | None: ...

    def find_case_by_thread(self, platform: str, thread_id: str) -> Case | None: ...

    def update_case(self, case_id: int, **changes: Any) -> Case: ...

    def list_cases(self, query: CaseQuery) -> list[Case]: ...

    def customer_history(
        self, platform: str, customer_id: str, before_case: int | None
    ) -> dict[str, int]:
        """Counts of a customer's earlier cases: total, resolved, let_go, still_open."""
        ...

    def cases_posted_by(
        self, platform: str, customer_id: str, since: datetime, until: datetime
    ) -> int:
        """How many of this author's cases were posted from `since` to `until`, both
        included, by the complaint's own time of posting (flood containment)."""
        ...

    def flood_probe(
        self,
        platform: str,
        customer_id: str,
        since: datetime,
        until: datetime,
        channel_id: str | None = None,
    ) -> tuple[int | None, int, datetime | None, int | None]:
        """(latest case id as `latest_case_of` picks it, cases posted in [since, until],
        when that case's last customer message was posted if it joined as a flood, the id
        of the case `open_case_in_channel` finds in `channel_id` (None: none or not asked))."""
        ...

    def open_case_in_channel(self, platform: str, channel_id: str, customer_id: str) -> Case | None:
        """This customer's latest open case opened in this channel (None: none)."""
        ...

    def latest_case_of(self, platform: str, customer_id: str) -> Case | None:
        """This author's latest open case, else their latest case."""
        ...

    def insert_steps(self, case_id: int, step_ids: Iterable[str]) -> None: ...

    def insert_first_steps(self, steps: list[CaseStep]) -> None:
        """Write a new case's checklist as built (positions given, each id once)."""
        ...

    def steps(self, case_id: int) -> list[CaseStep]: ...

    def make_current_step(self, case_id: int, step_id: str) -> None:
        """Move a pending step just before the checklist's first pending one: do it now."""
        ...

    def replan_steps(self, case_id: int, pending: Sequence[str]) -> None:
        """Make `pending` the case's pending steps, in order, after the worked ones."""
        ...

    def set_step(
        self, case_id: int, step_id: str, state: StepState, actor: Actor, via: Via, at: datetime
    ) -> None: ...

    def append_event(
        self, case_id: int, at: datetime, actor: Actor, kind: EventKind, details: dict[str, Any]
    ) -> int: ...

    def events(self, case_id: int) -> list[Event]: ...

    def last_event(self, case_id: int, kind: EventKind) -> Event | None:
        """A case's latest timeline entry of one kind."""
        ...

    def enqueue(
        self,
        case: Case,
        card: Card,
        at: datetime,
        *,
        step_id: str | None = None,
        edit_of: int | None = None,
    ) -> int: ...

    def enqueue_to(
        self, platform: str, channel_id: str, thread_id: str | None, card: Card, at: datetime
    ) -> int: ...

    def outbox_by_message(self, platform: str, platform_message_id: str) -> OutboxItem | None: ...

    def posted_messages(self, case_id: int) -> list[tuple[int, str, str | None, int | None]]:
        """(id, kind, step_id, edit_of) of a case's outbox rows, without their payloads."""
        ...

    def outbox_for_case(self, case_id: int) -> list[OutboxItem]: ...

    def outbox_channels_due(self, platform: str, now: datetime, limit: int = 500) -> list[str]:
        """Channels holding at least one pending row that may go now."""
        ...

    def next_in_channel(self, platform: str, channel_id: str, now: datetime) -> OutboxItem | None:
        """The channel's next row that heads its case's queue and may go now."""
        ...

    def outbox_failures(self, case_id: int) -> list[tuple[str, str]]:
        """(kind, error) of a case's rows the platform refused for good."""
        ...

    def iter_pending_outbox(self, platform: str) -> Iterator[OutboxItem]: ...

    def mark_outbox_sent(self, item_id: int, platform_message_id: str, at: datetime) -> None: ...

    def mark_outbox_retry(
        self, item_id: int, attempts: int, not_before: datetime, error: str, at: datetime
    ) -> None: ...

    def mark_outbox_failed(self, item_id: int, error: str, at: datetime) -> None: ...

    def supersede_edits(self, edit_of: int) -> None:
        """Edits of a row not sent yet give way to a newer one: the latest content wins."""
        ...

    def last_edit_sent_at(self, edit_of: int) -> datetime | None:
        """When an edit of this row last reached the platform."""
        ...

    def hold_outbox(self, item_id: int, not_before: datetime) -> None:
        """Hold a row back until `not_before`, with no failure counted."""
        ...

    def write_lock(self) -> AbstractContextManager[Any]:
        """A transaction holding the write lock from its start (for picking due work)."""
        ...

    def add_reminder(
        self, case_id: int, kind: str, due_at: datetime, note: str, by: Actor, at: datetime
    ) -> int: ...

    def get_reminder(self, reminder_id: int) -> Reminder | None: ...

    def due_reminders(self, now: datetime, limit: int) -> list[Reminder]: ...

    def due_escalations(self, now: datetime, limit: int) -> list[Reminder]: ...

    def next_reminder_at(self) -> datetime | None:
        """When the soonest pending reminder or unanswered ping falls due."""
        ...

    def reminders_for(self, case_id: int, open_only: bool = True) -> list[Reminder]: ...

    def open_reminders_due(
        self, now: datetime, assignee_id: str | None, limit: int
    ) -> list[Reminder]: ...

    def update_reminder(self, reminder_id: int, **changes: Any) -> None: ...

    def finish_reminders(
        self, case_id: int, kinds: Iterable[str], status: str, at: datetime, by: str = ""
    ) -> int: ...

    def cancel_reminders(self, case_id: int, at: datetime) -> int: ...

    def cases_page(
        self,
        after_id: int | None,
        limit: int,
        *,
        newest_first: bool = False,
        opened_from: datetime | None = None,
        opened_before: datetime | None = None,
    ) -> list[Case]:
        """Up to `limit` cases past `after_id` by number (below it when newest first),
        opened in [opened_from, opened_before) when given: pages for walking every case."""
        ...

    def count_cases(
        self, opened_from: datetime | None = None, opened_before: datetime | None = None
    ) -> int:
        """How many cases there are (opened in [opened_from, opened_before) when given)."""
        ...
