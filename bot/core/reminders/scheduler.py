"""The scheduler and what agents do with reminders: done, snooze, cancel, list.

Timing: `Scheduler.run` sleeps until the soonest reminder falls due and is woken
whenever the engine writes, moves or snoozes one (every such change calls
`Engine.notify`), so a ping is queued within moments of falling due. It also
looks again at least every `max_sleep` seconds, for reminders written by
another process sharing the database.

Delivery guarantee: a due reminder is claimed, its ping written to the outbox
and the reminder marked sent in ONE transaction that holds SQLite's write lock
from its start. A crash before the commit leaves the reminder pending (the next
process sends it); after the commit the ping is in the outbox, which delivers it
at least once. Two schedulers sharing the file serialise on the lock, so a
reminder is pinged once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.base.case import Case, EventKind
from bot.core.base.clocks import BusinessHours, ReminderKind, describe
from bot.core.base.model import SERENO, Actor, Status
from bot.core.base.reminder import Reminder
from bot.core.base.store_port import StoreBusy
from bot.core.cases.engine import Engine, Reply
from bot.core.delivery.drainer import nap
from bot.core.reminders.pings import escalation_card, ping_card

log = logging.getLogger(__name__)
_CLOSED = (Status.CLOSED, Status.LET_GO, Status.DISMISSED)


@dataclass
class Scheduler:
    """Picks due reminders from storage (through an index) and pings."""

    engine: Engine
    hours: BusinessHours
    batch: int = 500
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    def wake(self) -> None:
        """A reminder may have been written, moved or snoozed: look again now."""
        self._wake.set()

    def tick(self) -> int:
        """Ping everything due now; return how many pings were queued."""
        store, now = self.engine.store, self.engine.clock.now()
        if not self.hours.is_open(now):
            return 0  # outside business hours: everything due waits for the next opening
        queued = 0
        with store.write_lock():
            for reminder in store.due_reminders(now, self.batch):
                queued += self._fire(reminder, now)
            for reminder in store.due_escalations(now, self.batch):
                queued += self._escalate(reminder, now)
        if queued:
            self.engine.notify()
        return queued

    def _case(self, reminder: Reminder, now: datetime) -> Case | None:
        case = self.engine.store.get_case(reminder.case_id)
        if case is None or case.status in _CLOSED:
            self.engine.store.update_reminder(reminder.id, status="cancelled", done_at=now)
            return None
        return case

    def _fire(self, reminder: Reminder, now: datetime) -> int:
        case = self._case(reminder, now)
        if case is None:
            return 0
        store = self.engine.store
        outbox_id = store.enqueue(
            case,
            ping_card(self.engine, case, reminder, now),
            now,
            step_id=f"reminder:{reminder.id}",
        )
        escalate = self.engine.clocks_for(case).escalate_after
        store.update_reminder(
            reminder.id,
            status="sent",
            sent_at=now,
            ping_outbox_id=outbox_id,
            escalate_at=now + escalate,
        )
        store.append_event(
            case.id,
            now,
            SERENO,
            EventKind.REMINDER_SENT,
            {
                "kind": reminder.kind.value,
                "due": reminder.due_at.isoformat(),
                "late": describe(now - reminder.due_at),
            },
        )
        return 1

    def _escalate(self, reminder: Reminder, now: datetime) -> int:
        case = self._case(reminder, now)
        if case is None:
            return 0
        store = self.engine.store
        store.enqueue(
            case,
            escalation_card(self.engine, case, reminder, now),
            now,
            step_id=f"reminder:{reminder.id}",
        )
        store.update_reminder(reminder.id, escalated_at=now)
        store.append_event(
            case.id, now, SERENO, EventKind.REMINDER_ESCALATED, {"kind": reminder.kind.value}
        )
        return 1

    def seconds_to_next(self, max_sleep: float) -> float:
        """How long to sleep: until the soonest due time (or the next opening), capped."""
        now = self.engine.clock.now()
        if not self.hours.is_open(now):
            until = self.hours.next_open(now)
        else:
            until = self.engine.store.next_reminder_at()
            if until is None:
                return max_sleep
        return min(max_sleep, max(0.0, (until - now).total_seconds()))

    def _tick_if_due(self, max_sleep: float) -> float:
        """Ping what is due, if anything is (one indexed look-up when nothing is: the
        engine wakes the scheduler on every write, a burst of new cases included), then
        how long to sleep."""
        delay = self.seconds_to_next(max_sleep)
        if delay > 0:  # nothing due yet, or outside business hours (tick would queue nothing)
            return delay
        self.tick()
        return self.seconds_to_next(max_sleep)

    async def run(self, max_sleep: float = 30.0, retry_after: float = 1.0) -> None:
        """Ping each reminder when it falls due, until cancelled."""
        self.engine.on_outbox.append(self.wake)
        try:
            while True:
                self._wake.clear()
                try:
                    delay = self._tick_if_due(max_sleep)
                except StoreBusy as exc:  # another process holds the lock
                    log.warning("scheduler: %s; retrying in %.0fs", exc, retry_after)
                    delay = retry_after
                await nap(self._wake, max(delay, 0.01))
        finally:
            with contextlib.suppress(ValueError):
                self.engine.on_outbox.remove(self.wake)


def _open_reminder(engine: Engine, case: Case) -> Reminder | None:
    """The reminder an agent means: the earliest pinged one, else the earliest pending."""
    reminders = engine.store.reminders_for(case.id)
    sent = [r for r in reminders if r.status == "sent"]
    return (sent or reminders or [None])[0]


def finish(
    engine: Engine, case: Case, actor: Actor, status: str, reminder: Reminder | None = None
) -> Reply:
    """Mark a case's current reminder done, or cancel it."""
    reminder = reminder or _open_reminder(engine, case)
    if reminder is None:
        return Reply(engine.say("reminder.none", ref=case.ref), ok=False, case_id=case.id)
    if reminder.status not in ("pending", "sent"):
        already = engine.word("reminder_status", reminder.status)
        return Reply(engine.say("reminder.already", status=already), case_id=case.id)
    now = engine.clock.now()
    kind = EventKind.REMINDER_DONE if status == "done" else EventKind.REMINDER_CANCELLED
    with engine.store.atomic():
        engine.store.update_reminder(reminder.id, status=status, done_at=now, done_by=actor.key)
        engine.store.append_event(case.id, now, actor, kind, {"kind": reminder.kind.value})
        engine.refresh_header(case.id)
    engine.notify()
    key = "reminder.done" if status == "done" else "reminder.cancelled"
    kind_word = engine.word("clock", reminder.kind.value)
    return Reply(engine.say(key, kind=kind_word, ref=case.ref), case_id=case.id)


def snooze(
    engine: Engine, case: Case, actor: Actor, until: datetime, reminder: Reminder | None = None
) -> Reply:
    """Push a case's current reminder to `until` (it will ping again then); never earlier
    than it is due: snooze only postpones, and says what it did either way."""
    reminder = reminder or _open_reminder(engine, case)
    now = engine.clock.now()
    if reminder is None or reminder.status not in ("pending", "sent"):
        text = engine.say("reminder.none_to_snooze", ref=case.ref)
        return Reply(text, ok=False, case_id=case.id)
    if until <= now:
        return Reply(engine.say("reminder.snooze_past"), ok=False, case_id=case.id)
    kind = engine.word("clock", reminder.kind.value)
    if until < reminder.due_at:
        text = engine.say(
            "reminder.snooze_not_earlier",
            kind=kind,
            ref=case.ref,
            due=engine.config.show_time(reminder.due_at),
            until=engine.config.show_time(until),
        )
        return Reply(text, ok=False, case_id=case.id)
    with engine.store.atomic():
        engine.store.update_reminder(
            reminder.id, status="pending", due_at=until, escalate_at=None, escalated_at=None
        )
        engine.store.append_event(
            case.id,
            now,
            actor,
            EventKind.REMINDER_SNOOZED,
            {"kind": reminder.kind.value, "until": until.isoformat()},
        )
        engine.refresh_header(case.id)
    engine.notify()
    text = engine.say(
        "reminder.snoozed", kind=kind, ref=case.ref, until=engine.config.show_time(until)
    )
    return Reply(text, case_id=case.id)


def due_list(engine: Engine, actor: Actor, mine: bool) -> str:
    """Due and overdue reminders (mine or all), oldest first."""
    now = engine.clock.now()
    reminders = engine.store.open_reminders_due(now, actor.user_id if mine else None, 50)
    if not reminders:
        return engine.say("due.nothing_mine" if mine else "due.nothing")
    lines = []
    for r in reminders:
        late = now - r.due_at
        state = engine.say("due.pinged" if r.status == "sent" else "due.due")
        when = (
            engine.say("header.overdue", delta=describe(late))
            if late.total_seconds() >= 60
            else engine.say("due.now")
        )
        kind = engine.word("clock", r.kind.value)
        due = engine.config.show_time(r.due_at)
        lines.append(
            f"#{r.case_id} · {kind} · {state} {due} · {when}" + (f" · {r.note}" if r.note else "")
        )
    return "\n".join(lines)


__all__ = ["ReminderKind", "Scheduler", "due_list", "finish", "snooze"]
