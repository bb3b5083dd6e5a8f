"""The team report as a chat message: short sections, plain words, in the agents' language.

Its figures come from `team_report_figures`, as the chart's do: the two always agree."""

from __future__ import annotations

from bot.core.records.team_report_figures import Bar, Figures, duration, figures, score_label, top
from bot.core.records.team_report_model import Counts, TeamReport
from bot.core.records.team_report_stats import Durations
from bot.core.texts import label, plural, t


def render_text(report: TeamReport, language: str = "en", shown: Figures | None = None) -> str:
    """A readable message with the report's figures; an empty period says so plainly.
    `shown` is the figures the chart is drawn from (worked out here when not given)."""
    lang = language
    fig = shown or figures(report, lang)
    lines = [fig.title]
    if report.empty:
        lines.append(t("team.empty", lang))
    else:
        lines += [*_summary(report, lang), *_backlog(fig, lang), ""]
        lines += [*_clocks(report, fig, lang), ""]
        lines += [*_breakdowns(report, fig, lang), _corrected(report, lang)]
        lines += _repeat(report, lang)
    sections = (_agents(report, lang), _remedies(report, lang), _satisfaction(report, fig, lang))
    for section in sections:
        if section:
            lines += ["", *section]
    if report.empty and report.followups_due:
        lines += ["", _followups(report, lang)]
    return "\n".join(lines)


def _summary(report: TeamReport, lang: str) -> list[str]:
    return [
        t(
            "team.summary",
            lang,
            opened=plural("team.opened", report.opened, lang),
            resolved=plural("team.resolved", report.resolved, lang),
            let_go=plural("team.let_go", report.let_go, lang),
            still_open=plural("team.still_open", report.still_open, lang),
        )
    ] + ([plural("team.dismissed", report.dismissed, lang)] if report.dismissed else [])


def _times(key: str, figures: Durations, lang: str) -> str:
    name = t(key, lang)
    if not figures.count:
        return t("team.no_data", lang, label=name)
    return t(
        "team.times",
        lang,
        label=name,
        median=duration(figures.median),
        p90=duration(figures.p90),
        cases=plural("team.cases", figures.count, lang),
    )


def _share(part: int, whole: int, lang: str) -> str:
    if not whole:
        return t("team.none", lang)
    return t("team.share", lang, part=part, whole=whole, percent=round(100 * part / whole))


def _followups(report: TeamReport, lang: str) -> str:
    if not report.followups_due:
        return t("team.followups_none", lang)
    share = _share(report.followups_on_time, report.followups_due, lang)
    return t("team.followups", lang, share=share)


def _clocks(report: TeamReport, fig: Figures, lang: str) -> list[str]:
    breaches = t("team.breaches", lang, share=_share(fig.breaches, fig.clock_cases, lang))
    if fig.targets_label:
        breaches += " · " + t("team.target", lang, target=fig.targets_label)
    if fig.unanswered:
        breaches += " · " + t("team.unanswered", lang, count=fig.unanswered)
    return [
        t("team.response", lang),
        _times("team.first_response", report.first_response, lang),
        _times("team.resolution", report.resolution, lang),
        breaches,
        _followups(report, lang),
    ]


def _line(key: str, bars: tuple[Bar, ...], lang: str) -> str:
    return f"{t(key, lang)}: " + " · ".join(f"{b.label} {b.count}" for b in bars)


def _counts(key: str, counts: Counts, lang: str, group: str = "") -> str:
    """A breakdown line; values of a vocabulary `group` are named in the agents' language."""
    return _line(key, top(counts, lang, group), lang)


def _breakdowns(report: TeamReport, fig: Figures, lang: str) -> list[str]:
    calm = t("team.calm", lang)
    intensity = tuple(("🔥" * level or calm, n) for level, n in reversed(report.by_intensity))
    return [
        t("team.cases_by", lang),
        _line("team.reason", fig.reasons, lang),
        _counts("team.kind", report.by_kind, lang, "kind"),
        _counts("team.intensity", intensity, lang),
        _counts("team.channel", report.by_channel, lang),
    ]


def _corrected(report: TeamReport, lang: str) -> str:
    """How often agents corrected each part of the reading: how well Sereno reads."""
    if not report.corrected:
        return t("report.corrections_none", lang)
    whole = report.opened
    parts = []
    for number, (part, count) in enumerate(report.corrected):
        named = t(f"correction.part.{part}", lang)
        if number == 0:
            share = round(100 * count / whole) if whole else 0
            parts.append(
                plural("report.corrected_part", whole, lang, part=named, n=count, share=share)
            )
        else:
            parts.append(f"{named} {count}")
    return t("report.corrections", lang, parts=", ".join(parts))


def _backlog(fig: Figures, lang: str) -> list[str]:
    """The cases still open by age: only the buckets that hold any."""
    if not fig.still_open:
        return []
    return [_line("team.backlog", tuple(b for b in fig.backlog if b.count), lang)]


def _repeat(report: TeamReport, lang: str) -> list[str]:
    p = report.repeat
    if not p.cases:
        return []
    percent = round(100 * p.top_cases / p.cases)
    return [
        "",
        t(
            "team.repeat",
            lang,
            top_cases=p.top_cases,
            cases=p.cases,
            percent=percent,
            top_customers=p.top_customers,
            customers=p.customers,
        ),
    ]


def _agents(report: TeamReport, lang: str) -> list[str]:
    if not report.agents:
        return []
    rows = [
        t(
            "team.agent",
            lang,
            name=a.name,
            open=plural("team.open_now", a.open, lang),
            resolved=plural("team.resolved", a.resolved, lang),
        )
        for a in report.agents
    ]
    return [t("team.agents", lang), *rows]


def _remedies(report: TeamReport, lang: str) -> list[str]:
    if not report.remedies:
        return []
    rows = []
    for remedy in report.remedies:
        money = " + ".join(f"{amount} {currency}" for currency, amount in remedy.totals)
        reason = label("reason", remedy.reason, lang)
        money = money or t("team.no_amount", lang)
        rows.append(t("team.remedy", lang, reason=reason, count=remedy.count, money=money))
    return [t("team.remedies", lang), *rows]


def _satisfaction(report: TeamReport, fig: Figures, lang: str) -> list[str]:
    if not fig.levels:
        return []
    levels = " · ".join(f"{s.intensity}: {s.mean_label} ({s.count})" for s in fig.levels)
    p = report.paradox
    paradox = t(
        "team.paradox",
        lang,
        hot=score_label(p.hot_mean),
        hot_count=p.hot_count,
        calm=score_label(p.calm_mean),
        calm_count=p.calm_count,
    )
    lines = [t("team.satisfaction", lang), t("team.levels", lang, levels=levels), paradox]
    if fig.hot_scored:
        lines.append(recovered(fig, lang))
    if p.difference is not None:
        lines.append(_verdict(p.difference, lang))
    return lines


def _verdict(difference: float, lang: str) -> str:
    if difference > 0:
        return t("team.happier", lang)
    if difference < 0:
        return t("team.less_happy", lang)
    return t("team.as_happy", lang)


def recovered(fig: Figures, lang: str) -> str:
    """The recovery paradox in one line: hot complaints that ended satisfied."""
    return t("team.recovered", lang, satisfied=fig.hot_satisfied, hot=fig.hot_scored)
