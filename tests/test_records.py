"""Case records: the report dict, Markdown, JSON round trip, CSV, success stories."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.base.case import Case, EventKind
from bot.core.base.model import Actor, Incoming, Status, StepState, Via
from bot.core.commands.correction import correct_reading
from bot.core.records import case_report, csv_rows, formats
from bot.core.records.formats import ReportError
from bot.core.reminders import scheduler
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, OTHER_AGENT, complaint
from tests.support import START, FakeClock

TEXT = 'Mi pedido 48213 llegó roto, "otra vez" 😡\nQuiero mi dinero YA!!! Llevo tres semanas'
NOTE = 'Llamé a logística | "envío" mañana, sin falta\nsegunda línea 📦'
BYSTANDER = Actor("test", "U-eve", "=cmd|' /C calc'!A0")
EVIL_NAME = '=HYPERLINK("http://x","clic"), Pérez 😡\nsegunda línea'


def fresh(app: App, case_id: int) -> Case:
    case = app.store.get_case(case_id)
    assert case is not None
    return case


def thread(case: Case, message_id: str, author: Actor, text: str) -> Incoming:
    return Incoming("test", "C1", message_id, author, text, case.thread_id)


def full_case(app: App, clock: FakeClock) -> int:
    """A case with every kind of event, at known times (returns its id)."""
    eng = app.engine
    opened = eng.open_case(complaint(TEXT))
    assert opened is not None
    cid = opened.id
    clock.advance(minutes=2)
    assert eng.claim(fresh(app, cid), AGENT).ok
    first, second = (s.step_id for s in app.store.steps(cid)[:2])
    clock.advance(minutes=1)
    assert eng.set_step(fresh(app, cid), first, StepState.DONE, AGENT, Via.COMMAND).ok
    assert eng.set_step(fresh(app, cid), second, StepState.SKIPPED, AGENT, Via.BUTTON).ok
    assert eng.set_step(fresh(app, cid), first, StepState.PENDING, AGENT, Via.REACTION).ok
    assert eng.set_step(fresh(app, cid), first, StepState.DONE, AGENT, Via.REACTION).ok
    clock.advance(minutes=1)
    assert eng.note(fresh(app, cid), AGENT, NOTE).ok
    # an agent corrects what the complaint is about (steps stay: the subject picks none)
    assert correct_reading(eng, fresh(app, cid), {"subject": "parcel"}, AGENT, Via.COMMAND).ok
    clock.advance(minutes=1)
    case = fresh(app, cid)
    talk = eng.conversation
    talk.record_thread_message(thread(case, "m-2", LUCIA, "¿Y bien? Sigo esperando 😤"))
    talk.record_thread_message(thread(case, "m-3", AGENT, "Lo siento, Lucía. Hoy sale."))
    talk.record_thread_message(thread(case, "m-4", BYSTANDER, "yo también"))
    talk.record_edit("test", "C1", "m-2", case.thread_id, "¿Y bien?", "¿Y bien? Sigo", LUCIA)
    talk.record_delete("test", "C1", "m-4", case.thread_id, BYSTANDER)
    assert eng.followup(fresh(app, cid), AGENT, clock.now() + timedelta(hours=20), "llamar").ok
    clock.advance(days=1)
    assert app.scheduler.tick() == 2  # the follow-up and the stalled clock
    clock.advance(minutes=10)
    assert scheduler.finish(eng, fresh(app, cid), AGENT, "done").ok
    assert eng.flag(fresh(app, cid), AGENT, "unjustified").ok
    clock.advance(hours=1)
    assert eng.transition(fresh(app, cid), AGENT, Status.RESOLVED, "resolve", "Reemplazo ok").ok
    _remedy_and_answer(app, clock, cid)
    return cid


def _remedy_and_answer(app: App, clock: FakeClock, cid: int) -> None:
    with app.store.atomic():
        for amount, note in ((25.5, 'envío, con "prisa"'), ("10", "=SUM(A1)")):
            app.store.append_event(
                cid,
                clock.now(),
                AGENT,
                EventKind.REMEDY,
                {
                    "type": "refund",
                    "amount": amount,
                    "currency": "EUR",
                    "note": note,
                    "approved_by": "luis",
                },
            )
        app.store.append_event(
            cid,
            clock.now(),
            AGENT,
            EventKind.SATISFACTION,
            {"score": 5, "comment": "¡Gracias, de verdad! 🙌"},
        )
        app.store.append_event(cid, clock.now(), OTHER_AGENT, EventKind.STORY_MARKED, {})


@pytest.fixture
def report(app: App, clock: FakeClock) -> dict:
    cid = full_case(app, clock)
    case = fresh(app, cid)
    return formats.case_report(
        app.store, cid, clock.now(), app.engine.library.rules, app.engine.playbook_for(case)
    )


def test_report_holds_the_case_reading_and_checklist(report: dict, app: App) -> None:
    c = report["case"]
    assert report["schema_version"] == formats.SCHEMA_VERSION == 1
    assert (c["ref"], c["status"], c["assignee"]) == (
        "#1",
        "resolved",
        {"id": "U-ana", "name": "ana"},
    )
    assert c["customer"] == {"id": "U-lucia", "name": "Lucía Pérez"}
    assert (
        c["opened_at"] == "2026-11-26T10:00:00Z"
        and c["first_response_at"] == "2026-11-26T10:02:00Z"
    )
    assert c["flags"] == ["unjustified"] and c["playbook"]["id"] == "default"
    assert report["complaint"]["text"] == TEXT
    r, stored = report["reading"], fresh(app, 1).reading
    assert (r["language"], r["reason"], r["kind"], r["intensity"], r["impact"]) == (
        stored.language,
        stored.reason.value,
        stored.kind.value,
        stored.intensity,
        stored.impact.value,
    )
    assert r["order_ref"] == "48213" and r["language"] == "es"
    assert r["intensity_evidence"] == [
        {"name": s.name, "detail": s.detail} for s in stored.intensity_evidence
    ]
    assert {"name": "emoji", "detail": "😡"} in r["intensity_evidence"]
    rule = app.engine.library.rules.kinds.get(stored.kind)
    assert r["treatment"] == (rule.treatment.get("en") if rule else None)
    steps = {s["id"]: s for s in report["steps"]}
    assert steps["pause"]["state"] == "done" and steps["pause"]["via"] == "reaction"
    assert steps["pause"]["at"] == "2026-11-26T10:03:00Z" and steps["pause"]["by"] == "ana"
    assert steps["listen"]["state"] == "skipped" and steps["listen"]["via"] == "button"
    assert steps["defend"]["state"] == "pending" and steps["defend"]["by"] is None
    assert steps["pause"]["title"] == app.engine.library.playbooks[0].step("pause").title.get("en")


def test_report_holds_notes_thread_changes_and_reminders(report: dict) -> None:
    assert report["notes"] == [{"at": "2026-11-26T10:04:00Z", "by": "ana", "text": NOTE}]
    assert [(m["role"], m["author"], m["text"]) for m in report["messages"]] == [
        ("customer", "Lucía Pérez", "¿Y bien? Sigo esperando 😤"),
        ("agent", "ana", "Lo siento, Lucía. Hoy sale."),
        ("other", BYSTANDER.name, "yo también"),
    ]
    assert [(c["action"], c["message_id"], c["new_text"]) for c in report["changes"]] == [
        ("edited", "m-2", "¿Y bien?"),
        ("deleted", "m-4", None),
    ]
    by_kind = {r["kind"]: r for r in report["reminders"]}
    custom = by_kind["custom"]
    assert (custom["status"], custom["note"], custom["sent_at"]) == (
        "done",
        "llamar",
        "2026-11-27T10:05:00Z",
    )
    assert (custom["finished_at"], custom["finished_by"]) == ("2026-11-27T10:15:00Z", "ana")
    first = by_kind["first-response"]
    assert (first["status"], first["finished_at"], first["finished_by"]) == (
        "done",
        "2026-11-26T10:02:00Z",
        "ana",
    )
    assert by_kind["follow-up"]["status"] == "pending"
    assert by_kind["follow-up"]["due_at"] == "2026-11-30T11:15:00Z"


def test_report_holds_remedies_satisfaction_story_outcome_and_durations(report: dict) -> None:
    assert [(r["amount"], r["currency"], r["approved_by"]) for r in report["remedies"]] == [
        ("25.5", "EUR", "luis"),
        ("10", "EUR", "luis"),
    ]
    assert report["remedies_total"] == [{"currency": "EUR", "amount": "35.5"}]
    assert report["satisfaction"] == {
        "score": 5,
        "comment": "¡Gracias, de verdad! 🙌",
        "at": "2026-11-27T11:15:00Z",
        "recorded_by": "ana",
    }
    assert report["story"] == {"marked": True, "at": "2026-11-27T11:15:00Z", "by": "luis"}
    assert report["outcome"] == {
        "result": "resolved",
        "at": "2026-11-27T11:15:00Z",
        "by": "ana",
        "text": "Reemplazo ok",
    }
    resolution = int(timedelta(days=1, hours=1, minutes=15).total_seconds())
    assert report["durations"] == {
        "first_response_seconds": 120,
        "resolution_seconds": resolution,
        "close_seconds": None,
        "open_for_seconds": None,
    }


def test_timeline_has_every_event_in_order(report: dict, app: App) -> None:
    events = app.store.events(1)
    assert [(e["kind"], e["actor"]) for e in report["timeline"]] == [
        (e.kind.value, e.actor_name) for e in events
    ]
    kinds = {e["kind"] for e in report["timeline"]}
    assert kinds >= {k.value for k in EventKind} - {
        "assigned",
        "anger_rising",
        "reaction_ignored",
        "suggestion_shown",
        "reminder_escalated",
        "reminder_snoozed",
        "reminder_cancelled",
        "closed",
        "let_go",
        "reopened",
        "dismissed",  # dismiss and split: covered in tests/test_lifecycle.py
        "split",
        "customer_forgotten",
        "delivery_failed",  # covered in tests/test_delivery.py
        "reply_queued",  # an agent's reply: covered in tests/test_replies.py
        "reply_sent",
    }
    assert report["timeline"][0]["details"]["text"] == TEXT


def test_a_correction_of_the_reading_is_in_every_export(report: dict) -> None:
    """The JSON, Markdown and CSV of a case say who corrected which part, from what to what."""
    assert report["reading"]["subject"] == "parcel"
    assert report["reading"]["corrected"] == [{"part": "subject", "by": "ana"}]
    [entry] = report["corrections"]
    assert (entry["by"], entry["part"], entry["from"], entry["to"]) == (
        "ana",
        "subject",
        "order",
        "parcel",
    )
    assert entry["said"] == "ana corrected the reading: subject order → parcel"
    again = formats.load_json(formats.render_json(report))
    assert again["corrections"] == report["corrections"]
    md = formats.render_markdown(report)
    assert "## Corrections of the reading" in md
    assert "- **About:** parcel (corrected by ana) — evidence: no evidence recorded" in md
    assert "· ana corrected the reading: subject order → parcel" in md
    rows = list(csv.reader(io.StringIO(csv_rows.case_report_csv(report).lstrip("\ufeff"))))
    corrected = [r for r in rows if r[2] == "reading_corrected"]
    assert len(corrected) == 1 and corrected[0][1] == "ana"
    assert json.loads(corrected[0][3]) == {
        "part": "subject",
        "from": "order",
        "to": "parcel",
        "via": "command",
    }


def _tables(markdown: str) -> list[list[str]]:
    tables, current = [], []
    for line in [*markdown.split("\n"), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_markdown_has_every_section_and_value(report: dict) -> None:
    md = formats.render_markdown(report)
    reason = report["reading"]["reason"]
    for heading in (
        f"# Case #1: {reason} complaint from Lucía Pérez",
        "## What the customer said",
        "## The reading",
        "## Checklist",
        "## Notes",
        "## Conversation in the thread",
        "## Edits and deletions",
        "## Reminders",
        "## Remedies and satisfaction",
        "## Outcome and durations",
        "## Timeline",
    ):
        assert heading in md
    assert '> Mi pedido 48213 llegó roto, "otra vez" 😡\n> Quiero mi dinero YA!!!' in md
    assert "- **Who has it:** ana (U-ana)" in md
    assert '"😡" (emoji)' in md and "**Order:** 48213" in md
    assert "| done | ana | reaction | 2026-11-26 10:03:00 UTC |" in md
    assert "| skipped | ana | button |" in md
    assert "> segunda línea 📦" in md and "llamar" in md
    assert "| 25.5 EUR | luis | ana |" in md and "**Total given:** 35.5 EUR" in md
    assert '**Satisfaction:** 5/5 — "¡Gracias, de verdad! 🙌"' in md
    assert '**Outcome:** resolved — by ana, 2026-11-27 11:15:00 UTC: "Reemplazo ok"' in md
    assert "**Time to first response:** 2 min (120 s)" in md
    assert "(90900 s)" in md and "**Time to close:** —" in md
    assert "- **Success story:** yes, marked by luis" in md


def test_markdown_table_cells_escape_pipes_and_newlines(report: dict) -> None:
    md = formats.render_markdown(report)
    assert 'Llamé a logística \\| "envío" mañana, sin falta<br>segunda línea 📦' in md
    assert "=cmd\\|' /C calc'!A0" in md
    for rows in _tables(md):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows[0]
    timeline = _tables(md)[-1]
    assert len(timeline) == 2 + len(report["timeline"])


def test_json_round_trip_is_exact_and_stable(report: dict) -> None:
    text = formats.render_json(report)
    assert formats.load_json(text) == report
    assert formats.render_json(formats.load_json(text)) == text
    assert "😡" in text and "\\ud83d" not in text
    keys = list(json.loads(text))
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        "[]",
        '{"schema_version": 2}',
        '{"schema_version": true}',
    ],
)
def test_load_json_refuses_what_is_not_a_v1_report(broken: str) -> None:
    with pytest.raises(ReportError):
        formats.load_json(broken)


@pytest.mark.parametrize("key", ["timeline", "case", "durations"])
def test_load_json_refuses_a_report_missing_a_key(report: dict, key: str) -> None:
    data = json.loads(formats.render_json(report))
    del data[key]
    with pytest.raises(ReportError, match=key):
        formats.load_json(json.dumps(data))
    nested = json.loads(formats.render_json(report))
    del nested["case"]["status"]
    with pytest.raises(ReportError, match="status"):
        formats.load_json(json.dumps(nested))


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_timeline_csv_round_trips_quotes_commas_newlines_emoji(report: dict) -> None:
    text = formats.case_report_csv(report)
    assert text.endswith("\r\n") and text.startswith("at,actor,kind,details\r\n")
    rows = _parse(text)
    assert rows[0] == ["at", "actor", "kind", "details"]
    assert len(rows) == 1 + len(report["timeline"])
    for row, event in zip(rows[1:], report["timeline"], strict=True):
        assert row[:3] == [event["at"], _safe_name(event["actor"]), event["kind"]]
        assert json.loads(row[3]) == event["details"]
    note = next(r for r in rows if r[2] == "note")
    assert json.loads(note[3])["text"] == NOTE


def _safe_name(name: str) -> str:
    return "'" + name if name[:1] in "=+-@" else name


def test_cases_csv_is_a_spreadsheet_safe_list(app: App, clock: FakeClock) -> None:
    cid = full_case(app, clock)
    evil = Actor("test", "U-evil", EVIL_NAME)
    other = app.engine.open_case(complaint("My parcel never came, I want a refund", "m-9", evil))
    assert other is not None
    app.engine.claim(other, Actor("test", "U-at", "@ops+1", is_agent=True))
    clock.advance(minutes=5)
    text = formats.cases_csv(app.store, [fresh(app, cid), fresh(app, other.id)], clock.now())
    assert text.count("\r\n") >= 3 and not re.search(r"[^\r]\n(?=\d+,)", text)
    header, first, second = _parse(text)
    assert tuple(header) == csv_rows.CASE_COLUMNS
    row = dict(zip(header, first, strict=True))
    assert row["first_response_seconds"] == "120" and row["resolution_seconds"] == "90900"
    assert (row["customer"], row["assignee"], row["remedies_total"]) == (
        "Lucía Pérez",
        "ana",
        "35.5 EUR",
    )
    assert (row["satisfaction"], row["story"], row["status"]) == ("5", "yes", "resolved")
    reading = fresh(app, cid).reading
    assert (row["reason"], row["kind"], row["intensity"], row["impact"], row["language"]) == (
        reading.reason.value,
        reading.kind.value,
        str(reading.intensity),
        reading.impact.value,
        "es",
    )
    evil_row = dict(zip(header, second, strict=True))
    assert evil_row["customer"] == "'" + EVIL_NAME and evil_row["assignee"] == "'@ops+1"
    assert evil_row["first_response_seconds"] == "0" and evil_row["open_for_seconds"] == "300"
    assert (evil_row["resolved_at"], evil_row["satisfaction"], evil_row["story"]) == ("", "", "no")


def test_formula_cells_are_neutralised() -> None:
    safe = csv_rows.safe
    for raw in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1"):
        assert safe(raw) == "'" + raw
    assert (safe("a=b"), safe(-3), safe(None), safe(True)) == ("a=b", "-3", "", "yes")


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
