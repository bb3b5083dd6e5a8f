"""The team report's values and the read-only port it is computed from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.core.records.team_report_stats import Durations, Pareto

Row = dict[str, Any]
Counts = tuple[tuple[str, int], ...]


class ReportSource(Protocol):
    """Read-only rows for a period [start, end); times are UTC ISO text."""

    def report_cases(self, start: datetime, end: datetime) -> list[Row]:
        """Cases opened in the period (no names, no text)."""
        ...

    def report_events(self, start: datetime, end: datetime, kinds: Iterable[str]) -> list[Row]:
        """Timeline entries of these kinds for cases opened in the period, details decoded."""
        ...

    def report_reminders(self, start: datetime, end: datetime) -> list[Row]:
        """Reminders of cases opened in the period, plus any reminder due in it."""
        ...

    def report_agent_cases(self, start: datetime, end: datetime) -> list[Row]:
        """Assigned cases open now or resolved in the period."""
        ...


@dataclass(frozen=True)
class CaseFact:
    """What the chart needs of one case: when it opened, how it ended, its first response
    against its clock, the anger it opened with and the satisfaction it ended with."""

    case_id: int
    opened_at: datetime
    outcome: str  # "resolved" (or closed), "let_go" or "open"
    first_response: float | None  # seconds
    reason: str = "other"
    intensity: int = 0  # as read when the case opened
    target: float | None = None  # seconds the first-response clock gave (None: no clock)
    waited: float = 0.0  # seconds until the first agent action (else resolution or now)
    breached: bool = False  # the first-response clock ran out
    score: int | None = None  # the last satisfaction score (1-5)


@dataclass(frozen=True)
class AgentLoad:
    """One agent's open assigned cases now, and cases they resolved in the period."""

    name: str
    open: int
    resolved: int


@dataclass(frozen=True)
class RemedyTotal:
    """Remedies given for one reason: how many, and their total per currency."""

    reason: str
    count: int
    totals: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class IntensityScore:
    """Mean satisfaction after follow-up for cases that opened at one intensity."""

    intensity: int
    count: int
    mean: float | None


@dataclass(frozen=True)
class Paradox:
    """Satisfaction of hot complaints (intensity >= 2) against calm ones (<= 1)."""

    hot_count: int
    hot_mean: float | None
    calm_count: int
    calm_mean: float | None

    @property
    def difference(self) -> float | None:
        """hot_mean - calm_mean; positive means the recovery paradox shows."""
        if self.hot_mean is None or self.calm_mean is None:
            return None
        return self.hot_mean - self.calm_mean


@dataclass(frozen=True)
class DayCounts:
    """One day of the chart: cases opened that day by outcome, and first-response median."""

    day: date
    opened: int
    resolved: int
    let_go: int
    still_open: int
    first_response_median: float | None


@dataclass(frozen=True)
class TeamReport:
    """Every figure of the team report for cases opened in [start, end), as of `now`."""

    start: datetime
    end: datetime
    now: datetime
    opened: int
    resolved: int
    let_go: int
    still_open: int
    by_reason: Counts
    by_kind: Counts
    by_intensity: tuple[tuple[int, int], ...]
    by_channel: Counts
    first_response: Durations
    resolution: Durations
    clock_cases: int  # cases with a first-response clock
    breaches: int
    followups_due: int
    followups_on_time: int
    repeat: Pareto
    agents: tuple[AgentLoad, ...]
    remedies: tuple[RemedyTotal, ...]
    satisfaction: tuple[IntensityScore, ...]
    paradox: Paradox
    cases: tuple[CaseFact, ...]
    #: Messages dismissed as not complaints: in none of the figures above.
    dismissed: int = 0
    #: The team's time zone: the days the period and the daily figures count.
    zone: str = "UTC"
    #: Cases whose reading agents corrected, per part (reason, intensity, kind, subject,
    #: threats), in that order; a part never corrected is left out.
    corrected: Counts = ()

    @property
    def empty(self) -> bool:
        """No case was opened in the period."""
        return self.opened == 0


def first_day(start: datetime, zone: str = "UTC") -> date:
    """The first day (in the team's zone) a period starting at `start` covers."""
    return start.astimezone(ZoneInfo(zone)).date()


def last_day(end: datetime, zone: str = "UTC") -> date:
    """The last day (in the team's zone) a period with this exclusive end covers."""
    return (end.astimezone(ZoneInfo(zone)) - timedelta(microseconds=1)).date()
