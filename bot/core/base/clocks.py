"""The response clocks: durations with units, reminder kinds, business hours, and the one
way a time is shown to people (`local_time`: in the team's zone, with the zone named)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|m|h|d)\s*$")
_UNITS = {"ms": "milliseconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_duration(raw: str) -> timedelta:
    """Read '90s', '15m', '24h' or '3d' (also '500ms')."""
    match = _DURATION.match(raw)
    if not match:
        if raw.strip().startswith("-"):
            raise ValueError(f"must not be negative (got '{raw}')")
        raise ValueError(f"must be a number with a unit s, m, h or d, like 15m (got '{raw}')")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def optional_duration(raw: str) -> timedelta | None:
    """A duration, or None for an empty value or 'off'."""
    return None if raw.strip().lower() in ("", "off", "none") else parse_duration(raw)


class ReminderKind(StrEnum):
    FIRST_RESPONSE = "first-response"
    STALLED = "stalled"
    FOLLOW_UP = "follow-up"
    IMPROVEMENT = "improvement"
    CUSTOM = "custom"


#: Reminders that close by themselves when an agent acts on the case.
AUTO_DONE = frozenset({ReminderKind.FIRST_RESPONSE, ReminderKind.STALLED})


@dataclass(frozen=True)
class Clocks:
    """How long each clock runs; a playbook may override any of them."""

    #: The first-response target for a LOW-impact case (and the default).
    first_response: timedelta = timedelta(minutes=15)
    stalled_after: timedelta = timedelta(hours=24)
    followup_after: timedelta = timedelta(days=3)
    escalate_after: timedelta = timedelta(hours=1)
    improvement_after: timedelta | None = None
    #: Tighter first-response targets for MEDIUM and HIGH impact (advice act-fast: a
    #: public or legal threat spreads while it waits).
    first_response_medium: timedelta = timedelta(minutes=10)
    first_response_high: timedelta = timedelta(minutes=5)

    def first_response_for(self, impact: str) -> timedelta:
        """The first-response target for an impact ('low', 'medium', 'high'); a higher
        impact never waits longer than a lower one."""
        medium = min(self.first_response_medium, self.first_response)
        if impact == "high":
            return min(self.first_response_high, medium)
        return medium if impact == "medium" else self.first_response

    def overridden(self, overrides: dict[str, timedelta | None]) -> Clocks:
        """These clocks with a playbook's overrides applied."""
        return replace(self, **overrides) if overrides else self


@dataclass(frozen=True)
class BusinessHours:
    """Opening hours per weekday in the team's time zone; empty means always open."""

    timezone: str = "UTC"
    hours: tuple[tuple[int, time, time], ...] = ()

    @classmethod
    def parse(cls, raw: str, timezone: str) -> BusinessHours:
        """Read 'mon-fri 09:00-18:00; sat 10:00-14:00' (empty: always open)."""
        spans: list[tuple[int, time, time]] = []
        for part in filter(None, (p.strip().lower() for p in raw.split(";"))):
            match = _RANGE.match(part)
            if (
                not match
                or match.group(1) not in _DAYS
                or (match.group(2) and match.group(2) not in _DAYS)
            ):
                raise ValueError(f"'{part}' is not like 'mon-fri 09:00-18:00'")
            first = _DAYS.index(match.group(1))
            last = _DAYS.index(match.group(2) or match.group(1))
            start = time(int(match.group(3)), int(match.group(4)))
            end = time(int(match.group(5)), int(match.group(6)))
            if end <= start or last < first:
                raise ValueError(f"'{part}' ends before it starts")
            spans += [(day, start, end) for day in range(first, last + 1)]
        return cls(timezone, tuple(spans))

    def is_open(self, moment: datetime) -> bool:
        """Whether the team is at work at `moment`."""
        if not self.hours:
            return True
        local = moment.astimezone(ZoneInfo(self.timezone))
        return any(
            day == local.weekday() and start <= local.time() < end for day, start, end in self.hours
        )

    def next_open(self, moment: datetime) -> datetime:
        """`moment` if open, else the next opening (handles weekends and DST)."""
        if self.is_open(moment):
            return moment
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        for offset in range(8):
            date = local.date() + timedelta(days=offset)
            starts = sorted(s for d, s, _ in self.hours if d == date.weekday())
            for start in starts:
                opening = datetime.combine(date, start, tzinfo=zone)
                if opening > local:
                    return opening.astimezone(moment.tzinfo)
        return moment  # unreachable with at least one span


def local_time(moment: datetime, zone: str, *, date: bool = True, seconds: bool = False) -> str:
    """A time as people read it: in the team's zone `zone`, with the zone shown,
    e.g. '2026-12-07 09:00 CET' (or '09:00 (America/Sao_Paulo)' where the zone has no
    lettered abbreviation). Storage and machine formats stay UTC ISO."""
    local = moment.astimezone(ZoneInfo(zone))
    shown = local.strftime(("%Y-%m-%d " if date else "") + ("%H:%M:%S" if seconds else "%H:%M"))
    abbreviation = local.tzname() or ""
    return f"{shown} {abbreviation}" if abbreviation[:1].isalpha() else f"{shown} ({zone})"


def local_stamp(stamp: str | None, zone: str, *, seconds: bool = True) -> str | None:
    """A stored ISO time ('2026-11-26T10:00:00Z') as `local_time` shows it; None stays None."""
    if not stamp:
        return None
    return local_time(datetime.fromisoformat(stamp.replace("Z", "+00:00")), zone, seconds=seconds)


def describe(delta: timedelta) -> str:
    """'2d 3h', '15 min', '40 s': short human durations."""
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes} min" if minutes else f"{seconds} s"
