"""The team report's chart: one PNG, drawn with matplotlib's Agg canvas (no display).

Four panels, each what a lead decides with: cases by reason; first response against
the target, breaches marked; satisfaction by the anger the case opened with (the
service recovery paradox); the open backlog by age. A panel with no data says so.
Everything drawn comes from the same `Figures` as the text, and the PNG carries
those figures as JSON in its "Description" text chunk (`chart_data` reads it back).

Deterministic: default style (ignores any matplotlibrc), fixed size and dpi,
and no Software or date metadata, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import json
import zlib
from dataclasses import asdict
from typing import Any

from matplotlib import style
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.core.records.team_report_figures import Figures, Response, figures
from bot.core.records.team_report_model import TeamReport
from bot.core.records.team_report_text import recovered
from bot.core.texts import t

SIZE_INCHES = (12.0, 8.0)
DPI = 100  # 1200 x 800 pixels
DATA_KEY = "Description"
BAR = "#1565c0"
WITHIN, BREACHED, NO_CLOCK, TARGET = "#2e7d32", "#c62828", "#9e9e9e", "#424242"
SATISFIED = 4.0
UNITS = ((180.0, 1.0, "team.chart_seconds"), (3 * 3600.0, 60.0, "team.chart_minutes"))


def report_png(shown: Figures | TeamReport, language: str = "en") -> bytes:
    """The report's chart as PNG bytes, its figures as JSON in the PNG's Description."""
    fig = shown if isinstance(shown, Figures) else figures(shown, language)
    figure = draw(fig)
    buffer = io.BytesIO()
    data = json.dumps(asdict(fig), ensure_ascii=True, sort_keys=True)
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None, DATA_KEY: data})
    return buffer.getvalue()


def chart_data(png: bytes) -> dict[str, Any]:
    """The figures a chart was drawn from, read back from its PNG text chunks."""
    at = 8
    while at < len(png):
        size = int.from_bytes(png[at : at + 4], "big")
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + size]
        at += 12 + size
        key, _, value = body.partition(b"\0")
        if kind == b"tEXt" and key == DATA_KEY.encode():
            return dict(json.loads(value.decode("latin-1")))
        if kind == b"zTXt" and key == DATA_KEY.encode():
            return dict(json.loads(zlib.decompress(value[1:]).decode("latin-1")))
    raise ValueError("this PNG carries no team report figures")


def draw(fig: Figures) -> Figure:
    """The chart as a matplotlib Figure (what `report_png` saves)."""
    with style.context("default"):
        figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        figure.suptitle(_plain(fig.title), fontsize=15, fontweight="bold")
        if fig.empty:
            _note(figure.subplots(), t("team.empty", fig.language))
            return figure
        (reasons, response), (scores, backlog) = figure.subplots(2, 2)
        _reasons(reasons, fig)
        _response(response, fig)
        _satisfaction(scores, fig)
        _backlog(backlog, fig)
    return figure


def _plain(text: str) -> str:
    """Without emoji: the default font has none (they would draw as empty boxes)."""
    return "".join(c for c in text if ord(c) < 0x2190 or c in "→–").strip()


def _reasons(axes: Axes, fig: Figures) -> None:
    """Horizontal bars, the largest on top, each with its count."""
    lang = fig.language
    axes.set_title(t("team.chart_reasons", lang), loc="left", fontsize=13)
    labels = [b.label for b in reversed(fig.reasons)]
    bars = axes.barh(labels, [b.count for b in reversed(fig.reasons)], color=BAR, height=0.6)
    axes.bar_label(bars, fontsize=10, padding=3)
    axes.set_xlabel(t("team.chart_cases", lang))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_xlim(0, max(b.count for b in fig.reasons) * 1.2)


def _unit(responses: tuple[Response, ...]) -> tuple[float, str]:
    longest = max([r.waited for r in responses] + [r.target or 0 for r in responses])
    for bound, factor, key in UNITS:
        if longest < bound:
            return factor, key
    return 3600.0, "team.chart_hours"


def _response(axes: Axes, fig: Figures) -> None:
    """One point per case: green within its target, red breached, hollow if not answered."""
    lang = fig.language
    axes.set_title(t("team.chart_response", lang), loc="left", fontsize=13)
    if not fig.responses:
        _note(axes, t("team.chart_no_responses", lang))
        return
    factor, unit = _unit(fig.responses)
    groups = (
        (t("team.chart_within", lang, count=fig.clock_cases - fig.breaches), WITHIN, False),
        (t("team.chart_breached", lang, count=fig.breaches), BREACHED, True),
    )
    x = {r.case_id: i for i, r in enumerate(fig.responses)}
    for name, colour, breached in groups:
        shown = [r for r in fig.responses if r.breached == breached and r.target is not None]
        _points(axes, shown, x, factor, colour, name)
    plain = [r for r in fig.responses if r.target is None]
    if plain:
        name = t("team.chart_no_clock", lang, count=len(plain))
        _points(axes, plain, x, factor, NO_CLOCK, name)
    waiting = [r for r in fig.responses if not r.answered and r.target is not None]
    if waiting:
        axes.scatter(
            [x[r.case_id] for r in waiting],
            [r.waited / factor for r in waiting],
            s=160,
            facecolors="none",
            edgecolors=TARGET,
            linewidths=1.2,
            label=t("team.chart_waiting", lang, count=fig.unanswered),
            zorder=4,
        )
    targets = [r for r in fig.responses if r.target is not None]
    if targets:
        axes.scatter(
            [x[r.case_id] for r in targets],
            [(r.target or 0) / factor for r in targets],
            marker="_",
            s=300,
            color=TARGET,
            linewidths=2,
            label=t("team.target", lang, target=fig.targets_label),
            zorder=2,
        )
    if fig.first_median is not None:
        axes.axhline(
            fig.first_median / factor,
            color=BAR,
            linestyle="--",
            linewidth=1.2,
            label=t("team.chart_median", lang, median=fig.first_median_label),
        )
    _case_ticks(axes, fig.responses)
    axes.set_ylabel(t(unit, lang))
    _, top = axes.get_ylim()
    axes.set_ylim(0, top * 1.45)  # room for the legend above the points
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", frameon=False, fontsize=9)


def _points(
    axes: Axes, shown: list[Response], x: dict[int, int], factor: float, colour: str, name: str
) -> None:
    axes.scatter(
        [x[r.case_id] for r in shown],
        [r.waited / factor for r in shown],
        s=40,
        color=colour,
        label=name,
        zorder=3,
    )


def _case_ticks(axes: Axes, responses: tuple[Response, ...]) -> None:
    step = max(1, -(-len(responses) // 12))
    ticks = list(range(0, len(responses), step))
    axes.set_xticks(ticks, [f"#{responses[i].case_id}" for i in ticks], fontsize=9)
    axes.set_xlim(-0.8, len(responses) - 0.2)


def _satisfaction(axes: Axes, fig: Figures) -> None:
    """The mean score per intensity at opening; the paradox line as the panel's subtitle."""
    lang = fig.language
    axes.set_title(t("team.chart_satisfaction", lang), loc="left", fontsize=13)
    if not fig.levels:
        _note(axes, t("team.chart_no_scores", lang))
        return
    names = [level.name for level in fig.levels]
    colours = [BREACHED if level.intensity >= 2 else BAR for level in fig.levels]
    bars = axes.bar(names, [level.mean or 0 for level in fig.levels], color=colours, width=0.6)
    labels = [
        f"{lv.mean_label}\n{t('team.chart_scored', lang, count=lv.count)}" for lv in fig.levels
    ]
    axes.bar_label(bars, labels, fontsize=9, padding=2)
    axes.axhline(SATISFIED, color=WITHIN, linestyle=":", linewidth=1)
    axes.set_ylim(0, 6.4)  # room for two-line labels and the paradox line
    axes.set_ylabel(t("team.chart_score", lang))
    axes.set_xlabel(t("team.chart_intensity", lang))
    if fig.hot_scored:
        axes.text(
            0.01,
            0.97,
            recovered(fig, lang),
            transform=axes.transAxes,
            va="top",
            fontsize=9,
            color=BREACHED,
        )


def _backlog(axes: Axes, fig: Figures) -> None:
    """Open cases of the period by age, each bucket with its count."""
    lang = fig.language
    axes.set_title(t("team.chart_backlog", lang), loc="left", fontsize=13)
    if not fig.still_open:
        _note(axes, t("team.chart_no_backlog", lang))
        return
    bars = axes.bar(
        [b.label for b in fig.backlog], [b.count for b in fig.backlog], color="#f9a825", width=0.6
    )
    axes.bar_label(
        bars, [str(b.count) if b.count else "" for b in fig.backlog], fontsize=10, padding=2
    )
    axes.set_ylabel(t("team.chart_cases", lang))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max(b.count for b in fig.backlog) * 1.25)


def _note(axes: Axes, text: str) -> None:
    axes.set_axis_off()
    axes.text(
        0.5,
        0.5,
        text,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=13,
        color="#616161",
    )
