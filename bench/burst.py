"""Rows of issue 15 from Sereno served on the fake Slack beside a minimal Bolt app.

One `bench.served` run gives them all: the first complaint after start-up against the
later ones, first guidance p50/p95, CPU per complaint and ack p95 in a 1,000-event
burst, how soon the burst's first post goes out, and the database bytes per case that
run left (inbox, outbox, timeline and all). Run alone: `python -m bench.suite --only served`.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bench import served
from bench.table import Row, figure, limit_row, ratio_row

QUICK_EVENTS, QUICK_BURST = 5, 60
FIRST_POST_LIMIT_S = 1.0
BYTES_PER_CASE_LIMIT = 4096


def _per_cpu_second(row: Row, sereno_ms: float, bolt_ms: float) -> Row:
    """The row with complaints per CPU-second beside each figure, as issue 15 counts them."""

    def rate(ms: float) -> str:
        return f"{1e3 / ms:,.0f} per CPU-second" if ms > 0 else "under a CPU tick"

    return replace(
        row,
        sereno=f"{row.sereno} ({rate(sereno_ms)})",
        reference=f"{row.reference} ({rate(bolt_ms)})",
    )


def rows(quick: bool = False) -> list[Row]:
    """Measure Sereno and the Bolt app side by side on one fake Slack (`served.measure`)."""
    events, burst = (QUICK_EVENTS, QUICK_BURST) if quick else (served.EVENTS, served.BURST)
    r = asyncio.run(served.measure(events, burst))
    s, b = r["sereno"], r["reference"]
    cold = s["cold_samples_ms"]
    burst_label = f"a {burst:,}-event burst"
    tables = ", ".join(f"{t} {b:,.0f}" for t, b in list(r["db_bytes_by_table"].items())[:5])
    return [
        ratio_row(
            "first_complaint",
            f"first complaint once start-up is idle (median of {len(cold)} fresh start-ups; "
            f"slowest {figure(max(cold), 'ms')}) vs later ones (Sereno, p50)",
            s["cold_first_guidance_ms"], s["first_guidance_p50_ms"], "ms", 2,
        ),
        ratio_row(
            "guidance_p50", "first guidance p50: signed event → first chat.postMessage",
            s["first_guidance_p50_ms"], b["first_guidance_p50_ms"], "ms", 2, "Bolt ",
        ),
        ratio_row(
            "guidance_p95", "first guidance p95",
            s["first_guidance_p95_ms"], b["first_guidance_p95_ms"], "ms", 2, "Bolt ",
        ),
        _per_cpu_second(ratio_row(
            "burst_cpu", f"CPU per complaint in {burst_label}",
            s["burst_cpu_per_complaint_ms"], b["burst_cpu_per_complaint_ms"], "ms", 3, "Bolt ",
        ), s["burst_cpu_per_complaint_ms"], b["burst_cpu_per_complaint_ms"]),
        ratio_row(
            "burst_ack_p95", f"ack p95 during {burst_label}",
            s["burst_ack_p95_ms"], b["burst_ack_p95_ms"], "ms", 3, "Bolt ",
        ),
        limit_row(
            "burst_first_post", f"{burst_label}: first event → first post",
            s["burst_first_post_s"], "s", FIRST_POST_LIMIT_S,
            f"Bolt {figure(b['burst_first_post_s'], 's')}",
        ),
        ratio_row(
            "burst_all_answered", f"{burst_label}: every complaint has its first post after",
            s["burst_all_answered_s"], b["burst_all_answered_s"], "s", None, "Bolt ",
        ),
        limit_row(
            "db_bytes_per_case", "database bytes per typical case, inbox included",
            s["db_bytes_per_case"], "B", BYTES_PER_CASE_LIMIT,
            f"after this run's {events + 1 + burst:,} complaints: {tables}",
        ),
    ]  # fmt: skip
