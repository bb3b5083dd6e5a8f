"""Reminders with a fake clock: each kind, pings, snooze/done/cancel, escalation, hours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.base.clocks import BusinessHours, ReminderKind
from bot.core.base.model import Status, StepState, Via
from bot.core.base.ports import LanguageDetector
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.commands.interactions import on_reaction
from bot.core.reminders import scheduler
from bot.settings import Settings
from bot.wiring import App, build
from tests.conftest import AGENT, complaint
from tests.support import FakeClock

EN = "My order 5521 arrived broken and nobody answers. I want a refund."


def make_app(db: Path, clock: FakeClock, detector: LanguageDetector, **env: str) -> App:
    return build(Settings.from_env({"SERENO_DB": str(db), **env}), clock=clock, detector=detector)


@pytest.fixture
def app(db_path: Path, clock: FakeClock, detector: LanguageDetector) -> Iterator[App]:
    built = make_app(db_path, clock, detector, SERENO_IMPROVEMENT_AFTER="21d", SERENO_SLACK_LEAD="")
    yield built
    built.close()


def pings(app: App, case_id: int = 1) -> list[str]:
    return [i.card.title for i in app.store.outbox_for_case(case_id) if i.card.kind == "ping"]


def ping_items(app: App, case_id: int = 1):  # type: ignore[no-untyped-def]
    return [i for i in app.store.outbox_for_case(case_id) if i.card.kind == "ping"]


def test_first_response_fires_at_15_minutes_not_before(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint(EN))
    clock.advance(minutes=14, seconds=59)
    assert app.scheduler.tick() == 0
    clock.advance(seconds=1)
    assert app.scheduler.tick() == 1
    assert pings(app) == ["⏰ First response due · #1"]
    assert ping_items(app)[0].card.mentions == ("agents",)
    assert app.scheduler.tick() == 0  # never twice


def test_an_agent_acting_stops_the_first_response_clock(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    clock.advance(minutes=5)
    app.engine.set_step(case, "1", StepState.DONE, AGENT, Via.REACTION)
    clock.advance(hours=2)
    assert app.scheduler.tick() == 0
    assert pings(app) == []


def test_stalled_pings_the_assignee_after_24h_without_activity(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    app.engine.claim(case, AGENT)
    clock.advance(hours=23, minutes=59)
    assert app.scheduler.tick() == 0
    app.engine.note(case, AGENT, "still waiting for the courier")  # activity restarts it
    clock.advance(hours=23, minutes=59)
    assert app.scheduler.tick() == 0
    clock.advance(minutes=1)
    assert app.scheduler.tick() == 1
    assert pings(app) == ["⏰ Case stalled · #1"]
    assert ping_items(app)[0].card.mentions == ("user:U-ana",)


def test_resolving_schedules_follow_up_with_its_questions_and_improvement(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    app.engine.claim(case, AGENT)
    app.engine.transition(case, AGENT, Status.RESOLVED, "resolve")
    clock.advance(days=3)
    assert app.scheduler.tick() == 1
    ping = ping_items(app)[0]
    assert ping.card.title == "⏰ Follow up with the customer · #1"
    assert ping.card.quote  # the follow-up questions, in the customer's language
    clock.advance(days=18)
    assert app.scheduler.tick() == 2  # the improvement update, and the unhandled follow-up
    assert "⏰ Tell the customer what improved · #1" in pings(app)
    assert pings(app)[-1].startswith("🚨 Escalation · #1: follow up")


def test_improvement_update_is_off_by_default(
    db_path: Path, clock: FakeClock, detector: LanguageDetector
) -> None:
    plain = make_app(db_path, clock, detector)
    case = plain.engine.open_case(complaint(EN))
    assert case is not None
    plain.engine.transition(case, AGENT, Status.RESOLVED, "resolve")
    kinds = {r.kind for r in plain.store.reminders_for(case.id)}
    assert kinds == {ReminderKind.FOLLOW_UP}
    plain.close()


def test_custom_followup_snooze_done_and_cancel(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    ctx = Context(AGENT, "test", "C1", case.thread_id)
    app.engine.claim(case, AGENT)
    assert run(app.engine, app.times, "followup in 2 hours call her back", ctx).ok
    clock.advance(hours=2)
    assert app.scheduler.tick() == 1
    assert pings(app) == ["⏰ Follow-up you scheduled · #1"]
    assert "call her back" in ping_items(app)[0].card.lines[-1]
    assert run(app.engine, app.times, "snooze in 1 hour", ctx).ok
    assert app.scheduler.tick() == 0
    clock.advance(hours=1)
    assert app.scheduler.tick() == 1
    assert run(app.engine, app.times, "reminder done", ctx).ok
    assert run(app.engine, app.times, "due all", ctx).text.startswith("Nothing is due")
    assert run(app.engine, app.times, "followup mañana a las 10", ctx).ok
    assert run(app.engine, app.times, "reminder cancel", ctx).ok
    assert not run(app.engine, app.times, "reminder sideways", ctx).ok
    assert not run(app.engine, app.times, "snooze ayer", ctx).ok


def test_reactions_on_a_ping_mark_done_and_snooze(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint(EN))
    clock.advance(minutes=15)
    app.scheduler.tick()
    ping = ping_items(app)[0]
    app.store.mark_outbox_sent(ping.id, "ts-ping", clock.now())
    reply = on_reaction(app.engine, "test", "ts-ping", "zzz", AGENT, True)
    assert reply is not None and "snoozed" in reply.text
    clock.advance(hours=1)
    assert app.scheduler.tick() == 1
    second = ping_items(app)[1]
    app.store.mark_outbox_sent(second.id, "ts-ping-2", clock.now())
    reply = on_reaction(app.engine, "test", "ts-ping-2", "white_check_mark", AGENT, True)
    assert reply is not None and "done" in reply.text
    clock.advance(hours=5)
    assert app.scheduler.tick() == 0  # done: no escalation either


def test_closing_a_case_cancels_its_reminders(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    app.engine.transition(case, AGENT, Status.LET_GO, "let go")
    clock.advance(days=30)
    assert app.scheduler.tick() == 0
    assert app.store.reminders_for(case.id) == []


def test_an_unhandled_ping_escalates_to_the_lead_once(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    clock.advance(minutes=15)
    app.scheduler.tick()
    clock.advance(minutes=59)
    assert app.scheduler.tick() == 0
    clock.advance(minutes=1)
    assert app.scheduler.tick() == 1
    escalation = ping_items(app)[-1]
    assert escalation.card.title.startswith("🚨 Escalation · #1")
    assert escalation.card.mentions == ("lead",)
    clock.advance(hours=3)
    assert app.scheduler.tick() == 0


def test_overdue_reminders_after_downtime_go_once_oldest_first_with_lateness(
    app: App, clock: FakeClock
) -> None:
    for n in range(3):  # one channel each: in one, the first open case takes the others
        app.engine.open_case(complaint(EN, f"m-{n}", channel=f"C{n}"))
        clock.advance(minutes=1)
    clock.advance(hours=5)  # Sereno was down
    assert app.scheduler.tick() == 3
    titles = [pings(app, case_id)[0] for case_id in (1, 2, 3)]
    assert titles[0].endswith("4h 48m late") and titles[2].endswith("4h 46m late")
    order = [ping_items(app, c)[0].id for c in (1, 2, 3)]
    assert order == sorted(order)


def test_business_hours_across_a_weekend_and_a_time_zone_change() -> None:
    hours = BusinessHours.parse("mon-fri 09:00-18:00", "Europe/Madrid")
    saturday = datetime(2026, 10, 24, 18, 0, tzinfo=UTC)  # summer time (CEST, UTC+2)
    opening = hours.next_open(saturday)
    # Clocks go back on Sunday 25 October: Monday opens at 09:00 CET = 08:00 UTC.
    assert opening == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    friday_morning = datetime(2026, 10, 23, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert hours.is_open(friday_morning) and hours.next_open(friday_morning) == friday_morning
    assert not hours.is_open(friday_morning - timedelta(minutes=1))
    with pytest.raises(ValueError):
        BusinessHours.parse("weekdays 9-5", "UTC")


def test_a_reminder_due_on_saturday_waits_for_monday(
    db_path: Path, detector: LanguageDetector
) -> None:
    clock = FakeClock(datetime(2026, 10, 23, 15, 0, tzinfo=UTC))  # Friday 17:00 Madrid
    app = make_app(
        db_path,
        clock,
        detector,
        SERENO_BUSINESS_HOURS="mon-fri 09:00-18:00",
        SERENO_TIMEZONE="Europe/Madrid",
        SERENO_FIRST_RESPONSE="2h",
    )
    app.engine.open_case(complaint(EN))
    clock.advance(hours=2)  # due at 19:00 Madrid, after closing
    assert app.scheduler.tick() == 0
    clock.current = datetime(2026, 10, 26, 7, 59, tzinfo=UTC)
    assert app.scheduler.tick() == 0
    clock.current = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # Monday 09:00 CET
    assert app.scheduler.tick() == 2  # the first response and the (also weekend) stalled
    assert pings(app)[0] == "⏰ First response due · #1 · 2d 15h late"
    app.close()


def test_playbook_clocks_override_the_settings(
    db_path: Path, tmp_path: Path, clock: FakeClock, detector: LanguageDetector
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    default = Path(__file__).resolve().parent.parent / "playbooks" / "default.toml"
    text = default.read_text(encoding="utf-8").replace('id = "default"', 'id = "vip"', 1)
    text = text.replace("priority = 0", "priority = 5", 1)
    (team / "vip.toml").write_text(text + '\n[clocks]\nfirst_response = "5m"\n', encoding="utf-8")
    app = make_app(db_path, clock, detector, SERENO_PLAYBOOK_DIR=str(team))
    case = app.engine.open_case(complaint(EN))
    assert case is not None and case.playbook_id == "vip"
    clock.advance(minutes=5)
    assert app.scheduler.tick() == 1
    app.close()


def test_due_lists_mine_and_all(app: App, clock: FakeClock) -> None:
    first = app.engine.open_case(complaint(EN, "m-1"))
    app.engine.open_case(complaint(EN, "m-2", channel="C2"))
    assert first is not None
    clock.advance(minutes=20)
    ctx = Context(AGENT, "test", "C1")
    assert run(app.engine, app.times, "due", ctx).text == "Nothing is due for you."
    everything = run(app.engine, app.times, "due all", ctx).text
    assert everything.count("first-response") == 2 and "overdue by 5 min" in everything
    header = [i for i in app.store.outbox_for_case(1) if i.card.kind == "header"][-1]
    assert any("next: first-response" in line for line in header.card.lines)


def test_the_finish_helpers_refuse_politely_without_reminders(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    app.store.cancel_reminders(case.id, app.engine.clock.now())
    assert not scheduler.finish(app.engine, case, AGENT, "done").ok
    assert not scheduler.snooze(app.engine, case, AGENT, app.engine.clock.now()).ok


def test_agent_activity_moves_one_stalled_clock_instead_of_piling_up_rows(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    for n in range(5):
        clock.advance(minutes=10)
        app.engine.note(case, AGENT, f"update {n}")
    rows = list(
        app.store.db.query(
            "SELECT status, due_at FROM reminders WHERE case_id = ? AND kind = 'stalled'", [case.id]
        )
    )
    assert len(rows) == 1 and rows[0]["status"] == "pending"
    assert rows[0]["due_at"].startswith((clock.now() + timedelta(hours=24)).date().isoformat())
