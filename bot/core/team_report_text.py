"""The team report as a chat message: short sections, plain words."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clocks import describe
from bot.core.team_report_model import Counts, TeamReport
from bot.core.team_report_stats import Durations

_TOP = 5  # values listed per breakdown; the rest are summed as "others"


def render_text(report: TeamReport) -> str:
    """A readable message with the report's figures; an empty period says so plainly."""
    lines = [_title(report)]
    if report.empty:
        lines.append("No cases were opened in this period.")
    else:
        lines += [*_summary(report), "", *_clocks(report), "", *_breakdowns(report)]
        lines += _repeat(report)
    for section in (_agents(report), _remedies(report), _satisfaction(report)):
        if section:
            lines += ["", *section]
    if report.empty and report.followups_due:
        lines += ["", _followups(report)]
    return "\n".join(lines)


def _title(report: TeamReport) -> str:
    last = report.end - timedelta(microseconds=1)
    return f"📊 Team report · {report.start:%Y-%m-%d} → {last:%Y-%m-%d} (UTC)"


def _summary(report: TeamReport) -> list[str]:
    return [
        f"{report.opened} opened · {report.resolved} resolved · "
        f"{report.let_go} let go · {report.still_open} still open"
    ]


def _duration(seconds: float | None) -> str:
    return "—" if seconds is None else describe(timedelta(seconds=seconds))


def _times(label: str, figures: Durations) -> str:
    if not figures.count:
        return f"{label}: no data yet"
    return (
        f"{label}: median {_duration(figures.median)} · 90% within "
        f"{_duration(figures.p90)} ({figures.count} {_plural(figures.count, 'case')})"
    )


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({round(100 * part / whole)}%)" if whole else "none"


def _followups(report: TeamReport) -> str:
    if not report.followups_due:
        return "Follow-ups done on time: none due"
    return f"Follow-ups done on time: {_share(report.followups_on_time, report.followups_due)}"


def _clocks(report: TeamReport) -> list[str]:
    return [
        "⏱ Response",
        _times("First response", report.first_response),
        _times("Resolution", report.resolution),
        f"Response-clock breaches: {_share(report.breaches, report.clock_cases)}",
        _followups(report),
    ]


def _counts(label: str, counts: Counts) -> str:
    shown = [f"{name} {n}" for name, n in counts[:_TOP]]
    rest = sum(n for _, n in counts[_TOP:])
    return f"{label}: " + " · ".join(shown + ([f"others {rest}"] if rest else []))


def _breakdowns(report: TeamReport) -> list[str]:
    intensity = tuple(("🔥" * level or "calm", n) for level, n in reversed(report.by_intensity))
    return [
        "📂 Cases by",
        _counts("Reason", report.by_reason),
        _counts("Kind of customer", report.by_kind),
        "Intensity: " + " · ".join(f"{name} {n}" for name, n in intensity),
        _counts("Channel", report.by_channel),
    ]


def _repeat(report: TeamReport) -> list[str]:
    p = report.repeat
    if not p.cases:
        return []
    return [
        "",
        f"🔁 Repeat customers: {p.top_cases} of the {p.cases} cases "
        f"({round(100 * p.top_cases / p.cases)}%) came from the most frequent 20% of "
        f"customers ({p.top_customers} of {p.customers})",
    ]


def _agents(report: TeamReport) -> list[str]:
    if not report.agents:
        return []
    rows = [f"• {a.name}: {a.open} open · {a.resolved} resolved" for a in report.agents]
    return ["👥 Agents (open now · resolved in the period)", *rows]


def _remedies(report: TeamReport) -> list[str]:
    if not report.remedies:
        return []
    rows = []
    for remedy in report.remedies:
        money = " + ".join(f"{amount} {currency}" for currency, amount in remedy.totals)
        rows.append(f"• {remedy.reason}: {remedy.count} · {money or 'no amount'}")
    return ["💶 Remedies by reason", *rows]


def _mean(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}/5"


def _satisfaction(report: TeamReport) -> list[str]:
    if not any(s.count for s in report.satisfaction):
        return []
    levels = " · ".join(
        f"{s.intensity}: {_mean(s.mean)} ({s.count})" for s in report.satisfaction if s.count
    )
    p = report.paradox
    lines = [
        "😊 Satisfaction after follow-up, by how hot the complaint was at first",
        f"Intensity {levels}",
        f"Hot (2–3): {_mean(p.hot_mean)} from {p.hot_count} · "
        f"calm (0–1): {_mean(p.calm_mean)} from {p.calm_count}",
    ]
    if p.difference is not None:
        lines.append(_verdict(p.difference))
    return lines


def _verdict(difference: float) -> str:
    if difference > 0:
        return "→ hot complaints ended happier than calm ones: the recovery paradox shows."
    if difference < 0:
        return "→ hot complaints ended less satisfied than calm ones: no recovery paradox yet."
    return "→ hot and calm complaints ended equally satisfied."
