"""What the team report shows, worked out once for both its renderings.

The message (`team_report_text`) and the chart (`bot/charts.py`) are drawn from the
same `Figures`: the same counts, the same "other" bucket, and the same duration
strings ("48 s" in the text is "median 48 s" on the chart, never "1 min").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core.base.clocks import describe
from bot.core.records.team_report_model import Counts, TeamReport, first_day, last_day
from bot.core.texts import label, t

TOP = 5  # values shown per breakdown; the rest join the one "other" bucket
OTHER = "other"  # the reason vocabulary's own "other": it is that same bucket
HOT = 2  # intensity from which a complaint counts as hot (the recovery paradox)
SATISFIED = 4  # scores from which a customer counts as satisfied
#: The open backlog's age buckets: (upper bound in seconds, or None, and its label).
AGES: tuple[tuple[float | None, str], ...] = (
    (3600, "< 1h"),
    (4 * 3600, "1–4h"),
    (86400, "4h–1d"),
    (3 * 86400, "1–3d"),
    (None, "> 3d"),
)


@dataclass(frozen=True)
class Bar:
    """One labelled count: a reason, an age bucket."""

    label: str
    count: int


@dataclass(frozen=True)
class Response:
    """One case on its first-response clock: how long it waited, against what target."""

    case_id: int
    waited: float  # seconds to the first response, or waited so far if never answered
    answered: bool
    target: float | None  # seconds; None when the case had no clock
    breached: bool


@dataclass(frozen=True)
class Level:
    """Satisfaction of the scored cases that opened at one intensity."""

    intensity: int
    name: str  # "calm", "1", "2", "3"
    count: int
    mean: float | None
    mean_label: str  # "4.0/5"
    satisfied: int  # scored SATISFIED or more


@dataclass(frozen=True)
class Figures:
    """Everything the text and the chart show, in the agents' language."""

    language: str
    title: str
    empty: bool
    reasons: tuple[Bar, ...]
    first_count: int  # cases answered
    first_median: float | None
    first_median_label: str
    first_p90_label: str
    targets_label: str  # "15 min", or "5 min / 15 min" when impacts differ; "" with no clock
    responses: tuple[Response, ...]  # in opening order
    clock_cases: int
    breaches: int
    unanswered: int  # cases with a clock and no first response yet
    levels: tuple[Level, ...]  # only intensities with scores
    hot_scored: int
    hot_satisfied: int
    still_open: int
    backlog: tuple[Bar, ...]  # every age bucket, youngest first


def duration(seconds: float | None) -> str:
    """A duration as every part of the report writes it: '48 s', '15 min', '2h 5m'."""
    return "—" if seconds is None else describe(timedelta(seconds=seconds))


def score_label(value: float | None) -> str:
    """A mean score as '4.0/5'."""
    return "—" if value is None else f"{value:.1f}/5"


def top(counts: Counts, lang: str, group: str = "") -> tuple[Bar, ...]:
    """The TOP largest values, then one "other" bucket holding the rest (and, for reasons,
    the reason "other" itself): never "other 2 · … · others 1" side by side."""
    named = [(name, n) for name, n in counts if not (group == "reason" and name == OTHER)]
    rest = sum(n for name, n in counts if group == "reason" and name == OTHER)
    rest += sum(n for _, n in named[TOP:])
    bars = [Bar(label(group, name, lang) if group else name, n) for name, n in named[:TOP]]
    return (*bars, Bar(t("team.other", lang), rest)) if rest else tuple(bars)


def title(report: TeamReport, lang: str) -> str:
    """'📊 Team report · 2026-11-20 → 2026-11-26 (Europe/Madrid)': both days included,
    as the team's zone counts them."""
    first, last = first_day(report.start, report.zone), last_day(report.end, report.zone)
    return t(
        "team.title", lang, start=f"{first:%Y-%m-%d}", end=f"{last:%Y-%m-%d}", zone=report.zone
    )


def figures(report: TeamReport, lang: str = "en") -> Figures:
    """The report's figures as both its renderings show them."""
    first = report.first_response
    responses = tuple(
        Response(f.case_id, f.waited, f.first_response is not None, f.target, f.breached)
        for f in sorted(report.cases, key=lambda f: (f.opened_at, f.case_id))
        if f.first_response is not None or f.target is not None
    )
    targets = sorted({r.target for r in responses if r.target is not None})
    return Figures(
        language=lang,
        title=title(report, lang),
        empty=report.empty,
        reasons=top(report.by_reason, lang, "reason"),
        first_count=first.count,
        first_median=first.median,
        first_median_label=duration(first.median),
        first_p90_label=duration(first.p90),
        targets_label=" / ".join(dict.fromkeys(duration(s) for s in targets)),
        responses=responses,
        clock_cases=report.clock_cases,
        breaches=report.breaches,
        unanswered=sum(not r.answered and r.target is not None for r in responses),
        levels=_levels(report, lang),
        hot_scored=report.paradox.hot_count,
        hot_satisfied=sum(
            1 for f in report.cases if f.score and f.score >= SATISFIED and f.intensity >= HOT
        ),
        still_open=report.still_open,
        backlog=_backlog(report),
    )


def _levels(report: TeamReport, lang: str) -> tuple[Level, ...]:
    levels = []
    for score in report.satisfaction:
        if not score.count:
            continue
        satisfied = sum(
            1
            for f in report.cases
            if f.intensity == score.intensity and f.score and f.score >= SATISFIED
        )
        name = t("team.calm", lang) if score.intensity == 0 else str(score.intensity)
        levels.append(
            Level(
                score.intensity, name, score.count, score.mean, score_label(score.mean), satisfied
            )
        )
    return tuple(levels)


def _backlog(report: TeamReport) -> tuple[Bar, ...]:
    """The period's cases still open, by how long ago they opened (as of `now`)."""
    counts = [0] * len(AGES)
    for fact in report.cases:
        if fact.outcome != "open":
            continue
        age = (report.now - fact.opened_at).total_seconds()
        index = next(i for i, (bound, _) in enumerate(AGES) if bound is None or age < bound)
        counts[index] += 1
    return tuple(Bar(name, n) for (_, name), n in zip(AGES, counts, strict=True))
