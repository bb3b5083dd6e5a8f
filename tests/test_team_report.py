"""The team report: figures against cases built with known times, the message, the chart."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.charts import chart_data, report_png
from bot.core.base.case import Case, EventKind
from bot.core.base.clocks import ReminderKind
from bot.core.base.model import Actor, Status
from bot.core.records.team_report import (
    TeamReport,
    compute,
    daily_counts,
    parse_period,
    render_text,
)
from bot.core.records.team_report_model import IntensityScore
from bot.core.records.team_report_stats import median, pareto, percentile
from bot.core.reminders import scheduler
from bot.wiring import App
from tests.conftest import AGENT, OTHER_AGENT, complaint
from tests.support import FakeClock

DOCS = Path(__file__).resolve().parent.parent / "docs"
TEXT = "My order 5521 arrived broken and nobody answers. I want a refund."
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@dataclass
class Team:
    """Drives the app at known times: every action says when it happens ('11-20 09:00')."""

    app: App
    clock: FakeClock

    def at(self, when: str) -> None:
        """Move the fake clock to a UTC time in 2026."""
        self.clock.current = datetime.fromisoformat(f"2026-{when}").replace(tzinfo=UTC)

    def open(self, when: str, customer: str, channel: str = "C1", **reading: Any) -> Case:
        """Open a case for a customer with a known reason, kind and intensity."""
        case = self.try_open(when, customer, channel, **reading)
        assert case is not None
        return case

    def try_open(
        self, when: str, customer: str, channel: str = "C1", **reading: Any
    ) -> Case | None:
        """Open a case, or None when the message joins the customer's open case there."""
        self.at(when)
        author = Actor("test", customer, customer.title())
        msg = complaint(TEXT, f"m-{when}-{customer}", author, channel)
        case = self.app.engine.open_case(msg)
        if case is None:
            return None
        reading = {"reason": "delivery", "kind": "rude", "intensity": 2, **reading}
        return self.app.store.update_case(case.id, **reading)

    def act(self, case: Case, when: str, verb: str, who: Actor = AGENT) -> None:
        """Claim, resolve or let go a case."""
        self.at(when)
        fresh = self.app.store.get_case(case.id)
        assert fresh is not None
        if verb == "claim":
            assert self.app.engine.claim(fresh, who).ok
            return
        target = {"resolve": Status.RESOLVED, "let go": Status.LET_GO}[verb]
        assert self.app.engine.transition(fresh, who, target, verb).ok

    def record(self, case: Case, when: str, kind: EventKind, **details: Any) -> None:
        """Append a remedy or satisfaction entry to the timeline."""
        self.at(when)
        with self.app.store.atomic():
            self.app.store.append_event(case.id, self.clock.now(), AGENT, kind, details)

    def remedy(self, case: Case, when: str, kind: str, amount: str, currency: str) -> None:
        """Record a remedy the lead approved."""
        self.record(
            case,
            when,
            EventKind.REMEDY,
            type=kind,
            amount=amount,
            currency=currency,
            approved_by="lead",
        )

    def followed_up(self, case: Case, when: str, score: int) -> None:
        """Mark the follow-up reminder done and record the customer's score."""
        self.at(when)
        found = [
            r for r in self.app.store.reminders_for(case.id) if r.kind is ReminderKind.FOLLOW_UP
        ]
        fresh = self.app.store.get_case(case.id)
        assert found and fresh is not None
        assert scheduler.finish(self.app.engine, fresh, AGENT, "done", found[0]).ok
        self.record(case, when, EventKind.SATISFACTION, score=score)


def early_week(t: Team) -> tuple[Case, Case]:
    """A case from before the period, then two on its first day."""
    c1 = t.open("11-19 23:00", "c1")  # before the period...
    t.act(c1, "11-19 23:05", "claim")
    t.act(c1, "11-20 08:30", "resolve")  # ...but resolved in it, before c1 writes again
    c2 = t.open("11-20 09:00", "c1", intensity=3)
    t.act(c2, "11-20 09:10", "claim")  # 600 s
    t.act(c2, "11-20 11:00", "resolve")  # 7200 s
    t.remedy(c2, "11-20 11:01", "refund", "20.00", "EUR")
    t.remedy(c2, "11-20 11:02", "discount", "5.50", "eur")
    c3 = t.open("11-20 12:00", "c2", "C2", reason="product", kind="meticulous", intensity=1)
    t.act(c3, "11-20 12:20", "claim", OTHER_AGENT)  # 1200 s: past the 15 min clock
    t.act(c3, "11-21 12:00", "resolve", OTHER_AGENT)  # 86400 s
    t.remedy(c3, "11-21 12:01", "replacement", "35.00", "USD")
    return c2, c3


def late_week(t: Team, c2: Case, c3: Case) -> None:
    """A pinged case let go, follow-ups on time and late, an unanswered case, one after."""
    c4 = t.open("11-22 08:00", "c1")
    t.at("11-22 08:16")
    assert t.app.scheduler.tick() == 1  # the first-response reminder is pinged: a breach
    t.act(c4, "11-22 08:30", "claim")  # 1800 s
    t.act(c4, "11-22 09:00", "let go")
    t.record(c2, "11-23 12:00", EventKind.SATISFACTION, score=2)
    t.followed_up(c2, "11-23 15:00", 5)  # due 11-23 11:00: on time; the last score counts
    c5 = t.open("11-24 10:00", "c3", reason="billing", kind="argumentative", intensity=0)
    t.act(c5, "11-24 10:05", "claim")  # 300 s
    t.act(c5, "11-24 10:35", "resolve")  # 2100 s
    t.record(c5, "11-24 11:00", EventKind.SATISFACTION, score=4)
    t.followed_up(c3, "11-25 13:00", 3)  # due 11-24 12:00: more than a day late
    t.open("11-26 23:59", "c1", "C2", intensity=3)  # never answered
    c7 = t.open("11-27 00:00", "c4")  # the end is exclusive: not in the period
    t.act(c7, "11-27 00:10", "claim", OTHER_AGENT)
    t.remedy(c7, "11-27 00:20", "refund", "100", "EUR")


@pytest.fixture
def week(app: App, clock: FakeClock) -> TeamReport:
    team = Team(app, clock)
    late_week(team, *early_week(team))
    start, end = parse_period("2026-11-20..2026-11-26", NOW)
    return compute(app.store, start, end, NOW)


def test_counts_and_breakdowns(week: TeamReport) -> None:
    assert (week.opened, week.resolved, week.let_go, week.still_open) == (5, 3, 1, 1)
    assert week.by_reason == (("delivery", 3), ("billing", 1), ("product", 1))
    assert week.by_kind == (("rude", 3), ("argumentative", 1), ("meticulous", 1))
    assert week.by_intensity == ((0, 1), (1, 1), (2, 1), (3, 2))
    assert week.by_channel == (("C1", 3), ("C2", 2))


def test_durations_are_exact(week: TeamReport) -> None:
    first = week.first_response  # 300, 600, 1200, 1800
    assert (first.count, first.median, first.p90) == (4, 900.0, 1800.0)
    done = week.resolution  # 2100, 7200, 86400
    assert (done.count, done.median, done.p90) == (3, 7200.0, 86400.0)


def test_clock_breaches_followups_and_pareto(week: TeamReport) -> None:
    assert (week.clock_cases, week.breaches) == (5, 3)  # late, pinged, never answered
    assert (week.followups_due, week.followups_on_time) == (3, 1)  # c1's is still pending
    repeat = week.repeat
    assert (repeat.customers, repeat.top_customers, repeat.top_cases, repeat.cases) == (3, 1, 3, 5)
    assert repeat.share == 0.6


def test_agent_load_counts_open_now_and_resolved_in_period(week: TeamReport) -> None:
    loads = [(a.name, a.open, a.resolved) for a in week.agents]
    assert loads == [("ana", 0, 3), ("luis", 1, 1)]


def test_remedies_by_reason_with_decimal_totals(week: TeamReport) -> None:
    rows = [(r.reason, r.count, r.totals) for r in week.remedies]
    assert rows == [
        ("delivery", 2, (("EUR", Decimal("25.50")),)),
        ("product", 1, (("USD", Decimal("35.00")),)),
    ]


def test_satisfaction_by_intensity_and_the_paradox(week: TeamReport) -> None:
    assert week.satisfaction == (
        IntensityScore(0, 1, 4.0),
        IntensityScore(1, 1, 3.0),
        IntensityScore(2, 0, None),
        IntensityScore(3, 1, 5.0),  # the last answer counts, not the first (2)
    )
    p = week.paradox
    assert (p.hot_count, p.hot_mean, p.calm_count, p.calm_mean) == (1, 5.0, 2, 3.5)
    assert p.difference == 1.5


def test_daily_counts(week: TeamReport) -> None:
    days = [
        (d.day.day, d.opened, d.resolved, d.let_go, d.still_open, d.first_response_median)
        for d in daily_counts(week)
    ]
    assert days == [
        (20, 2, 2, 0, 0, 900.0),
        (21, 0, 0, 0, 0, None),
        (22, 1, 0, 1, 0, 1800.0),
        (23, 0, 0, 0, 0, None),
        (24, 1, 1, 0, 0, 300.0),
        (25, 0, 0, 0, 0, None),
        (26, 1, 0, 0, 1, None),
    ]


def test_render_text_reads_well(week: TeamReport) -> None:
    text = render_text(week)
    for expected in (
        "Team report · 2026-11-20 → 2026-11-26 (UTC)",
        "5 opened · 3 resolved · 1 let go · 1 still open",
        "First response: median 15 min · 90% within 30 min (4 cases)",
        "Resolution: median 2h · 90% within 1d (3 cases)",
        "Response-clock breaches: 3 of 5 (60%)",
        "Follow-ups done on time: 1 of 3 (33%)",
        "Reason: delivery 3 · billing 1 · product 1",
        "Intensity: 🔥🔥🔥 2 · 🔥🔥 1 · 🔥 1 · calm 1",
        "3 of the 5 cases (60%) came from the most frequent 20% of customers (1 of 3)",
        "• ana: 0 open · 3 resolved",
        "• delivery: 2 · 25.50 EUR",
        "Hot (2–3): 5.0/5 from 1 · calm (0–1): 3.5/5 from 2",
        "happier",
    ):
        assert expected in text
    assert "Lucía" not in text and "C4" not in text
    assert max(len(line) for line in text.splitlines()) < 110


def test_an_empty_period_says_so(app: App, clock: FakeClock) -> None:
    start, end = parse_period("2026-10-01..2026-10-07", NOW)
    report = compute(app.store, start, end, NOW)
    assert (report.opened, report.resolved, report.let_go, report.still_open) == (0, 0, 0, 0)
    assert report.first_response.median is None and report.resolution.p90 is None
    assert report.repeat.share is None and report.paradox.difference is None
    assert report.agents == () and report.remedies == ()
    assert [d.opened for d in daily_counts(report)] == [0] * 7
    text = render_text(report)
    assert "No cases were opened in this period." in text
    assert len(text.splitlines()) == 2


def test_a_single_case(app: App, clock: FakeClock) -> None:
    t = Team(app, clock)
    case = t.open("11-25 09:00", "solo", intensity=3)
    t.act(case, "11-25 09:07", "claim")
    t.act(case, "11-25 10:00", "resolve")
    report = compute(app.store, *parse_period("7d", NOW), NOW)
    assert (report.opened, report.resolved, report.breaches, report.clock_cases) == (1, 1, 0, 1)
    assert (report.first_response.median, report.first_response.p90) == (420.0, 420.0)
    assert (report.resolution.median, report.resolution.p90) == (3600.0, 3600.0)
    assert report.repeat.share == 1.0
    assert [(a.name, a.open, a.resolved) for a in report.agents] == [("ana", 0, 1)]
    assert "1 opened · 1 resolved · 0 let go · 0 still open" in render_text(report)


def test_statistics_are_exact() -> None:
    assert median([4, 1, 3, 2]) == 2.5 and median([5]) == 5.0 and median([]) is None
    assert percentile(list(range(1, 11)), 90) == 9.0  # nearest rank: ceil(0.9 * 10) = 9
    assert percentile(list(range(1, 12)), 90) == 10.0  # ceil(9.9) = 10
    assert percentile([7, 3], 50) == 3.0 and percentile([7, 3], 100) == 7.0
    with pytest.raises(ValueError, match="between 1 and 100"):
        percentile([1], 0)


def test_pareto_takes_ceil_20_percent_of_customers() -> None:
    fifteen = [f"c{i}" for i in range(15)] + ["c0"] * 5 + ["c1"] * 3 + ["c2"]
    p = pareto(fifteen)  # 15 customers: the top 3 (c0, c1, c2) bring 6 + 4 + 2 cases
    assert (p.customers, p.top_customers, p.top_cases, p.cases) == (15, 3, 12, 24)
    assert p.share == 12 / 24
    assert pareto(["a", "b", "c", "d", "e", "f"]).top_customers == 2  # ceil(1.2)
    assert pareto([]).share is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("7d", "2026-11-20", "2026-11-27"),
        ("", "2026-11-20", "2026-11-27"),
        (" 30D ", "2026-10-28", "2026-11-27"),
        ("1d", "2026-11-26", "2026-11-27"),
        ("2026-11-01..2026-11-15", "2026-11-01", "2026-11-16"),
        ("2026-11-01 .. 2026-11-01", "2026-11-01", "2026-11-02"),
    ],
)
def test_parse_period(text: str, start: str, end: str) -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    assert parse_period(text, now) == (
        datetime.fromisoformat(start).replace(tzinfo=UTC),
        datetime.fromisoformat(end).replace(tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7", "is not a period: use 7d, 30d"),
        ("2w", "is not a period"),
        ("last week", "is not a period"),
        ("0d", "1 to 366 days"),
        ("400d", "1 to 366 days"),
        ("2026-11-15..2026-11-01", "ends before it starts"),
        ("2026-13-01..2026-13-02", "'2026-13-01' is not a date"),
        ("2024-01-01..2026-01-01", "1 to 366 days"),
    ],
)
def test_parse_period_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(text, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))


def assert_png(data: bytes) -> tuple[int, int]:
    """A PNG's signature and IHDR chunk; return its width and height."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 1000 <= width <= 1600 and 600 <= height <= 1000
    assert len(data) < 500_000
    assert data.endswith(b"IEND\xaeB`\x82")
    return width, height


def test_the_chart_is_a_deterministic_png(week: TeamReport) -> None:
    data = report_png(week)
    assert assert_png(data) == (1200, 800)
    assert data == report_png(week)
    assert b"Software" not in data and b"matplotlib" not in data


def test_the_chart_of_an_empty_and_a_long_period(app: App) -> None:
    empty = compute(app.store, *parse_period("2026-10-01..2026-10-07", NOW), NOW)
    long = compute(app.store, *parse_period("90d", NOW), NOW)
    assert assert_png(report_png(empty)) == (1200, 800)
    assert assert_png(report_png(long)) == (1200, 800)
    assert report_png(empty) != report_png(long)


AGENTS = (AGENT, OTHER_AGENT, Actor("test", "U-mei", "mei", is_agent=True))
REASONS = ("delivery", "delivery", "product", "billing", "service", "technical")
KINDS = ("rude", "argumentative", "impulsive", "meticulous", "distrustful", "unknown")


def seed_sample(t: Team) -> None:
    """A realistic fortnight (2026-11-13..26) for the sample report, seeded randomness."""
    rng = random.Random(6)
    customers = [f"cust{i}" for i in range(18)]
    for day in range(14):
        for n in range(rng.choice((1, 2, 3, 3, 4, 5))):
            when = datetime(2026, 11, 13 + day, 8 + n * 3 + rng.randint(0, 2), tzinfo=UTC)
            _sample_case(t, rng, when, rng.choice(customers[: rng.choice((4, 18))]))


def _stamp(t: Team) -> str:
    return t.clock.current.strftime("%m-%dT%H:%M:%S")


def _sample_case(t: Team, rng: random.Random, when: datetime, who: str) -> None:
    """One sample case: opened, claimed after a while, then how it ended."""
    intensity = rng.choice((0, 1, 1, 2, 2, 2, 3, 3))
    channel = rng.choice(("C-support", "C-support", "C-vip"))
    case = t.try_open(
        when.strftime("%m-%dT%H:%M:%S"),
        who,
        channel,
        reason=rng.choice(REASONS),
        kind=rng.choice(KINDS),
        intensity=intensity,
    )
    agent, fate = rng.choice(AGENTS), rng.random()
    if case is None:  # the customer wrote again about their open case
        return
    t.clock.advance(minutes=rng.choice((3, 6, 9, 12, 14, 18, 25, 40)))
    if t.clock.current < NOW - timedelta(hours=4):  # the last evening's cases still wait
        t.act(case, _stamp(t), "claim", agent)
        t.clock.advance(hours=rng.choice((1, 2, 4, 8, 20, 30)))
        if fate <= 0.85 and t.clock.current < NOW:  # else still being worked on
            verb = "let go" if fate < 0.12 else "resolve"
            _sample_outcome(t, rng, case, agent, verb, intensity)


def _sample_outcome(
    t: Team, rng: random.Random, case: Case, agent: Actor, verb: str, intensity: int
) -> None:
    """Resolve or let go; a resolved case may get a remedy, a follow-up and a score."""
    t.act(case, _stamp(t), verb, agent)
    if verb != "resolve":
        return
    if rng.random() < 0.5:
        kind, amount = rng.choice(
            (("refund", "25.00"), ("discount", "10.00"), ("replacement", "40.00"))
        )
        t.remedy(case, _stamp(t), kind, amount, "EUR")
    t.clock.advance(days=3, hours=rng.choice((0, 1, 2, 30)))
    if rng.random() < 0.7 and t.clock.current < NOW:
        score = 3 + intensity // 2 + rng.choice((-1, 0, 0, 1))  # hot ones recover better
        t.followed_up(case, _stamp(t), min(5, max(1, score)))


def sample_report(app: App, clock: FakeClock) -> TeamReport:
    """The sample fortnight's report, as of NOW."""
    seed_sample(Team(app, clock))
    return compute(app.store, *parse_period("2026-11-13..2026-11-26", NOW), NOW)


def test_the_sample_report_adds_up(app: App, clock: FakeClock) -> None:
    report = sample_report(app, clock)
    days = daily_counts(report)
    assert report.opened > 30 and len(days) == 14
    assert report.opened == report.resolved + report.let_go + report.still_open
    assert sum(d.opened for d in days) == report.opened
    assert sum(d.let_go for d in days) == report.let_go
    assert report.first_response.median is not None and report.repeat.share is not None
    assert_png(report_png(report))


def test_the_committed_sample_is_a_png_and_a_report() -> None:
    png = (DOCS / "sample-team-report.png").read_bytes()
    assert assert_png(png) == (1200, 800)
    text = (DOCS / "sample-team-report.md").read_text(encoding="utf-8")
    assert "sample-team-report.png" in text and "Team report ·" in text
    # The committed chart was drawn from the committed message's figures.
    data, message = chart_data(png), text.split("```\n")[1]
    assert data["title"] == message.splitlines()[0]
    reasons = " · ".join(f"{b['label']} {b['count']}" for b in data["reasons"])
    assert f"\nReason: {reasons}\n" in message
    assert f"First response: median {data['first_median_label']} ·" in message
    assert f"breaches: {data['breaches']} of {data['clock_cases']} (" in message
