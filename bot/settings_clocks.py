"""The first-response settings per impact, and the check that keeps them in order.

Defaults follow the seeds' advice (response-clocks: act-fast, value-time, channel-traits):
a complaint spreads while it waits, and a public or legal threat spreads fastest, so a
HIGH-impact case gets 5 minutes, a MEDIUM one 10 and a calm LOW one the usual 15
(`SERENO_FIRST_RESPONSE`). A higher impact never gets a longer target.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import timedelta
from typing import Any

from bot.core.base.clocks import describe, parse_duration

#: (variable, Settings field, default, meaning, parser), after SERENO_FIRST_RESPONSE (LOW).
FIRST_RESPONSE_TARGETS: tuple[tuple[str, str, str, str, Callable[[str], Any]], ...] = (
    (
        "SERENO_FIRST_RESPONSE_MEDIUM",
        "first_response_medium",
        "10m",
        "First-response target for a MEDIUM-impact case (no longer than SERENO_FIRST_RESPONSE).",
        parse_duration,
    ),
    (
        "SERENO_FIRST_RESPONSE_HIGH",
        "first_response_high",
        "5m",
        "First-response target for a HIGH-impact case, e.g. a public or legal threat "
        "(no longer than SERENO_FIRST_RESPONSE_MEDIUM).",
        parse_duration,
    ),
)


def targets_problem(
    low: timedelta, medium: timedelta, high: timedelta, given: Container[str]
) -> str | None:
    """One line naming a target set (in `given`) longer than the one below it, or None.

    A target left at its default is only capped (`Clocks.first_response_for`), so
    `SERENO_FIRST_RESPONSE=3m` alone makes every target 3 minutes."""
    medium_given = "SERENO_FIRST_RESPONSE_MEDIUM" in given
    if medium_given and medium > low:
        return (
            f"SERENO_FIRST_RESPONSE_MEDIUM: {describe(medium)} is longer than "
            f"SERENO_FIRST_RESPONSE ({describe(low)}); a higher impact must not wait longer"
        )
    if "SERENO_FIRST_RESPONSE_HIGH" in given and high > (medium if medium_given else low):
        medium = medium if medium_given else low
        below = "SERENO_FIRST_RESPONSE_MEDIUM" if medium_given else "SERENO_FIRST_RESPONSE"
        return (
            f"SERENO_FIRST_RESPONSE_HIGH: {describe(high)} is longer than "
            f"{below} ({describe(medium)}); a higher impact must not "
            "wait longer"
        )
    return None
