"""`sereno export --corrections` (issue 14 item 4): the corrected cases as labelled examples
that bench/reading_accuracy.py loads, and the team report's count of corrections."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bench.reading_accuracy import accuracy, load_labelled, read_all
from bot.core.base.model import Actor, Status, Via
from bot.core.commands.correction import correct_reading
from bot.core.records.team_report import compute, parse_period, render_text
from bot.records_cli import export_corrections
from bot.settings import Settings
from bot.wiring import App
from tests.conftest import AGENT, JOHN, LUCIA, complaint
from tests.support import FakeClock

MARK = Actor("test", "U-mark", "Mark")
ZOE = Actor("test", "U-zoe", "Zoe")
ROOT = Path(__file__).resolve().parent.parent
#: Quotes, a backslash, a new line, a tab, accents, an emoji and DEL: TOML must keep them all.
TRICKY = 'Mi "pedido" 48213\\no llegó\n\tnunca 😡 \x7f ¡Quiero mi dinero!'


def correct(app: App, case_id: int, **changes: str) -> None:
    case = app.store.get_case(case_id)
    assert case is not None
    assert correct_reading(app.engine, case, changes, AGENT, Via.COMMAND).ok


def three_cases(app: App, clock: FakeClock) -> list[int]:
    """Three cases: two corrected (one twice), one left as read."""
    ids = []
    texts = (TRICKY, "The invoice charged me twice, fix it.", "My parcel is late.")
    for n, (text, who) in enumerate(zip(texts, (LUCIA, JOHN, MARK), strict=True)):
        case = app.engine.open_case(complaint(text, message_id=f"m-{n}", author=who))
        assert case is not None
        ids.append(case.id)
        clock.advance(minutes=5)
    correct(app, ids[0], reason="service", kind="rude", threats="leave,legal")
    correct(app, ids[0], intensity="3")
    correct(app, ids[1], subject="charge", intensity="2")
    return ids


def test_the_export_loads_as_labelled_examples(
    app: App, clock: FakeClock, settings: Settings, tmp_path: Path
) -> None:
    ids = three_cases(app, clock)
    before = {i: app.store.get_case(i) for i in ids}
    out = tmp_path / "mine.toml"
    said = io.StringIO()
    assert export_corrections(settings, None, out, said) == 0
    assert said.getvalue() == f"Wrote {out} (2 cases)\n"
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    examples = load_labelled(out)
    assert [e["id"] for e in examples] == [f"case-{ids[0]}", f"case-{ids[1]}"]
    first, second = examples
    assert first["text"] == TRICKY
    assert (first["language"], first["reason"], first["kind"], first["intensity"]) == (
        "es",
        "service",
        "rude",
        3,
    )
    assert first["threats"] == ["leave", "legal"]
    read = before[ids[0]]
    assert read is not None
    assert first["read_reason"] == "billing" and first["read_kind"] == "unknown"
    assert first["read_threats"] == [] and first["read_intensity"] != 3
    assert first["corrected"] == ["reason", "intensity", "kind", "threats"]
    assert first["corrected_by"] == ["ana"]
    assert first["impact"] == "high"  # a legal threat
    assert (second["subject"], second["intensity"], second["read_subject"]) == (
        "charge",
        2,
        "invoice",
    )
    assert second["corrected"] == ["intensity", "subject"]
    # the bench scores Sereno's reading against the team's own labels
    scores = accuracy(examples, read_all(examples))
    assert scores["reason"] == 0.5 and scores["intensity"] == 0.0


def test_the_period_chooses_the_cases_by_when_they_opened(
    app: App, clock: FakeClock, settings: Settings
) -> None:
    three_cases(app, clock)
    clock.advance(days=40)
    later = app.engine.open_case(complaint("My order never came", "m-late", ZOE))
    assert later is not None
    correct(app, later.id, reason="service")
    printed = io.StringIO()
    assert export_corrections(settings, "2027-01-01..2027-01-31", None, printed) == 0
    text = printed.getvalue()
    assert "Cases: 1." in text and f'id = "case-{later.id}"' in text
    assert text.count("\n[[complaint]]\n") == 1
    first = io.StringIO()
    assert export_corrections(settings, "2026-11", None, first) == 0
    assert "Cases: 2." in first.getvalue() and f"case-{later.id}" not in first.getvalue()
    bad = io.StringIO()
    assert export_corrections(settings, "sideways", None, bad) == 2
    assert "is not a period" in bad.getvalue()


def test_no_corrections_export_a_file_with_no_examples(
    settings: Settings, tmp_path: Path, app: App
) -> None:
    out = tmp_path / "none.toml"
    assert export_corrections(settings, None, out, io.StringIO()) == 0
    assert "Cases: 0." in out.read_text(encoding="utf-8")


def test_sereno_export_corrections_from_the_shell(
    app: App, clock: FakeClock, settings: Settings, tmp_path: Path
) -> None:
    three_cases(app, clock)
    out = tmp_path / "shell.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERENO_")}
    env["SERENO_DB"] = str(settings.db_path)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--corrections", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "(2 cases)" in done.stdout
    assert len(load_labelled(out)) == 2
    alone = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--period", "7d"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert alone.returncode == 2 and "--period goes with --corrections" in alone.stdout


def test_the_team_report_counts_corrections_per_part(app: App, clock: FakeClock) -> None:
    ids = three_cases(app, clock)
    start, end = parse_period("7d", clock.now())
    report = compute(app.store, start, end, clock.now())
    assert report.corrected == (
        ("reason", 1),
        ("intensity", 2),
        ("kind", 1),
        ("subject", 1),
        ("threats", 1),
    )
    text = render_text(report, "en")
    assert (
        "Reading corrected: reason 1 of 3 cases (33%), intensity 2, kind 1, subject 1, threats 1"
        in text
    )
    es = render_text(report, "es")
    assert "Lectura corregida: motivo 1 de 3 casos (33 %), intensidad 2, tipo 1" in es
    # a dismissed case counts in no figure, its corrections neither
    dismissed = app.store.get_case(ids[0])
    assert dismissed is not None
    assert app.engine.transition(dismissed, AGENT, Status.DISMISSED, "dismiss").ok
    report = compute(app.store, start, end, clock.now())
    assert report.corrected == (("intensity", 1), ("subject", 1))
    assert "intensity 1 of 2 cases (50%), subject 1" in render_text(report, "en")


def test_one_case_and_no_corrections_read_in_the_singular(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint("My order never came"))
    assert case is not None
    start, end = parse_period("7d", clock.now())
    text = render_text(compute(app.store, start, end, clock.now()), "en")
    assert "Reading corrected: never" in text
    correct(app, case.id, kind="rude")
    text = render_text(compute(app.store, start, end, clock.now()), "en")
    assert "Reading corrected: kind 1 of 1 case (100%)" in text
    es = render_text(compute(app.store, start, end, clock.now()), "es")
    assert "Lectura corregida: tipo 1 de 1 caso (100 %)" in es
