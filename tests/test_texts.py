"""Thread texts and replies follow SERENO_AGENT_LANGUAGE: complete catalog, English kept."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from string import Formatter
from types import SimpleNamespace

import polib
import pytest

from bot import settings as settings_module
from bot.core import texts
from bot.core.base.cards import Card
from bot.core.base.case import Case, EventKind
from bot.core.base.clocks import ReminderKind
from bot.core.base.model import CustomerKind, History, Impact, Incoming, Reason, Status
from bot.core.base.ports import LanguageDetector
from bot.core.cases.context import Context
from bot.core.cases.lifecycle import LABELS, refusal
from bot.core.commands.dispatch import run
from bot.core.commands.interactions import on_button
from bot.core.guidance.guide import _history_line, history_evidence
from bot.core.reading.history import assess_history, describe_history
from bot.core.records import commands as record_commands
from bot.core.records.team_report import compute, parse_period, render_text
from bot.core.texts import label, name, t
from bot.records_cli import report
from bot.settings import Settings, SettingsError
from bot.wiring import App, build
from tests.conftest import AGENT, LUCIA, complaint
from tests.support import FakeClock

ES = "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! Quiero mi dinero."
EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
ANGRIER = "SIGO ESPERANDO!!! Es una VERGÜENZA, idiotas"


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


def catalogue(lang: str) -> dict[str, list[str]]:
    """A catalogue as msgid -> its forms (one, or one per plural form)."""
    po = polib.pofile(str(texts.LOCALE / f"{lang}.po"))
    found: dict[str, list[str]] = {}
    for entry in po:
        assert entry.msgid not in found, f"{lang}.po: {entry.msgid} twice"
        forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
        found[entry.msgid] = forms if entry.msgid_plural else [entry.msgstr]
    return found


KEYS = set(catalogue("en"))


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    english, spanish = catalogue("en"), catalogue("es")
    assert set(english) == set(spanish)
    for key, forms in english.items():
        assert all(f.strip() for f in forms + spanish[key]), key
        wanted = set().union(*(placeholders(f) for f in forms))
        assert all(placeholders(f) <= wanted | {"count"} for f in spanish[key]), key
        assert set().union(*(placeholders(f) for f in spanish[key])) == wanted, key


def test_no_text_fakes_a_plural_with_parentheses() -> None:
    for lang in ("en", "es"):
        for key, forms in catalogue(lang).items():
            assert not any("(s)" in f or "(es)" in f for f in forms), (lang, key)


def test_plurals_follow_the_count_in_each_language() -> None:
    assert texts.plural("team.cases", 1, "es") == "1 caso"
    assert texts.plural("team.cases", 2, "es") == "2 casos"
    assert texts.plural("team.cases", 0, "en") == "0 cases"
    history = History(earlier_cases=1, resolved=1, let_go=0, still_open=0)
    reading = SimpleNamespace(history=history)
    assert "1 caso anterior: 1 resuelto, 0 cerrados sin acuerdo" in _history_line(reading, "es")  # type: ignore[arg-type]
    assert "1 earlier case: 1 resolved" in _history_line(reading, "en")  # type: ignore[arg-type]


def test_a_third_language_is_one_catalogue_and_one_entry_in_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, detector: LanguageDetector
) -> None:
    """A tiny test language, "xx", with three plural forms and two texts of its own."""
    for lang in ("en", "es"):
        (tmp_path / f"{lang}.po").write_bytes((texts.LOCALE / f"{lang}.po").read_bytes())
    (tmp_path / "xx.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"\n\n'
        'msgid "reply.only_team"\nmsgstr "Xx team only."\n\n'
        'msgid "team.cases"\nmsgid_plural "team.cases"\n'
        'msgstr[0] "{count} xcase"\nmsgstr[1] "{count} xcase-pair"\nmsgstr[2] "{count} xcases"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(texts, "LOCALE", tmp_path)
    monkeypatch.setattr(settings_module, "LANGUAGES", (*settings_module.LANGUAGES, "xx"))
    xx = texts.for_language("xx")
    assert [xx.plural("team.cases", n) for n in (1, 2, 5)] == [
        "1 xcase",
        "2 xcase-pair",
        "5 xcases",
    ]
    assert xx("progress.count", done=1, total=3) == "Progress 1/3"  # not translated: English
    app = make(tmp_path, FakeClock(), detector, SERENO_AGENT_LANGUAGE="xx")
    try:
        case = app.engine.open_case(complaint(EN))
        assert case is not None
        assert on_button(app.engine, "claim", str(case.id), LUCIA).text == "Xx team only."
    finally:
        app.close()
    with pytest.raises(SettingsError, match="unknown language 'yy'"):
        Settings.from_env({"SERENO_DB": str(tmp_path / "y.db"), "SERENO_AGENT_LANGUAGE": "yy"})


def test_every_vocabulary_value_and_reminder_kind_has_texts() -> None:
    groups = {"status": Status, "reason": Reason, "impact": Impact, "kind": CustomerKind}
    for group, enum in groups.items():
        assert all(f"{group}.{member.value}" in KEYS for member in enum), group
    for kind in ReminderKind:
        assert {f"clock.{kind}", f"ping.{kind}.label", f"ping.{kind}.what"} <= KEYS
    assert {s: name("status", s.value, "en") for s in Status} == LABELS


def test_unknown_language_falls_back_to_english() -> None:
    assert t("progress.count", "fr", done=1, total=3) == "Progress 1/3"
    assert t("progress.count", "es", done=1, total=3) == "Progreso 1/3"
    assert name("reason", "weather", "es") == "weather"


def make(tmp_path: Path, clock: FakeClock, detector: LanguageDetector, **env: str) -> App:
    settings = Settings.from_env({"SERENO_DB": str(tmp_path / "x.db"), **env})
    return build(settings, clock=clock, detector=detector)


@pytest.fixture
def es_app(tmp_path: Path, clock: FakeClock, detector: LanguageDetector) -> Iterator[App]:
    built = make(tmp_path, clock, detector, SERENO_AGENT_LANGUAGE="es", SERENO_SLACK_LEAD="")
    yield built
    built.close()


def cards(app: App, kind: str, case_id: int = 1) -> list[Card]:
    return [i.card for i in app.store.outbox_for_case(case_id) if i.card.kind == kind]


def labels(card: Card) -> list[str]:
    return [a.label for a in card.actions]


def test_spanish_header_step_and_suggestion(es_app: App) -> None:
    assert es_app.engine.open_case(complaint(ES)) is not None
    header = cards(es_app, "header")[0]
    assert header.title.startswith("Caso #1 · ") and " intensidad " in header.title
    assert " · impacto " in header.title
    assert [line.split(":")[0] for line in header.lines[:3]] == ["Por qué", "Motivo", "Historial"]
    assert header.lines[-2].startswith("Progreso 0/") and "▸ ahora: " in header.lines[-2]
    assert header.lines[-1].startswith("Estado: nuevo · sin asignar · próximo: primera respuesta")
    assert "(en 10 min; objetivo 10 min por impacto MEDIO)" in header.lines[-1]  # impact's target
    assert labels(header) == ["Asumir", "Resolver", "Cerrar sin acuerdo"]
    step = cards(es_app, "step")[0]
    assert step.title.startswith("Paso 1/") and step.lines[-1].startswith("(consejo: ")
    assert step.footer is not None and step.footer.startswith("Reacciona ✅ al terminar, ⏩")
    assert "/complaint done " in step.footer and labels(step) == ["Hecho", "Saltar"]
    suggestion = cards(es_app, "suggestion")[0]
    assert suggestion.title.startswith("Respuesta sugerida (es) — ")
    assert labels(suggestion) == ["Responder…", "Otra"]


def test_spanish_ping_escalation_and_anger(es_app: App, clock: FakeClock) -> None:
    case = es_app.engine.open_case(complaint(ES))
    assert case is not None
    clock.advance(minutes=10)  # MEDIUM impact: SERENO_FIRST_RESPONSE_MEDIUM
    es_app.scheduler.tick()
    ping = cards(es_app, "ping")[0]
    assert ping.title == "⏰ Primera respuesta pendiente · #1"
    assert ping.lines[0].startswith("Nadie ha atendido esta queja")
    assert ping.footer is not None and ping.footer.startswith("Reacciona ✅ al terminar, 💤")
    clock.advance(hours=1, minutes=1)
    es_app.scheduler.tick()
    escalation = cards(es_app, "ping")[-1]
    assert escalation.title.startswith("🚨 Escalado · #1: primera respuesta pendiente — avisado")
    es_app.engine.claim(case, AGENT)
    reply = Incoming("test", "C1", "m-2", LUCIA, ANGRIER, case.thread_id)
    es_app.engine.conversation.record_thread_message(reply)
    notice = cards(es_app, "notice")[-1]
    assert notice.title.startswith("🔥 El cliente está más molesto ahora (")
    assert "(consejo: anger-during)" in notice.lines[-1]
    header = cards(es_app, "header")[-1]
    assert any(line.startswith("Estado: en curso · ana") for line in header.lines)


def test_spanish_report_titles(es_app: App) -> None:
    case = es_app.engine.open_case(complaint(ES))
    assert case is not None
    here = Context(AGENT, "test", "C1")
    assert record_commands.export(es_app.engine, case, "md", here).ok
    assert record_commands.export(es_app.engine, None, "", here).ok
    assert record_commands.stories(es_app.engine, "30d", here).ok
    rows = es_app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report' ORDER BY id")
    titles = [json.loads(r["payload"])["title"] for r in rows]
    assert titles == ["📄 Informe del caso #1", "📄 Todos los casos (CSV)", "🌟 Casos de éxito"]


def test_english_stays_as_before(
    tmp_path: Path, clock: FakeClock, detector: LanguageDetector
) -> None:
    app = make(tmp_path, clock, detector, SERENO_SLACK_LEAD="")
    try:
        assert app.engine.open_case(complaint(EN)) is not None
        header = cards(app, "header")[0]
        assert header.title == "Case #1 · service · 🔥 intensity 1/3 · impact LOW · en"
        assert header.lines[2] == "History: first complaint from this customer."
        assert header.lines[-1].startswith("Status: new · unassigned · next: first-response ")
        assert header.lines[-1].endswith(" UTC (in 15 min; target 15 min for LOW impact)")
        assert labels(header) == ["Claim", "Resolve", "Let go"]
        step = cards(app, "step")[0]
        assert step.footer == (  # the folded "Before you answer" card (issue 13)
            "React ✅ when done, ⏩ to skip (all of it at once) · "
            f"one step: /complaint done {_id(app)}"
        )
        assert step.lines[-1].startswith("(advice: ") and labels(step) == ["Done", "Skip"]
        clock.advance(minutes=15)
        app.scheduler.tick()
        ping = cards(app, "ping")[0]
        assert ping.title == "⏰ First response due · #1"
        assert ping.footer == (
            "React ✅ when done, 💤 to snooze 1h · /complaint snooze #1 <when> · "
            "/complaint reminder #1 done|cancel"
        )
    finally:
        app.close()


def _id(app: App) -> str:
    return app.store.steps(1)[0].step_id


def replies(tmp_path: Path, **env: str) -> dict[str, str]:
    """Representative replies to agents (and one customer) from a fresh app."""
    settings = Settings.from_env({"SERENO_DB": str(tmp_path / "x.db"), **env})
    app = build(settings, clock=FakeClock())
    try:
        here = Context(AGENT, "test", "C1")
        say = {"list": run(app.engine, app.times, "list", here).text}
        say["due"] = run(app.engine, app.times, "due", here).text
        say["unknown case"] = run(app.engine, app.times, "show #9", here).text
        assert app.engine.open_case(complaint(EN)) is not None
        say["step"] = run(app.engine, app.times, "done #1 1", here).text
        say["customer"] = on_button(app.engine, "claim", "1", LUCIA).text
        say["lifecycle"] = run(app.engine, app.times, "close #1", here).text
        say["timeline"] = run(app.engine, app.times, "timeline #1", here).text.splitlines()[0]
        say["step id"] = app.store.steps(1)[0].step_id
        return say
    finally:
        app.close()


def test_replies_to_agents_follow_the_agent_language(tmp_path: Path) -> None:
    say = replies(tmp_path, SERENO_AGENT_LANGUAGE="es")
    assert say.pop("step") == f"✓ Paso '{say.pop('step id')}' hecho por ana en #1."
    assert say == {
        "list": "Ningún caso coincide.",
        "due": "No tienes nada pendiente.",
        "unknown case": "No existe el caso #9.",
        "customer": "Solo el equipo de soporte puede hacer eso.",
        "lifecycle": "No puedes cerrar un caso en curso: "
        "resuélvelo primero o ciérralo sin acuerdo.",
        "timeline": "Cronología de #1:",
    }


def test_replies_to_agents_stay_english_by_default(tmp_path: Path) -> None:
    say = replies(tmp_path)
    assert say.pop("step") == f"✓ Step '{say.pop('step id')}' done by ana on #1."
    assert say == {
        "list": "No cases match.",
        "due": "Nothing is due for you.",
        "unknown case": "There is no case #9.",
        "customer": "Only the support team can do that.",
        "lifecycle": "Can't close a case that is in progress: resolve it first, or let it go.",
        "timeline": "Timeline of #1:",
    }


def test_refusals_and_reminder_replies_in_spanish() -> None:
    assert refusal(Status.LET_GO, Status.LET_GO, "let go", "es") == (
        "No puedes cerrar sin acuerdo un caso cerrado sin acuerdo."
    )
    assert refusal(Status.NEW, Status.NEW, "reopen") == (
        "Can't reopen a case that is new: it is already open."
    )
    assert t("reminder.done", "es", kind="primera respuesta", ref="#1") == (
        "Recordatorio de #1 (primera respuesta): hecho."
    )
    assert label("status", "let_go", "en") == "let_go"
    assert label("status", "let_go", "es") == "cerrado sin acuerdo"


def test_every_timeline_entry_kind_has_a_label() -> None:
    assert all(f"event.{kind.value}" in KEYS for kind in EventKind)
    assert label("event", "step_done", "en") == "step_done"
    assert label("event", "customer_message", "es") == "mensaje del cliente"


def handled(app: App, clock: FakeClock) -> list[Case]:
    """Four complaints from Lucía: one resolved after 7 min, one let go, two still open (each
    in a channel of its own: in one channel her open case would take the next ones)."""
    cases = [app.engine.open_case(complaint(ES, f"m-{n}", channel=f"C{n}")) for n in range(4)]
    assert all(cases)
    clock.advance(minutes=7)
    first, second = (app.store.get_case(c.id) for c in cases[:2] if c)
    assert first is not None and second is not None
    assert app.engine.claim(first, AGENT).ok
    first = app.store.get_case(first.id)
    assert first is not None
    assert app.engine.transition(first, AGENT, Status.RESOLVED, "resolve").ok
    assert app.engine.transition(second, AGENT, Status.LET_GO, "let go").ok
    clock.advance(hours=1)
    return [c for c in cases if c]


def report_lines(app: App) -> list[str]:
    rows = app.store.db.query("SELECT payload FROM outbox WHERE kind = 'report' ORDER BY id")
    card = json.loads(list(rows)[-1]["payload"])
    return [card["title"], *card["lines"]]


def test_spanish_team_report(es_app: App, clock: FakeClock, tmp_path: Path) -> None:
    handled(es_app, clock)
    assert run(es_app.engine, es_app.times, "report 7d", Context(AGENT, "test", "C1")).ok
    lines = report_lines(es_app)
    assert lines[0] == "📊 Informe del equipo · 2026-11-20 → 2026-11-26 (UTC)"
    for expected in (
        "4 recibidos · 1 resuelto · 1 cerrado sin acuerdo · 2 aún abiertos",
        "⏱ Respuesta",
        "Primera respuesta: mediana 7 min · el 90% en 7 min o menos (1 caso)",
        "Primeras respuestas fuera de plazo: 2 de 4 (50%)",
        "Seguimientos hechos a tiempo: no tocaba ninguno",
        "📂 Casos por",
        "Motivo: entrega 4",
        "Tipo de cliente: desconocido 4",
        "🔁 Clientes recurrentes: 4 de los 4 casos (100%) vinieron del 20% de clientes más "
        "frecuentes (1 de 1)",
        "👥 Agentes (abiertos ahora · resueltos en el periodo)",
        "• ana: 0 abiertos · 1 resuelto",
        "🗂 Siguen abiertos, por antigüedad: 1–4h 2",
    ):  # a line may go on with more (the breaches line with the target)
        assert any(row == expected or row.startswith(f"{expected} · ") for row in lines), expected
    out = io.StringIO()
    assert report(es_app.settings, "2026-11-20..2026-11-26", tmp_path, out) == 0
    assert out.getvalue().startswith("📊 Informe del equipo · 2026-11-20 → 2026-11-26 (UTC)\n")
    assert "\nResolución: mediana 7 min · el 90% en 7 min o menos (1 caso)\n" in out.getvalue()


def test_the_team_report_stays_english_by_default(es_app: App, clock: FakeClock) -> None:
    handled(es_app, clock)
    figures = compute(es_app.store, *parse_period("7d", clock.now()), clock.now())
    text = render_text(figures)
    assert text == render_text(figures, "en") == render_text(figures, "fr")
    assert text.splitlines()[:7] == [
        "📊 Team report · 2026-11-20 → 2026-11-26 (UTC)",
        "4 opened · 1 resolved · 1 let go · 2 still open",
        "🗂 Still open, by age: 1–4h 2",
        "",
        "⏱ Response",
        "First response: median 7 min · 90% within 7 min (1 case)",
        "Resolution: median 7 min · 90% within 7 min (1 case)",
    ]
    assert "Reason: delivery 4" in text and "• ana: 0 open · 1 resolved" in text
    assert "Follow-ups done on time: none due" in text


def timeline_lines(app: App) -> list[str]:
    here = Context(AGENT, "test", "C1")
    assert app.engine.open_case(complaint(ES)) is not None
    assert run(app.engine, app.times, f"done #1 {_id(app)}", here).ok
    assert run(app.engine, app.times, "note #1 llamé a Lucía", here).ok
    return run(app.engine, app.times, "timeline #1", here).text.splitlines()


def test_spanish_timeline(es_app: App) -> None:
    lines = timeline_lines(es_app)
    assert lines[0] == "Cronología de #1:"
    assert lines[1].endswith(" Sereno abrió el caso con el mensaje de Lucía Pérez")
    assert lines[2].endswith(f" ana marcó «{_title(es_app, 'es')}» como hecho con un comando")
    assert lines[3].endswith(" ana añadió una nota: llamé a Lucía")


def _title(app: App, lang: str) -> str:
    case = app.store.get_case(1)
    assert case is not None
    return next(s.title.get(lang) for s in app.engine.playbook_for(case).steps if s.id == _id(app))


def test_the_timeline_stays_english_by_default(
    tmp_path: Path, clock: FakeClock, detector: LanguageDetector
) -> None:
    app = make(tmp_path, clock, detector, SERENO_SLACK_LEAD="")
    try:
        lines = timeline_lines(app)
        assert lines[0] == "Timeline of #1:"
        assert (
            lines[1]
            == "  2026-11-26 10:00:00 UTC Sereno opened the case from Lucía Pérez's message"
        )
        done = f"ana marked “{_title(app, 'en')}” done with a command"
        assert lines[2] == f"  2026-11-26 10:00:00 UTC {done}"
        assert lines[3] == "  2026-11-26 10:00:00 UTC ana added a note: llamé a Lucía"
    finally:
        app.close()


def repeat_header(app: App, clock: FakeClock) -> str:
    """The 'Why' line of Lucía's fifth complaint, after four earlier ones."""
    handled(app, clock)
    assert app.engine.open_case(complaint(ES, "m-5", channel="C5")) is not None
    return cards(app, "header", 5)[0].lines[0]


def test_spanish_history_evidence_for_a_repeat_customer(es_app: App, clock: FakeClock) -> None:
    why = repeat_header(es_app, clock)
    assert why.startswith("Por qué: ")
    assert why.endswith(
        '"4 casos anteriores (1 resuelto, 1 cerrado sin acuerdo, 2 aún abiertos)" (crónico)'
    )
    assert '"TRES" (mayúsculas), "!!!" (exclamaciones)' in why  # signals named in Spanish too
    assert history_evidence(History(1, 0, 1, 0), "es") == "1 caso anterior (1 cerrado sin acuerdo)"


def test_history_evidence_stays_english_by_default(
    tmp_path: Path, clock: FakeClock, detector: LanguageDetector
) -> None:
    app = make(tmp_path, clock, detector, SERENO_SLACK_LEAD="")
    try:
        why = repeat_header(app, clock)
        assert why.endswith('"4 earlier cases (1 resolved, 1 let go, 2 still open)" (chronic)')
        stored = app.store.get_case(5)
        assert stored is not None
        assert f'"{stored.reading.impact_evidence[-1].detail}" (chronic)' in why
    finally:
        app.close()
    for counts in itertools.product(range(3), repeat=3):
        history = assess_history(sum(counts) + 1, *counts)
        assert history_evidence(history, "en") == describe_history(history)
