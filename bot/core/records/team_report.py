"""The team report: figures for cases opened in a period, computed from read-only rows.

Cohort view: every figure describes the cases *opened* in [start, end), as they
stand at `now` (a case opened on the 3rd and resolved on the 20th counts as
resolved). Two figures look at the period itself instead: follow-ups count the
follow-up reminders *due* in it, and each agent's load counts cases open now
and cases resolved in it. Days are the team's days (SERENO_TIMEZONE, UTC by
default). Medians and percentiles are defined in `team_report_stats`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.base.case import EventKind
from bot.core.guidance.corrections import PARTS
from bot.core.records.team_report_model import (
    AgentLoad,
    CaseFact,
    Counts,
    DayCounts,
    IntensityScore,
    Paradox,
    RemedyTotal,
    ReportSource,
    Row,
    TeamReport,
    first_day,
    last_day,
)
from bot.core.records.team_report_stats import durations, mean, median, pareto, ranked
from bot.core.records.team_report_text import render_text

__all__ = ["ReportSource", "TeamReport", "compute", "daily_counts", "parse_period", "render_text"]

MAX_DAYS = 366
FOLLOWUP_GRACE = timedelta(days=1)
_LAST_DAYS = re.compile(r"^(\d{1,4})\s*d$")
_RANGE = re.compile(r"^(\S+)\s*\.\.\s*(\S+)$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_HELP = "use 7d, 30d, a day (2026-11-05), a month (2026-11) or a range like 2026-11-01..2026-11-15"
_OPEN = ("new", "in_progress")
_RESOLVED = ("resolved", "closed")


def parse_period(text: str, now: datetime, zone: str = "UTC") -> tuple[datetime, datetime]:
    """Read '7d' (today and the 6 days before), '30d', a day 'YYYY-MM-DD', a month 'YYYY-MM'
    or 'YYYY-MM-DD..YYYY-MM-DD' (both days included), days as the team in `zone` counts
    them, into UTC [start, end) with an exclusive end; empty means 7d."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    raw = text.strip().lower() or "7d"
    days = _LAST_DAYS.match(raw)
    if days:
        count = int(days.group(1))
        if not 1 <= count <= MAX_DAYS:
            raise ValueError(f"a period is 1 to {MAX_DAYS} days (got '{text.strip()}')")
        today = now.astimezone(ZoneInfo(zone)).date()
        return _midnight(today - timedelta(days=count - 1), zone), _midnight(today, zone, 1)
    if _DAY.match(raw):
        raw = f"{raw}..{raw}"
    month = _MONTH.match(raw)
    if month:
        return _month(int(month.group(1)), int(month.group(2)), text, zone)
    bounds = _RANGE.match(raw)
    if not bounds:
        raise ValueError(f"'{text.strip()}' is not a period: {_HELP}")
    first, last = (_day(bounds.group(i)) for i in (1, 2))
    if last < first:
        raise ValueError(f"the period ends before it starts ({first} .. {last})")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError(f"a period is 1 to {MAX_DAYS} days (got {(last - first).days + 1})")
    return _midnight(first, zone), _midnight(last, zone, 1)


def _month(year: int, month: int, text: str, zone: str) -> tuple[datetime, datetime]:
    if not 1 <= month <= 12:
        raise ValueError(f"'{text.strip()}' is not a month like 2026-11: {_HELP}")
    following = date(year + month // 12, month % 12 + 1, 1)
    return _midnight(date(year, month, 1), zone), _midnight(following, zone)


def file_name(prefix: str, start: datetime, end: datetime, ext: str, zone: str = "UTC") -> str:
    """A file named for the days it covers: 'team-report-2026-11-01..2026-11-30.png',
    or 'team-report-2026-11-05.png' for one day (never the exclusive end's day)."""
    first, last = first_day(start, zone), last_day(end, zone)
    days = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
    return f"{prefix}-{days}.{ext}"


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"'{raw}' is not a date like 2026-11-01: {_HELP}") from None


def _midnight(day: date, zone: str = "UTC", after: int = 0) -> datetime:
    """The start of `day` (plus `after` days) in the team's zone, as a UTC time."""
    day += timedelta(days=after)
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _time(value: Any) -> datetime | None:
    """A stored time (ISO text or datetime) as an aware UTC datetime."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _seconds(since: Any, until: Any) -> float | None:
    start, end = _time(since), _time(until)
    return (end - start).total_seconds() if start and end else None


def _outcome(status: str) -> str:
    return "resolved" if status in _RESOLVED else "let_go" if status == "let_go" else "open"


def compute(
    source: ReportSource, start: datetime, end: datetime, now: datetime, zone: str = "UTC"
) -> TeamReport:
    """Every figure of the team report for cases opened in [start, end), as of `now`."""
    every = source.report_cases(start, end)
    cases = [r for r in every if r["status"] != "dismissed"]  # not complaints: told apart
    kinds = (EventKind.REMEDY, EventKind.SATISFACTION, EventKind.READING_CORRECTED)
    events = source.report_events(start, end, kinds)
    reminders = source.report_reminders(start, end)
    clocks = _clocks(cases, reminders, now)
    scores = _scores(events)
    facts = tuple(_fact(row, clocks.get(row["id"]), scores.get(row["id"]), now) for row in cases)
    outcomes = Counter(f.outcome for f in facts)
    clock_cases, breaches = len(clocks), sum(c.breached for c in clocks.values())
    due, on_time = _followups(reminders, start, end)
    satisfaction, paradox = _satisfaction(scores, cases)
    return TeamReport(
        start=start,
        end=end,
        now=now,
        opened=len(cases),
        dismissed=len(every) - len(cases),
        resolved=outcomes["resolved"],
        let_go=outcomes["let_go"],
        still_open=outcomes["open"],
        by_reason=ranked(Counter(str(r["reason"] or "other") for r in cases)),
        by_kind=ranked(Counter(str(r["kind"] or "unknown") for r in cases)),
        by_intensity=tuple(sorted(Counter(_intensity(r) for r in cases).items())),
        by_channel=ranked(Counter(str(r["channel_id"]) for r in cases)),
        first_response=durations([f.first_response for f in facts if f.first_response is not None]),
        resolution=durations(_resolution_times(cases)),
        clock_cases=clock_cases,
        breaches=breaches,
        followups_due=due,
        followups_on_time=on_time,
        repeat=pareto((r["platform"], r["customer_id"]) for r in cases),
        agents=_agents(source.report_agent_cases(start, end), start, end),
        remedies=_remedies(events, cases),
        satisfaction=satisfaction,
        paradox=paradox,
        cases=facts,
        zone=zone,
        corrected=_corrected(events, {int(r["id"]) for r in cases}),
    )


def _corrected(events: list[Row], counted: set[int]) -> Counts:
    """How many of the counted cases had each part of their reading corrected."""
    cases: dict[str, set[int]] = {}
    for event in events:
        if event["kind"] == EventKind.READING_CORRECTED and int(event["case_id"]) in counted:
            cases.setdefault(str(event["details"].get("part", "")), set()).add(event["case_id"])
    return tuple((part, len(cases[part])) for part in PARTS if part in cases)


def _fact(row: Row, clock: _Clock | None, score: int | None, now: datetime) -> CaseFact:
    opened = _time(row["opened_at"])
    assert opened is not None
    return CaseFact(
        row["id"],
        opened,
        _outcome(row["status"]),
        _seconds(opened, row["first_response_at"]),
        reason=str(row["reason"] or "other"),
        intensity=_intensity(row),
        target=clock.target if clock else None,
        waited=((clock.acted if clock else _acted(row, now)) - opened).total_seconds(),
        breached=bool(clock and clock.breached),
        score=score,
    )


def _intensity(row: Row) -> int:
    return min(3, max(0, int(row["intensity"] or 0)))


def _resolution_times(cases: list[Row]) -> list[float]:
    times = [_seconds(r["opened_at"], r["resolved_at"]) for r in cases if r["status"] in _RESOLVED]
    return [t for t in times if t is not None]


@dataclass(frozen=True)
class _Clock:
    """A case's first-response clock: the time it gave, when the agent acted, if it ran out."""

    target: float | None
    acted: datetime
    breached: bool


def _acted(case: Row, now: datetime) -> datetime:
    """The first agent action, else the resolution or closing, else now."""
    return _time(case["first_response_at"] or case["resolved_at"] or case["closed_at"]) or now


def _clocks(cases: list[Row], reminders: list[Row], now: datetime) -> dict[int, _Clock]:
    """Each case with a first-response clock, and whether it ran out: the reminder was
    pinged, or the first agent action (else resolution, closing, or now) came after it was due."""
    by_id = {r["id"]: r for r in cases}
    found: dict[int, list[Row]] = defaultdict(list)
    for reminder in reminders:
        if reminder["kind"] == "first-response" and reminder["case_id"] in by_id:
            found[reminder["case_id"]].append(reminder)
    clocks = {}
    for case_id, rows in found.items():
        case = by_id[case_id]
        acted = _acted(case, now)
        dues = [d for d in (_time(r["due_at"]) for r in rows) if d is not None]
        opened = _time(case["opened_at"])
        target = (min(dues) - opened).total_seconds() if dues and opened else None
        clocks[case_id] = _Clock(target, acted, any(_ran_out(r, acted) for r in rows))
    return clocks


def _ran_out(reminder: Row, acted: datetime) -> bool:
    """A first-response reminder was pinged, or the agent acted after it was due."""
    due = _time(reminder["due_at"])
    pinged = bool(reminder["sent_at"]) or reminder["status"] == "sent"
    return pinged or (due is not None and acted > due)


def _followups(reminders: list[Row], start: datetime, end: datetime) -> tuple[int, int]:
    """Follow-up reminders due in [start, end) (cancelled ones left out), and those done
    before their due time plus one day."""
    due = on_time = 0
    for reminder in reminders:
        when = _time(reminder["due_at"])
        if reminder["kind"] != "follow-up" or reminder["status"] == "cancelled":
            continue
        if when is None or not start <= when < end:
            continue
        due += 1
        done = _time(reminder["done_at"])
        in_time = done is not None and done < when + FOLLOWUP_GRACE
        on_time += reminder["status"] == "done" and in_time
    return due, on_time


def _agents(rows: list[Row], start: datetime, end: datetime) -> tuple[AgentLoad, ...]:
    """Each assignee's open cases now and cases resolved in the period, busiest first."""
    names: dict[str, str] = {}
    open_now: Counter[str] = Counter()
    resolved: Counter[str] = Counter()
    for row in rows:
        agent = str(row["assignee_id"])
        names[agent] = row["assignee_name"] or agent
        when = _time(row["resolved_at"])
        open_now[agent] += row["status"] in _OPEN
        resolved[agent] += row["status"] in _RESOLVED and when is not None and start <= when < end
    loads = [AgentLoad(names[a], open_now[a], resolved[a]) for a in names]
    return tuple(sorted(loads, key=lambda x: (-(x.open + x.resolved), x.name)))


def _remedies(events: list[Row], cases: list[Row]) -> tuple[RemedyTotal, ...]:
    """Remedies per reason of the case: how many, and totals per currency."""
    reasons = {r["id"]: str(r["reason"] or "other") for r in cases}
    counts: Counter[str] = Counter()
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for event in events:
        if event["kind"] != EventKind.REMEDY:
            continue
        reason = reasons.get(event["case_id"], "other")
        counts[reason] += 1
        amount, currency = _money(event["details"])
        if amount is not None:
            totals[reason][currency] += amount
    return tuple(
        RemedyTotal(reason, count, tuple(sorted(totals[reason].items())))
        for reason, count in ranked(counts)
    )


def _money(details: dict[str, Any]) -> tuple[Decimal | None, str]:
    currency = str(details.get("currency") or "?").upper()
    try:
        amount = Decimal(str(details.get("amount")))
    except InvalidOperation:
        return None, currency
    return (amount, currency) if amount.is_finite() else (None, currency)


def _scores(events: list[Row]) -> dict[int, int]:
    """The last satisfaction score (1-5) of each case."""
    latest: dict[int, int] = {}
    for event in events:
        score = event["details"].get("score") if event["kind"] == EventKind.SATISFACTION else None
        if isinstance(score, int | str) and str(score).isdigit() and 1 <= int(score) <= 5:
            latest[event["case_id"]] = int(score)
    return latest


def _satisfaction(
    latest: dict[int, int], cases: list[Row]
) -> tuple[tuple[IntensityScore, ...], Paradox]:
    """The last satisfaction score of each case, by the intensity the case opened with."""
    intensity = {r["id"]: _intensity(r) for r in cases}
    levels: dict[int, list[float]] = {level: [] for level in range(4)}
    for case_id, score in latest.items():
        levels[intensity.get(case_id, 0)].append(score)
    hot = levels[2] + levels[3]
    calm = levels[0] + levels[1]
    scores = tuple(IntensityScore(i, len(v), mean(v)) for i, v in levels.items())
    return scores, Paradox(len(hot), mean(hot), len(calm), mean(calm))


def daily_counts(report: TeamReport) -> tuple[DayCounts, ...]:
    """One entry per day of the period (the team's days): cases opened by outcome,
    first-response median."""
    zone = ZoneInfo(report.zone)
    first, last = first_day(report.start, report.zone), last_day(report.end, report.zone)
    by_day: dict[date, list[Any]] = defaultdict(list)
    for fact in report.cases:
        by_day[fact.opened_at.astimezone(zone).date()].append(fact)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        facts = by_day.get(day, [])
        outcomes = Counter(f.outcome for f in facts)
        responses = [f.first_response for f in facts if f.first_response is not None]
        days.append(
            DayCounts(
                day,
                len(facts),
                outcomes["resolved"],
                outcomes["let_go"],
                outcomes["open"],
                median(responses),
            )
        )
    return tuple(days)
