"""Floods are contained: one author posting dozens of messages a minute opens at most
SERENO_FLOOD_CASES_PER_MINUTE cases; the rest join their latest case as customer messages
and the lead is told once per flood. Minutes are the customer's own time of posting, not
when Sereno works the message (catch-up after downtime works an hour of them at once).
Real SQLite files and a fixed clock."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.base.case import EventKind
from bot.core.base.model import Actor, Incoming, Status
from bot.settings import Settings, SettingsError
from bot.wiring import App, build
from handlers.slack.listeners import sent_at
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


def post(
    app: App,
    author: Actor,
    n: int,
    event_id: str | None = None,
    sent_at: datetime | None = None,
) -> None:
    message_id, text = f"m-{author.user_id}-{n}", TEXT.format(n=n)
    # Each in a channel of its own: in one channel an open case takes them all (`merge`).
    msg = Incoming("slack", f"C{n}", message_id, author, text, None, event_id, sent_at)
    app.engine.open_case(msg)


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
    caplog.set_level(logging.WARNING, logger="bot.core.cases.floods")
    try:
        for n in range(20):
            post(app, MALLORY, n)
    finally:
        app.close()
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.core.cases.floods"]
    assert line.startswith("Flood on slack: the author of case #5 opened 5 cases") and (
        "Mallory" not in line and "U-mallory" not in line
    )


def test_complaints_posted_apart_but_worked_back_to_back_open_a_case_each(
    app: App, clock: FakeClock
) -> None:
    """Sereno was down for an hour; at its restart catch-up works six complaints one
    customer posted ten minutes apart, within the same second: six cases, no flood."""
    away = clock.now() - timedelta(hours=1)
    for n in range(6):
        post(app, MALLORY, n, sent_at=away + timedelta(minutes=10 * n))
    assert cases_of(app, MALLORY) == [1, 2, 3, 4, 5, 6]
    assert all(flood_messages(app, c) == [] for c in range(1, 7)) and lead_notices(app) == []
    posted = [r["posted_at"] for r in app.store.db.query("SELECT posted_at FROM cases")]
    assert [datetime.fromisoformat(p) for p in posted] == [
        away + timedelta(minutes=10 * n) for n in range(6)
    ]


def test_a_flood_posted_while_away_is_contained_and_its_quiet_minute_is_its_own(
    app: App, clock: FakeClock
) -> None:
    """Twenty complaints posted within one minute of the downtime are a flood when worked
    late; the customer's next complaint, posted half an hour later, is a case again."""
    away = clock.now() - timedelta(hours=1)
    for n in range(20):
        post(app, MALLORY, n, sent_at=away + timedelta(seconds=3 * n))
    assert cases_of(app, MALLORY) == [1, 2, 3, 4, 5]
    assert flood_messages(app, 5) == [f"m-U-mallory-{n}" for n in range(5, 20)]
    assert len(lead_notices(app)) == 1
    post(app, MALLORY, 20, sent_at=away + timedelta(minutes=30))  # still the same second
    assert cases_of(app, MALLORY) == [1, 2, 3, 4, 5, 6]


def test_a_complaint_worked_out_of_order_counts_against_the_minute_around_it(
    app: App, clock: FakeClock
) -> None:
    """Five cases posted in the minute after a message already hold that minute."""
    at = clock.now() - timedelta(hours=1)
    for n in range(5):
        post(app, MALLORY, n, sent_at=at + timedelta(seconds=10 + n))
    post(app, MALLORY, 5, sent_at=at)  # posted before them, worked after them
    assert cases_of(app, MALLORY) == [1, 2, 3, 4, 5]
    assert flood_messages(app, 5) == ["m-U-mallory-5"]


def test_slack_says_when_a_message_was_posted_by_its_ts() -> None:
    assert sent_at("1700000000.500000") == datetime(2023, 11, 14, 22, 13, 20, 500000, UTC)
    assert sent_at("not a ts") is None  # the clock stands in


@pytest.mark.parametrize("raw", ["0", "-1", "many", "2.5"])
def test_the_limit_is_a_whole_number_of_at_least_one(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"^SERENO_FLOOD_CASES_PER_MINUTE: "):
        Settings.from_env({"SERENO_FLOOD_CASES_PER_MINUTE": raw})
