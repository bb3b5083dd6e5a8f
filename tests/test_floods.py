"""Floods are contained: one author posting dozens of messages a minute opens at most
SERENO_FLOOD_CASES_PER_MINUTE cases; the rest join their latest case as customer messages
and the lead is told once per flood. Real SQLite files and a fixed clock."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.case import EventKind
from bot.core.model import Actor, Incoming, Status
from bot.settings import Settings, SettingsError
from bot.wiring import App, build
from tests.conftest import AGENT
from tests.support import FakeClock

TEXT = "My order {n} arrived broken and nobody answers my emails. I want a refund."
MALLORY = Actor("slack", "U-mallory", "Mallory")
FORWARDER = Actor("slack", "BFWD:forms", "forms")  # a forwarder bot posting as one sender


def flood_app(tmp_path: Path, clock: FakeClock, **env: str) -> App:
    settings = Settings.from_env({"SERENO_DB": str(tmp_path / "f.db"), **env})
    return build(settings, clock=clock)


@pytest.fixture
def app(tmp_path: Path, clock: FakeClock) -> Iterator[App]:
    built = flood_app(tmp_path, clock, SERENO_SLACK_LEAD="U-lead")
    yield built
    built.close()


def post(app: App, author: Actor, n: int, event_id: str | None = None) -> None:
    message_id, text = f"m-{author.user_id}-{n}", TEXT.format(n=n)
    app.engine.open_case(Incoming("slack", "C1", message_id, author, text, None, event_id))


def cases_of(app: App, author: Actor) -> list[int]:
    rows = app.store.db.query("SELECT id FROM cases WHERE customer_id = ?", [author.user_id])
    return [r["id"] for r in rows]


def flood_messages(app: App, case_id: int) -> list[str]:
    return [
        e.details["message_id"]
        for e in app.store.events(case_id)
        if e.kind is EventKind.CUSTOMER_MESSAGE and e.details.get("flood")
    ]


def lead_notices(app: App) -> list[dict]:
    rows = app.store.db.query("SELECT * FROM outbox WHERE channel_id = 'dm:U-lead'")
    return [json.loads(r["payload"]) for r in rows]


def test_twenty_messages_in_a_minute_open_five_cases_and_tell_the_lead_once(
    app: App, clock: FakeClock
) -> None:
    for n in range(20):
        post(app, MALLORY, n)
        clock.advance(seconds=2)
    assert cases_of(app, MALLORY) == [1, 2, 3, 4, 5]
    assert flood_messages(app, 5) == [f"m-U-mallory-{n}" for n in range(5, 20)]
    [notice] = lead_notices(app)
    assert notice["kind"] == "notice" and notice["title"].startswith("⚠️ Flood: Mallory posted")
    assert "case #5" in notice["lines"][0]


def test_a_steady_stream_keeps_joining_and_a_quiet_minute_ends_the_flood(
    app: App, clock: FakeClock
) -> None:
    for n in range(100):  # ten minutes of ten a minute: the flood goes on
        post(app, MALLORY, n)
        clock.advance(seconds=6)
    assert cases_of(app, MALLORY) == [1, 2, 3, 4, 5]
    clock.advance(minutes=2)
    post(app, MALLORY, 99)
    assert cases_of(app, MALLORY) == [1, 2, 3, 4, 5, 6]  # a new complaint is a case again
    assert len(lead_notices(app)) == 1


def test_a_later_flood_is_told_again(app: App, clock: FakeClock) -> None:
    for n in range(8):
        post(app, MALLORY, n)
    clock.advance(minutes=5)
    for n in range(100, 108):
        post(app, MALLORY, n)
    assert len(cases_of(app, MALLORY)) == 10 and len(lead_notices(app)) == 2


def test_other_authors_are_not_held_by_someone_elses_flood(app: App, clock: FakeClock) -> None:
    for n in range(10):
        post(app, MALLORY, n)
        post(app, Actor("slack", f"U-{n}", f"Customer {n}"), n)
    assert len(cases_of(app, MALLORY)) == 5
    assert app.store.count_cases() == 15


def test_a_forwarder_bot_and_the_setting_limit_it_too(tmp_path: Path, clock: FakeClock) -> None:
    app = flood_app(tmp_path, clock, SERENO_FLOOD_CASES_PER_MINUTE="2", SERENO_SLACK_LEAD="U-lead")
    try:
        for n in range(12):
            post(app, FORWARDER, n)
        assert cases_of(app, FORWARDER) == [1, 2]
        assert len(flood_messages(app, 2)) == 10 and len(lead_notices(app)) == 1
    finally:
        app.close()


def test_the_flood_joins_the_latest_open_case(app: App, clock: FakeClock) -> None:
    for n in range(5):
        post(app, MALLORY, n)
    latest = app.store.get_case(5)
    assert latest is not None
    assert app.engine.transition(latest, AGENT, Status.RESOLVED, "resolve").ok
    post(app, MALLORY, 6)
    assert flood_messages(app, 4) == ["m-U-mallory-6"] and flood_messages(app, 5) == []


def test_a_redelivered_event_is_not_counted_twice(app: App) -> None:
    for n in range(7):
        post(app, MALLORY, n, event_id=f"Ev{n}")
        post(app, MALLORY, n, event_id=f"Ev{n}")  # the platform retried
    assert len(flood_messages(app, 5)) == 2


def test_without_a_lead_a_log_line_says_it_once_and_names_no_one(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    app = flood_app(tmp_path, clock)
    caplog.set_level(logging.WARNING, logger="bot.core.floods")
    try:
        for n in range(20):
            post(app, MALLORY, n)
    finally:
        app.close()
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.core.floods"]
    assert line.startswith("Flood on slack: the author of case #5 opened 5 cases") and (
        "Mallory" not in line and "U-mallory" not in line
    )


@pytest.mark.parametrize("raw", ["0", "-1", "many", "2.5"])
def test_the_limit_is_a_whole_number_of_at_least_one(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"^SERENO_FLOOD_CASES_PER_MINUTE: "):
        Settings.from_env({"SERENO_FLOOD_CASES_PER_MINUTE": raw})
