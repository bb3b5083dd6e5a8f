"""Clocks that match the heat (issue 13, item 5): first-response targets per impact, anger
rising in a later message, snooze that only postpones, and every time people read in the
team's zone — on real SQLite files, the real reader and a fake clock."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.base.cards import Card, render_text
from bot.core.base.case import EventKind
from bot.core.base.clocks import Clocks, ReminderKind, local_stamp, local_time
from bot.core.base.model import Actor, Impact, Incoming
from bot.core.base.ports import LanguageDetector
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.records.commands import case_file
from bot.core.records.markdown import in_zone, when
from bot.settings import Settings, SettingsError
from bot.wiring import App, build
from tests.conftest import AGENT, LUCIA, complaint
from tests.support import FakeClock

CALM = (
    "Hello, I think I was charged twice on invoice 7781 this month. "
    "Could you please check it? Thank you."
)
PUBLIC = (
    "Your service is a JOKE!!! I'm posting this on Twitter and Facebook so everyone "
    "knows how you treat people. I'm calling my lawyer."
)
LAWYER = "I am calling my LAWYER!!! This is a DISGRACE and I will SUE you!!!"
MADRID = "Europe/Madrid"
#: FakeClock starts at 2026-11-26 10:00 UTC, 11:00 in Madrid (CET, UTC+1).
OPENED = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def make_app(db: Path, clock: FakeClock, detector: LanguageDetector, **env: str) -> App:
    return build(
        Settings.from_env({"SERENO_DB": str(db), "SERENO_SLACK_LEAD": "", **env}),
        clock=clock,
        detector=detector,
    )


@pytest.fixture
def app(db_path: Path, clock: FakeClock, detector: LanguageDetector) -> Iterator[App]:
    built = make_app(db_path, clock, detector, SERENO_TIMEZONE=MADRID)
    yield built
    built.close()


def cards(app: App, kind: str, case_id: int = 1) -> list[Card]:
    return [i.card for i in app.store.outbox_for_case(case_id) if i.card.kind == kind]


def first_response_due(app: App, case_id: int = 1) -> datetime:
    (due,) = [
        r.due_at for r in app.store.reminders_for(case_id) if r.kind is ReminderKind.FIRST_RESPONSE
    ]
    return due


def later(app: App, text: str, message_id: str = "m-2") -> None:
    case = app.store.get_case(1)
    assert case is not None
    msg = Incoming("test", "C1", message_id, LUCIA, text, case.thread_id)
    app.engine.conversation.record_thread_message(msg)


# -- one way to show a time --------------------------------------------------------------------


def test_a_time_is_shown_in_the_teams_zone_with_the_zone_named() -> None:
    winter, summer = OPENED, datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert local_time(winter, MADRID) == "2026-11-26 11:00 CET"
    assert local_time(summer, MADRID) == "2026-07-01 12:00 CEST"
    assert local_time(winter, MADRID, date=False, seconds=True) == "11:00:00 CET"
    assert local_time(winter, "UTC") == "2026-11-26 10:00 UTC"
    # A zone without a lettered abbreviation is named in full rather than as "-03".
    assert local_time(winter, "America/Sao_Paulo") == "2026-11-26 07:00 (America/Sao_Paulo)"
    assert local_stamp("2026-11-26T10:00:00Z", MADRID) == "2026-11-26 11:00:00 CET"
    assert local_stamp(None, MADRID) is None


# -- first-response targets per impact ---------------------------------------------------------


def test_first_response_targets_default_to_5_10_and_15_minutes() -> None:
    clocks = Settings.from_env({}).clocks
    assert clocks.first_response_for(Impact.HIGH.value) == timedelta(minutes=5)
    assert clocks.first_response_for(Impact.MEDIUM.value) == timedelta(minutes=10)
    assert clocks.first_response_for(Impact.LOW.value) == timedelta(minutes=15)
    # A shorter LOW target caps the others: a hotter case never waits longer.
    short = Settings.from_env({"SERENO_FIRST_RESPONSE": "3m"}).clocks
    assert short.first_response_for("high") == short.first_response_for("medium")
    assert short.first_response_for("medium") == timedelta(minutes=3)
    assert Clocks(first_response=timedelta(minutes=2)).first_response_for("high") == timedelta(
        minutes=2
    )


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"SERENO_FIRST_RESPONSE_HIGH": "20m"},
            "SERENO_FIRST_RESPONSE_HIGH: 20 min is longer than SERENO_FIRST_RESPONSE (15 min); "
            "a higher impact must not wait longer",
        ),
        (
            {"SERENO_FIRST_RESPONSE_MEDIUM": "6m", "SERENO_FIRST_RESPONSE_HIGH": "7m"},
            "SERENO_FIRST_RESPONSE_HIGH: 7 min is longer than SERENO_FIRST_RESPONSE_MEDIUM "
            "(6 min); a higher impact must not wait longer",
        ),
        (
            {"SERENO_FIRST_RESPONSE_MEDIUM": "1h"},
            "SERENO_FIRST_RESPONSE_MEDIUM: 1h is longer than SERENO_FIRST_RESPONSE (15 min); "
            "a higher impact must not wait longer",
        ),
        ({"SERENO_FIRST_RESPONSE_HIGH": "soon"}, "SERENO_FIRST_RESPONSE_HIGH: must be a number"),
    ],
)
def test_targets_out_of_order_are_refused_in_one_line(env: dict[str, str], line: str) -> None:
    with pytest.raises(SettingsError) as exc:
        Settings.from_env(env)
    assert str(exc.value).startswith(line) and "\n" not in str(exc.value)


def test_a_high_impact_public_threat_gets_the_5_minute_target(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(PUBLIC))
    assert case is not None and case.reading.impact is Impact.HIGH
    assert first_response_due(app) == OPENED + timedelta(minutes=5)
    status = cards(app, "header")[0].lines[-1]
    assert "next: first-response 2026-11-26 11:05 CET (in 5 min; target 5 min for HIGH impact)" in (
        status
    )
    clock.advance(minutes=4, seconds=59)
    assert app.scheduler.tick() == 0
    clock.advance(seconds=1)
    assert app.scheduler.tick() == 1
    assert cards(app, "ping")[0].title == "⏰ First response due · #1"


def test_a_calm_question_keeps_the_15_minute_target(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(CALM))
    assert case is not None and case.reading.impact is Impact.LOW
    assert first_response_due(app) == OPENED + timedelta(minutes=15)
    assert "target 15 min for LOW impact" in cards(app, "header")[0].lines[-1]
    clock.advance(minutes=14, seconds=59)
    assert app.scheduler.tick() == 0


# -- anger rising ------------------------------------------------------------------------------


def test_a_lawyer_threat_on_an_unclaimed_case_updates_header_notice_and_clock(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint(CALM))
    assert case is not None and case.reading.impact is Impact.LOW
    clock.advance(minutes=2)
    later(app, LAWYER)
    stored = app.store.get_case(1)
    assert stored is not None and stored.assignee_id is None
    assert stored.reading.intensity == 3 and stored.reading.impact is Impact.HIGH
    header = cards(app, "header")[-1]
    assert "3/3" in header.title and "impact HIGH" in header.title
    assert "target 5 min for HIGH impact" in header.lines[-1]
    notice = cards(app, "notice")[-1]
    assert notice.title.startswith("🔥 The customer is angrier now (3/3): ")
    assert "lawyer" in notice.title.lower()
    assert notice.lines[0] == "Header updated: 3/3 · impact HIGH."
    assert notice.lines[1] == (
        "First response now due 2026-11-26 11:05 CET (target 5 min for HIGH impact)."
    )
    # The clock tightened: counted from the opening, so 5 minutes after it, not 15.
    assert first_response_due(app) == OPENED + timedelta(minutes=5)
    clock.advance(minutes=3)
    assert app.scheduler.tick() == 1
    events = [e for e in app.store.events(1) if e.kind is EventKind.ANGER_RISING]
    assert events[0].details["impact"] == "high" and events[0].details["intensity"] == 3


def test_a_lawyer_threat_on_a_claimed_case_updates_header_and_notice(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint(CALM))
    assert case is not None
    assert app.engine.claim(case, AGENT).ok
    later(app, LAWYER)
    header = cards(app, "header")[-1]
    assert "3/3" in header.title and "impact HIGH" in header.title
    assert any(line.startswith("Status: in progress · ana") for line in header.lines)
    notice = cards(app, "notice")[-1]
    assert notice.lines[0] == "Header updated: 3/3 · impact HIGH."
    # Someone answered already: no first-response clock to tighten, and no line about one.
    assert not any("First response now due" in line for line in notice.lines)
    assert "(advice: anger-during)" in notice.lines[-1]


def test_a_calmer_later_message_changes_nothing(app: App, clock: FakeClock) -> None:
    assert app.engine.open_case(complaint(PUBLIC)) is not None
    headers = len(cards(app, "header"))
    later(app, "ok, thanks for looking into it")
    stored = app.store.get_case(1)
    assert stored is not None and stored.reading.impact is Impact.HIGH
    assert cards(app, "notice") == [] and len(cards(app, "header")) == headers
    assert first_response_due(app) == OPENED + timedelta(minutes=5)  # never loosens


def test_a_rise_after_the_target_passed_pings_at_once(app: App, clock: FakeClock) -> None:
    assert app.engine.open_case(complaint(CALM)) is not None
    clock.advance(minutes=8)  # past HIGH's 5 minutes, within LOW's 15
    later(app, LAWYER)
    assert first_response_due(app) == OPENED + timedelta(minutes=5)
    assert app.scheduler.tick() == 1
    assert cards(app, "ping")[0].title.endswith("3 min late")


# -- snooze only postpones ---------------------------------------------------------------------


def test_snooze_never_brings_a_reminder_forward_and_says_so(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(CALM))
    assert case is not None
    assert app.engine.claim(case, AGENT).ok  # first response done; stalled due in 24 h
    here = Context(AGENT, "test", "C1")
    (stalled,) = app.store.reminders_for(1)
    assert stalled.due_at == OPENED + timedelta(hours=24)
    reply = run(app.engine, app.times, "snooze #1 in 2 hours", here)
    assert reply.text == (
        "stalled reminder for #1 is still due 2026-11-27 11:00 CET; snooze only postpones, "
        "so 2026-11-26 13:00 CET would bring it forward. To make it earlier, set a follow-up "
        "instead."
    )
    assert app.store.reminders_for(1)[0].due_at == stalled.due_at
    reply = run(app.engine, app.times, "snooze #1 in 30 hours", here)
    assert reply.ok and reply.text == "stalled reminder for #1 snoozed until 2026-11-27 17:00 CET."
    assert app.store.reminders_for(1)[0].due_at == OPENED + timedelta(hours=30)


# -- every time people read is in the team's zone ---------------------------------------------


def test_with_madrid_no_text_people_read_shows_utc(app: App, clock: FakeClock) -> None:
    """Cards, replies, views, due list, the Markdown report: 11:0x CET, never 10:0x or UTC."""
    case = app.engine.open_case(complaint(CALM), staff_channel="S1")
    assert case is not None
    here = Context(AGENT, "test", "C1", case.thread_id)
    said = [run(app.engine, app.times, "claim", here).text]
    clock.advance(minutes=3)
    customer = Incoming("test", "C1", "m-2", LUCIA, LAWYER, case.thread_id, sent_at=clock.now())
    app.engine.conversation.record_thread_message(customer)  # mirrored into the staff thread
    agent = Actor("test", "U-ana", "ana", is_agent=True)
    app.engine.conversation.record_thread_message(
        Incoming("test", "C1", "m-3", agent, "Looking into it now", case.thread_id)
    )
    for command in (
        "note called her, refund approved",
        "followup mañana a las 9 call back",  # 09:00 CET = 08:00 UTC
        "snooze #1 in 2 hours",
        "show #1",
        "timeline #1",
        "list",
        "due all",
    ):
        said.append(run(app.engine, app.times, command, here).text)
    clock.advance(days=1, hours=1)
    app.scheduler.tick()
    said.append(run(app.engine, app.times, "due all", here).text)
    stored = app.store.get_case(1)
    assert stored is not None
    markdown = case_file(app.engine, stored, "md", clock.now()).data.decode("utf-8")
    shown = [render_text(i.card) for i in app.store.outbox_for_case(1)] + said + [markdown]
    everything = "\n".join(shown)
    assert "UTC" not in everything
    assert not re.search(r"\b(10:0\d|08:00)\b", everything), "a UTC clock time is shown"
    assert "Follow-up for #1 set for 2026-11-27 09:00 CET." in said
    assert "at 11:03 CET:" in everything  # the mirrored customer message
    assert "**Opened:** 2026-11-26 11:00:00 CET" in markdown
    # Storage and machine formats stay UTC ISO.
    report = json.loads(case_file(app.engine, stored, "json", clock.now()).data)
    assert report["case"]["opened_at"] == "2026-11-26T10:00:00Z"


def test_markdown_in_a_zone_and_without_one() -> None:
    report = {"generated_at": "2026-11-26T10:00:00Z", "due": "2026-11-26T10:00:00+00:00"}
    assert in_zone(report, MADRID) == {
        "generated_at": "2026-11-26 11:00:00 CET",
        "due": "2026-11-26 11:00:00 CET",
    }
    assert when("2026-11-26T10:00:00Z") == "2026-11-26 10:00:00 UTC"  # no zone given: UTC
    assert when(in_zone("2026-11-26T10:00:00Z", MADRID)) == "2026-11-26 11:00:00 CET"
    assert when(None) == "—"


def test_list_overdue_counts_each_case_against_its_own_target(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint(PUBLIC))  # HIGH: 5 minutes
    other = Actor("test", "U-john", "John")
    app.engine.open_case(complaint(CALM, "m-9", author=other, channel="C2"))  # LOW: 15 minutes
    here = Context(AGENT, "test", "C1")
    clock.advance(minutes=4)
    assert run(app.engine, app.times, "list overdue", here).text == "No cases match."
    clock.advance(minutes=2)
    overdue = run(app.engine, app.times, "list overdue", here).text
    assert overdue.startswith("#1 · ") and "#2" not in overdue
    clock.advance(minutes=10)
    overdue = run(app.engine, app.times, "list overdue", here).text
    assert "#1 · " in overdue and "#2 · " in overdue
