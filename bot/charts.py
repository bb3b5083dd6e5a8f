"""The team report's chart: one PNG, drawn with matplotlib's Agg canvas (no display).

Deterministic: default style (ignores any matplotlibrc), fixed size and dpi,
and no Software or date metadata, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import timedelta

from matplotlib import style
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.core.records.team_report import TeamReport, daily_counts
from bot.core.records.team_report_model import DayCounts

SIZE_INCHES = (12.0, 8.0)
DPI = 100  # 1200 x 800 pixels
OUTCOMES = (  # (field, label, colour): stacked bottom to top
    ("resolved", "resolved", "#2e7d32"),
    ("let_go", "let go", "#9e9e9e"),
    ("still_open", "still open", "#f9a825"),
)
RESPONSE_COLOUR = "#1565c0"


def report_png(report: TeamReport) -> bytes:
    """The report's chart as PNG bytes: cases per day by outcome, and time to first response."""
    days = daily_counts(report)
    with style.context("default"):
        figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        top, bottom = figure.subplots(2, 1, sharex=True)
        _outcome_panel(top, days, report.empty)
        _response_panel(bottom, days, report.empty, report.first_response.median)
        _day_ticks(bottom, days)
        last = report.end - timedelta(microseconds=1)
        figure.suptitle(
            f"Sereno team report · {report.start:%Y-%m-%d} → {last:%Y-%m-%d} (UTC)",
            fontsize=15,
            fontweight="bold",
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _outcome_panel(axes: Axes, days: Sequence[DayCounts], empty: bool) -> None:
    """Stacked bars: cases opened each day, split by how they ended (so far)."""
    positions = range(len(days))
    base = [0] * len(days)
    for field, label, colour in OUTCOMES:
        values = [getattr(day, field) for day in days]
        axes.bar(positions, values, bottom=base, color=colour, label=label, width=0.75)
        base = [b + v for b, v in zip(base, values, strict=True)]
    axes.set_title("Cases opened per day, by outcome", loc="left", fontsize=13)
    axes.set_ylabel("cases", fontsize=11)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(0, max([*base, 1]) * 1.25)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", ncols=3, frameon=False, fontsize=11)
    if empty:
        _note(axes, "No cases in this period")


def _response_panel(
    axes: Axes, days: Sequence[DayCounts], empty: bool, overall: float | None
) -> None:
    """Bars: the median time to first response of each day's cases, in minutes."""
    minutes = [
        (i, day.first_response_median / 60)
        for i, day in enumerate(days)
        if day.first_response_median is not None
    ]
    if minutes:
        positions, values = zip(*minutes, strict=True)
        bars = axes.bar(positions, values, color=RESPONSE_COLOUR, width=0.75)
        axes.bar_label(bars, fmt="%.0f", fontsize=9, padding=2)
        axes.set_ylim(0, max(*values, 1.0) * 1.2)  # at least a minute: no 1e-5 axes
    if minutes and overall is not None:
        label = f"median of the period: {overall / 60:.0f} min"
        axes.axhline(overall / 60, color="#c62828", linestyle="--", linewidth=1.5, label=label)
        axes.legend(loc="upper right", frameon=False, fontsize=11)
    else:
        axes.set_ylim(0, 1)
        _note(axes, "No cases in this period" if empty else "No first responses yet")
    axes.set_title("Time to first response (median of the day's cases)", loc="left", fontsize=13)
    axes.set_ylabel("minutes", fontsize=11)
    axes.grid(axis="y", alpha=0.3)


def _day_ticks(axes: Axes, days: Sequence[DayCounts]) -> None:
    """Label the days under the bottom panel, thinning them so they never overlap."""
    step = max(1, -(-len(days) // 16))
    ticks = list(range(0, len(days), step))
    axes.set_xticks(ticks, [f"{days[i].day:%b %d}" for i in ticks], fontsize=10)
    axes.set_xlim(-0.6, max(len(days), 1) - 0.4)
    if len(days) > 16:
        axes.tick_params(axis="x", labelrotation=45)


def _note(axes: Axes, text: str) -> None:
    axes.text(
        0.5,
        0.5,
        text,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=14,
        color="#616161",
    )
