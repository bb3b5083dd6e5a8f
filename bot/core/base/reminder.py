"""A reminder as the core sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.base.clocks import ReminderKind

OPEN_STATUSES = ("pending", "sent")


@dataclass(frozen=True)
class Reminder:
    """A clock on a case: pending until due, then sent (pinged) until done."""

    id: int
    case_id: int
    kind: ReminderKind
    due_at: datetime
    status: str
    note: str = ""
    created_by: str = ""
    sent_at: datetime | None = None
    escalate_at: datetime | None = None
    escalated_at: datetime | None = None
    ping_outbox_id: int | None = None
