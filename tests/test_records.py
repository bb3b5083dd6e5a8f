"""Case records: the report dict, Markdown, JSON round trip, CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from bot.core.base.case import EventKind
from bot.core.base.model import Actor
from bot.core.records import csv_rows, formats
from bot.core.records.formats import ReportError
from bot.wiring import App
from tests.conftest import complaint
from tests.records_case import BYSTANDER, EVIL_NAME, NOTE, TEXT, fresh, full_case
from tests.support import FakeClock


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
