"""Case records over a case's life: durations, outcome, reopening, an unknown case, stories."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.base.model import Status
from bot.core.records import case_report, formats
from bot.wiring import App
from tests.conftest import AGENT, complaint
from tests.records_case import fresh, full_case
from tests.support import START, FakeClock


def test_open_case_has_null_durations_and_no_outcome(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint("My order 5521 never arrived. Refund me!"))
    assert case is not None
    clock.advance(minutes=7, seconds=30)
    report = formats.case_report(app.store, case.id, clock.now())
    assert report["durations"] == {
        "first_response_seconds": None,
        "resolution_seconds": None,
        "close_seconds": None,
        "open_for_seconds": 450,
    }
    assert report["outcome"] == {"result": "open", "at": None, "by": None, "text": None}
    assert report["case"]["assignee"] is None and report["satisfaction"] is None
    assert report["story"] == {"marked": False, "at": None, "by": None}
    assert report["reading"]["treatment"] is None and report["steps"][0]["title"] is None
    md = formats.render_markdown(report)
    assert "nobody yet (unassigned)" in md and "**Time to first response:** —" in md
    assert "No notes." in md and "Satisfaction:** not asked yet." in md
    assert formats.load_json(formats.render_json(report)) == report


def test_let_go_and_closed_cases_time_the_close(app: App, clock: FakeClock) -> None:
    gone = app.engine.open_case(complaint("Refund me now!!!", "m-1"))
    kept = app.engine.open_case(complaint("My parcel never came", "m-2", channel="C2"))
    assert gone is not None and kept is not None
    clock.advance(minutes=30)
    assert app.engine.transition(gone, AGENT, Status.LET_GO, "let go", "no way").ok
    assert app.engine.transition(kept, AGENT, Status.RESOLVED, "resolve").ok
    clock.advance(hours=2)
    assert app.engine.transition(fresh(app, kept.id), AGENT, Status.CLOSED, "close").ok
    let_go = formats.case_report(app.store, gone.id, clock.now())
    assert let_go["outcome"]["result"] == "let go" and let_go["outcome"]["text"] == "no way"
    assert let_go["durations"]["close_seconds"] == 1800
    assert let_go["durations"]["resolution_seconds"] is None
    cancelled = [r for r in let_go["reminders"] if r["status"] == "cancelled"]
    assert cancelled and all(r["finished_by"] == "ana" for r in cancelled)
    closed = formats.case_report(app.store, kept.id, clock.now())
    assert closed["outcome"]["result"] == "resolved"
    assert closed["durations"]["resolution_seconds"] == 1800
    assert closed["durations"]["close_seconds"] == 1800 + 7200


def test_a_reopened_case_is_open_again(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint("My parcel never came"))
    assert case is not None
    assert app.engine.transition(case, AGENT, Status.RESOLVED, "resolve").ok
    assert app.engine.transition(fresh(app, case.id), AGENT, Status.IN_PROGRESS, "reopen").ok
    report = formats.case_report(app.store, case.id, clock.now())
    assert report["outcome"]["result"] == "open"
    assert report["durations"]["resolution_seconds"] is None


def test_reading_carries_the_treatment_for_its_kind(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint("My parcel never came"))
    assert case is not None
    rules = app.engine.library.rules
    kind = next(iter(rules.kinds))
    section = case_report.reading_section(replace(case.reading, kind=kind), rules, "es")
    assert section["kind"] == kind.value
    assert section["treatment"] == rules.kinds[kind].treatment.get("es")
    assert section["treatment_advice"] == list(rules.kinds[kind].advice)
    report = formats.case_report(app.store, case.id, clock.now())
    md = formats.render_markdown({**report, "reading": section})
    assert f"**How to treat them:** {' '.join(section['treatment'].split())}" in md


def test_unknown_case_is_an_error(app: App, clock: FakeClock) -> None:
    with pytest.raises(KeyError):
        formats.case_report(app.store, 99, clock.now())


def _resolved(app: App, clock: FakeClock, mid: str, text: str, hours: int) -> int:
    case = app.engine.open_case(complaint(text, mid))
    assert case is not None
    clock.advance(hours=hours)
    assert app.engine.transition(case, AGENT, Status.RESOLVED, "resolve", f"done {mid}").ok
    return case.id


def test_stories_for_a_period(app: App, clock: FakeClock) -> None:
    full = full_case(app, clock)  # story by event, resolved 2026-11-27 11:15
    by_flag = _resolved(app, clock, "m-20", "My parcel never came, refund!", 1)
    app.store.update_case(by_flag, flags=frozenset({"story"}))
    plain = _resolved(app, clock, "m-21", "Broken lamp, I want a replacement", 1)
    late = _resolved(app, clock, "m-22", "Wrong size again", 48)
    app.store.update_case(late, flags=frozenset({"story"}))
    start, end = START, START + timedelta(days=2)
    assert [c.id for c in formats.story_cases(app.store, start, end)] == [full, by_flag]
    md = formats.stories_markdown(app.store, start, end, clock.now(), app.engine.library)
    assert md.startswith("# Success stories, 2026-11-26 10:00:00 UTC to 2026-11-28 10:00:00 UTC")
    reason = fresh(app, full).reading.reason.value
    assert "2 stories" in md and f"## Case #1: {reason}, Lucía Pérez" in md
    assert f"## Case #{by_flag}:" in md and f"#{plain}:" not in md and f"#{late}:" not in md
    assert "refund 25.5 EUR approved by luis; refund 10 EUR approved by luis" in md
    assert f"5/5 (intensity at first {fresh(app, full).reading.intensity}/3)" in md
    assert '"Reemplazo ok"' in md
    assert "**to resolution:** 1d 1h (90900 s)" in md


def test_no_stories_in_an_empty_period(app: App, clock: FakeClock) -> None:
    full_case(app, clock)
    md = formats.stories_markdown(app.store, START - timedelta(days=9), START, clock.now())
    assert "0 stories" in md and "No case resolved in this period" in md
