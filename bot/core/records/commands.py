"""Exports, team reports and success stories, asked for from the chat.

Files go through the outbox like every other message: into the case's thread
for a case report, into the channel for lists, stories and team reports.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.core.base.cards import Attachment, Card, CardKind
from bot.core.base.case import Case
from bot.core.cases.engine import Engine, Reply
from bot.core.records import formats
from bot.core.records.case_list import CaseList, Period, fit_cases_csv
from bot.core.records.team_report import compute, file_name, parse_period
from bot.core.records.team_report_figures import figures
from bot.core.records.team_report_text import render_text
from bot.core.texts import t

if TYPE_CHECKING:
    from bot.core.cases.context import Context
    from bot.core.records.team_report_figures import Figures

FORMATS = {"md": "text/markdown", "json": "application/json", "csv": "text/csv"}
ChartRenderer = Callable[["Figures"], bytes]


def case_file(engine: Engine, case: Case, fmt: str, now: datetime) -> Attachment:
    """A case report as a file in md, json or csv."""
    report = formats.case_report(
        engine.store,
        case.id,
        now,
        engine.library.rules,
        engine.playbook_for(case),
        engine.config.guidance.agent_language,
    )
    if fmt == "json":
        data = formats.render_json(report).encode("utf-8")
    elif fmt == "csv":
        data = formats.case_report_csv(report).encode(formats.CSV_ENCODING)
    else:
        data = formats.render_markdown(report, engine.config.timezone).encode("utf-8")
    return Attachment(f"case-{case.id}.{fmt}", FORMATS[fmt], data)


def cases_file(
    engine: Engine, now: datetime, max_bytes: int | None = None, period: Period | None = None
) -> tuple[Attachment, CaseList]:
    """The list of cases as one CSV (what a spreadsheet opens): every case, or under a
    platform's file limit the newest that fit; the CaseList says how many of how many."""
    listed = fit_cases_csv(engine.store, now, max_bytes, period)
    name = f"cases-{now:%Y%m%d}.csv"
    if period:
        name = file_name("cases", *period, "csv", engine.config.timezone)  # its days
    return Attachment(name, FORMATS["csv"], listed.text.encode(formats.CSV_ENCODING)), listed


def export(engine: Engine, case: Case | None, args: str, ctx: Context) -> Reply:
    """`export [#case] [md|json|csv] [period]`: the report into the thread, or the list of
    cases (of a period) here, saying so when the platform's file limit leaves cases out."""
    words = args.lower().split()
    formats = [w for w in words if w in FORMATS]
    rest = " ".join(w for w in words if w not in FORMATS)
    if len(formats) > 1 or (case is not None and rest):
        return Reply(engine.say("export.formats"), ok=False)
    now = engine.clock.now()
    if case is None:
        try:
            period = parse_period(rest, now, engine.config.timezone) if rest else None
        except ValueError as exc:
            return Reply(f"{engine.say('export.formats')} {exc}", ok=False)
        return _export_list(engine, period, ctx, now)
    fmt = formats[0] if formats else "md"
    attachment = case_file(engine, case, fmt, now)
    title = t("report.case", engine.config.guidance.agent_language, ref=case.ref)
    card = Card(CardKind.REPORT, title, attachment=attachment)
    engine.store.enqueue(case, card, now)
    engine.notify()
    text = engine.say("export.case_posted", ref=case.ref, file=attachment.name)
    return Reply(text, case_id=case.id)


def _export_list(engine: Engine, period: Period | None, ctx: Context, now: datetime) -> Reply:
    attachment, listed = cases_file(engine, now, ctx.file_limit, period)
    lines: tuple[str, ...] = ()
    if period:
        last_day = period[1] - timedelta(days=1)
        lines = (engine.say("export.period", start=f"{period[0]:%F}", end=f"{last_day:%F}"),)
    if not listed.complete:
        title = engine.say("export.title_some", held=listed.held, total=listed.total)
        lines += (_held_note(engine, listed, ctx.file_limit),)
    elif period:
        title, lines = f"📄 {lines[0]}", ()
    else:
        title = t("report.all_cases", engine.config.guidance.agent_language)
    card = Card(CardKind.REPORT, title, lines, attachment=attachment)
    engine.store.enqueue_to(ctx.platform, ctx.channel_id, ctx.thread_id, card, now)
    engine.notify()
    text = engine.say("export.cases_posted", file=attachment.name, held=listed.held)
    return Reply(" ".join((text, *lines)))


def _held_note(engine: Engine, listed: CaseList, limit: int | None) -> str:
    limit = limit or 0  # only a limit leaves cases out
    size = f"{limit / 2**20:.0f} MB" if limit >= 2**20 else f"{limit:,} bytes"
    return engine.say("export.cases_held", held=listed.held, total=listed.total, limit=size)


def team_report(engine: Engine, period: str, ctx: Context, chart: ChartRenderer | None) -> Reply:
    """`report [7d|30d|day|month|from..to]`: the figures as a message, with the chart (drawn
    from the same figures) as an image named for the days the report covers."""
    now = engine.clock.now()
    try:
        start, end = parse_period(period or "7d", now, engine.config.timezone)
    except ValueError as exc:
        return Reply(str(exc), ok=False)
    zone = engine.config.timezone
    report = compute(engine.store, start, end, now, zone)  # type: ignore[arg-type]
    lang = engine.config.guidance.agent_language
    shown = figures(report, lang)  # once: the text and the chart show the same figures
    text = render_text(report, lang, shown)
    lines = tuple(text.splitlines())
    name = file_name("team-report", start, end, "png", zone)
    attachment = Attachment(name, "image/png", chart(shown)) if chart else None
    if attachment is None and engine.chart_missing:
        lines += ("", engine.chart_missing)
    card = Card(
        CardKind.REPORT, lines[0] if lines else "Team report", lines[1:], attachment=attachment
    )
    engine.store.enqueue_to(ctx.platform, ctx.channel_id, ctx.thread_id, card, now)
    engine.notify()
    return Reply(engine.say("export.team_posted"))


def stories(engine: Engine, period: str, ctx: Context) -> Reply:
    """`stories [period]`: the success stories of a period, as a Markdown file."""
    now = engine.clock.now()
    try:
        start, end = parse_period(period or "30d", now, engine.config.timezone)
    except ValueError as exc:
        return Reply(str(exc), ok=False)
    text = formats.stories_markdown(
        engine.store, start, end, now, engine.library, engine.config.timezone
    )
    name = file_name("stories", start, end, "md", engine.config.timezone)
    attachment = Attachment(name, FORMATS["md"], text.encode("utf-8"))
    title = t("report.stories", engine.config.guidance.agent_language)
    card = Card(CardKind.REPORT, title, attachment=attachment)
    engine.store.enqueue_to(ctx.platform, ctx.channel_id, ctx.thread_id, card, now)
    engine.notify()
    return Reply(engine.say("export.stories_posted", file=attachment.name))
