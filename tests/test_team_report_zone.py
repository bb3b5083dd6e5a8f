"""The team report counts the team's days (SERENO_TIMEZONE), not UTC's (issue 13 item 5)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.base.model import Actor
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records.team_report import compute, daily_counts, file_name, parse_period
from bot.core.records.team_report_figures import title
from bot.settings import Settings
from bot.wiring import App, build
from tests.conftest import AGENT, complaint
from tests.support import FakeClock

MADRID = "Europe/Madrid"


@pytest.fixture
def madrid_app(tmp_path: Path, clock: FakeClock, detector: object) -> Iterator[App]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERENO_")}
    settings = Settings.from_env(
        {**env, "SERENO_DB": str(tmp_path / "z.db"), "SERENO_TIMEZONE": MADRID}
    )
    built = build(settings, clock=clock, detector=detector)  # type: ignore[arg-type]
    yield built
    built.close()


def test_a_period_is_the_team_s_days_as_utc_bounds() -> None:
    now = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)  # 01:30 on 1 December in Madrid
    assert parse_period("1d", now, MADRID) == (
        datetime(2026, 11, 30, 23, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 23, 0, tzinfo=UTC),
    )
    assert parse_period("1d", now) == (  # in UTC it is still 1 December too
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2026, 12, 2, tzinfo=UTC),
    )
    start, end = parse_period("2026-07", now, MADRID)  # summer time: UTC+2
    assert (start, end) == (
        datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
        datetime(2026, 7, 31, 22, 0, tzinfo=UTC),
    )
    assert file_name("team-report", start, end, "png", MADRID) == (
        "team-report-2026-07-01..2026-07-31.png"
    )
    assert file_name("team-report", start, end, "png") == "team-report-2026-06-30..2026-07-31.png"


def test_a_complaint_after_midnight_in_madrid_counts_on_the_team_s_day(
    madrid_app: App, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Madrid
    author = Actor("test", "U-night", "Noa")
    assert madrid_app.engine.open_case(complaint("My order 12 never came!", "m-n", author))
    clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    start, end = parse_period("2026-11-25..2026-12-01", clock.current, MADRID)
    report = compute(madrid_app.store, start, end, clock.current, MADRID)
    days = {d.day.isoformat(): d for d in daily_counts(report)}
    assert days["2026-12-01"].opened == 1
    assert days["2026-11-30"].opened == 0
    assert title(report, "en") == "📊 Team report · 2026-11-25 → 2026-12-01 (Europe/Madrid)"


def test_the_report_from_chat_names_the_zone_and_the_team_s_day(
    madrid_app: App, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Madrid
    author = Actor("test", "U-night", "Noa")
    assert madrid_app.engine.open_case(complaint("My order 12 never came!", "m-n", author))
    assert run(madrid_app.engine, madrid_app.times, "report 1d", Context(AGENT, "test", "C1")).ok
    rows = madrid_app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report'")
    card = json.loads(list(rows)[-1]["payload"])
    assert card["title"] == "📊 Team report · 2026-12-01 → 2026-12-01 (Europe/Madrid)"
    assert "opened 1" in " ".join(card["lines"]).lower() or "1 opened" in " ".join(card["lines"])
    assert "UTC" not in json.dumps(card, ensure_ascii=False)
    assert card["attachment"]["name"] == "team-report-2026-12-01.png"
