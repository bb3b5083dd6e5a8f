"""The team report as a chat message: short sections, plain words, in the agents' language."""

from __future__ import annotations

from datetime import timedelta

from bot.core.base.clocks import describe
from bot.core.records.team_report_model import Counts, TeamReport
from bot.core.records.team_report_stats import Durations
from bot.core.texts import label, plural, t

_TOP = 5  # values listed per breakdown; the rest are summed as "others"


def render_text(report: TeamReport, language: str = "en") -> str:
    """A readable message with the report's figures; an empty period says so plainly."""
    lang = language
    lines = [_title(report, lang)]
    if report.empty:
        lines.append(t("team.empty", lang))
    else:
        lines += [*_summary(report, lang), "", *_clocks(report, lang), ""]
        lines += [*_breakdowns(report, lang), *_repeat(report, lang)]
    for section in (_agents(report, lang), _remedies(report, lang), _satisfaction(report, lang)):
        if section:
            lines += ["", *section]
    if report.empty and report.followups_due:
        lines += ["", _followups(report, lang)]
    return "\n".join(lines)


def _title(report: TeamReport, lang: str) -> str:
    last = report.end - timedelta(microseconds=1)
    return t("team.title", lang, start=f"{report.start:%Y-%m-%d}", end=f"{last:%Y-%m-%d}")


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
    ]


def _duration(seconds: float | None) -> str:
    return "—" if seconds is None else describe(timedelta(seconds=seconds))


def _times(key: str, figures: Durations, lang: str) -> str:
    name = t(key, lang)
    if not figures.count:
        return t("team.no_data", lang, label=name)
    return t(
        "team.times",
        lang,
        label=name,
        median=_duration(figures.median),
        p90=_duration(figures.p90),
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


def _clocks(report: TeamReport, lang: str) -> list[str]:
    return [
        t("team.response", lang),
        _times("team.first_response", report.first_response, lang),
        _times("team.resolution", report.resolution, lang),
        t("team.breaches", lang, share=_share(report.breaches, report.clock_cases, lang)),
        _followups(report, lang),
    ]


def _counts(key: str, counts: Counts, lang: str, group: str = "") -> str:
    """A breakdown line; values of a vocabulary `group` are named in the agents' language."""
    shown = [f"{label(group, name, lang)} {n}" for name, n in counts[:_TOP]]
    rest = sum(n for _, n in counts[_TOP:])
    others = [t("team.others", lang, count=rest)] if rest else []
    return f"{t(key, lang)}: " + " · ".join(shown + others)


def _breakdowns(report: TeamReport, lang: str) -> list[str]:
    calm = t("team.calm", lang)
    intensity = tuple(("🔥" * level or calm, n) for level, n in reversed(report.by_intensity))
    return [
        t("team.cases_by", lang),
        _counts("team.reason", report.by_reason, lang, "reason"),
        _counts("team.kind", report.by_kind, lang, "kind"),
        _counts("team.intensity", intensity, lang),
        _counts("team.channel", report.by_channel, lang),
    ]


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


def _mean(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}/5"


def _satisfaction(report: TeamReport, lang: str) -> list[str]:
    if not any(s.count for s in report.satisfaction):
        return []
    levels = " · ".join(
        f"{s.intensity}: {_mean(s.mean)} ({s.count})" for s in report.satisfaction if s.count
    )
    p = report.paradox
    paradox = t(
        "team.paradox",
        lang,
        hot=_mean(p.hot_mean),
        hot_count=p.hot_count,
        calm=_mean(p.calm_mean),
        calm_count=p.calm_count,
    )
    lines = [t("team.satisfaction", lang), t("team.levels", lang, levels=levels), paradox]
    if p.difference is not None:
        lines.append(_verdict(p.difference, lang))
    return lines


def _verdict(difference: float, lang: str) -> str:
    if difference > 0:
        return t("team.happier", lang)
    if difference < 0:
        return t("team.less_happy", lang)
    return t("team.as_happy", lang)
