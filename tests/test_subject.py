"""What a complaint is about (issue 13 item 3): the reading's subject, with its evidence,
from words kept as data in reading.toml; shown in the case header, stored with the
reading (old rows still load), erased with the customer's other words.

The real rules file, the real language detector and a real SQLite file per test.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.core.base.cards import CardKind
from bot.core.base.case import reading_to_json
from bot.core.base.model import Reason, Signal, Subject
from bot.core.base.ports import LanguageDetector
from bot.core.cases import replies
from bot.core.reading.reader import read_complaint
from bot.wiring import App
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
from playbooks.rules import RULES_FILE, load_rules
from storage.forget import PLACEHOLDER, forget_customer
from tests.conftest import AGENT, complaint
from tests.support import FakeClock

RULES = load_rules(RULES_FILE, load_advice_ids())
FLIGHT_ES = "Me cancelaron el vuelo a Lima ayer y nadie me da una solución. Es una vergüenza."


@pytest.mark.parametrize(
    ("text", "subject", "words"),
    [
        (FLIGHT_ES, Subject.FLIGHT, ("vuelo",)),
        ("The app logged me out twice today and I can't sign in again.", Subject.APP,
         ("The app", "logged me out", "sign in")),
        ("Llevo tres semanas esperando el pedido 48213 y nadie me responde.", Subject.ORDER,
         ("pedido",)),
        ("El repartidor dejó el paquete bajo la lluvia y llegó empapado.", Subject.PARCEL,
         ("repartidor", "paquete")),
        ("I was charged twice for the same thing this month.", Subject.CHARGE,
         ("charged twice",)),
        ("La factura de noviembre trae un importe que no reconozco.", Subject.INVOICE,
         ("factura",)),
        ("Me han bloqueado la tarjeta sin avisar y no puedo pagar.", Subject.CARD, ("tarjeta",)),
        ("I want to cancel my subscription and nobody lets me.", Subject.SUBSCRIPTION,
         ("subscription",)),
        ("Me anularon la cita del martes sin avisarme.", Subject.APPOINTMENT, ("cita",)),
        ("The hotel room we booked was given to someone else.", Subject.BOOKING,
         ("we booked",)),
        ("The website checkout fails every single time.", Subject.WEBSITE,
         ("website", "checkout")),
        ("La lavadora nueva hace un ruido horrible.", Subject.PRODUCT, ("lavadora",)),
        ("Nobody has answered me in three days. This is unacceptable.", Subject.UNKNOWN, ()),
    ],
)  # fmt: skip
def test_the_reading_finds_the_subject_and_its_words(
    detector: LanguageDetector, text: str, subject: Subject, words: tuple[str, ...]
) -> None:
    reading = read_complaint(text, rules=RULES, detector=detector, default_language="en")
    assert reading.subject is subject
    assert tuple(s.detail for s in reading.subject_evidence) == words
    assert all(s.name == "keyword" for s in reading.subject_evidence)


@pytest.mark.parametrize(
    ("text", "subject", "reason"),
    [
        # the account a tweet opens with is whom it is sent to; its own words say what about
        ("@united my miles and status points never posted", Subject.CARD, None),
        ("@AmericanAir @USAirways your website keeps failing me", Subject.WEBSITE,
         Reason.TECHNICAL),
        ("@united miles gone again, thanks", Subject.CARD, None),
        (".@JetBlue the points I earned are gone and nobody answers", Subject.CARD, None),
        # ... but a tweet about the flight, or about nothing named, stays the airline's flight
        ("@united flight 1136 to Houston delayed three hours, no word from anyone",
         Subject.FLIGHT, Reason.SERVICE),
        ("@united still no answer to my email from last week", Subject.FLIGHT, None),
        # and an airline named inside the text, not opening it, is still the flight's word
        ("Miles gone again, thanks United", Subject.FLIGHT, None),
    ],
)  # fmt: skip
def test_a_message_is_about_what_its_words_name_not_the_account_it_opens_with(
    detector: LanguageDetector, text: str, subject: Subject, reason: Reason | None
) -> None:
    reading = read_complaint(text, rules=RULES, detector=detector, default_language="en")
    assert reading.subject is subject, reading.subject_evidence
    if reason is not None:  # the reason is read as before, with the airline's flight
        assert reading.reason is reason, reading.reason_evidence


def test_a_longer_phrase_outweighs_a_shorter_word_of_another_subject(
    detector: LanguageDetector,
) -> None:
    text = "Perdí el embarque porque la tarjeta de embarque no aparecía en el móvil."
    reading = read_complaint(text, rules=RULES, detector=detector, default_language="es")
    assert reading.subject is Subject.FLIGHT  # not the card, not the phone


def test_the_header_says_what_it_is_about_and_the_reply_names_it(app: App) -> None:
    case = app.engine.open_case(complaint(FLIGHT_ES))
    assert case is not None
    cards = [i.card for i in app.store.outbox_for_case(case.id)]
    header = next(c for c in cards if c.kind is CardKind.HEADER)
    assert any('about: flight ("vuelo")' in line for line in header.lines), header.lines
    suggestion = next(c for c in cards if c.kind is CardKind.SUGGESTION)
    assert suggestion.quote and "su vuelo" in suggestion.quote
    assert "pedido" not in suggestion.quote


def test_the_subject_is_stored_and_an_older_reading_loads_as_unknown(
    app: App, db_path: Path
) -> None:
    case = app.engine.open_case(complaint(FLIGHT_ES))
    assert case is not None
    stored = app.store.get_case(case.id)
    assert stored is not None
    assert stored.reading.subject is Subject.FLIGHT
    assert stored.reading.subject_evidence == (Signal("keyword", "vuelo"),)

    # a row written before subjects existed: the long form (rows are written compact now,
    # and the reader still reads the long one), without the subject's keys
    long_form = json.loads(reading_to_json(stored.reading))
    old = {k: v for k, v in long_form.items() if not k.startswith("subject")}
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE cases SET reading = ? WHERE id = ?", [json.dumps(old), case.id])
    older = app.store.get_case(case.id)
    assert older is not None and older.reading.subject is Subject.UNKNOWN
    draft = replies.draft(app.engine, older, "first-reply", "ana")
    assert "lo ocurrido" in draft.text and "pedido" not in draft.text


def test_forgetting_the_customer_erases_the_subject_words(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint(FLIGHT_ES))
    assert case is not None
    forget_customer(app.store.db, "test", "U-lucia", clock.now(), by=AGENT.name)
    forgotten = app.store.get_case(case.id)
    assert forgotten is not None
    assert forgotten.reading.subject is Subject.FLIGHT  # the figures stay
    assert forgotten.reading.subject_evidence == (Signal("keyword", PLACEHOLDER),)


# ---------------------------------------------------------------- the rules file's checks


def write_rules(tmp_path: Path, old: str, new: str) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "reading.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


FLIGHT_EN = 'issue = { es = "el problema con su vuelo", en = "the problem with your flight" }'


@pytest.mark.parametrize(
    ("old", "new", "where", "field", "problem"),
    [
        ("[subjects.appointment]", "[subjects.meeting]", "subjects", "meeting", "unknown key"),
        (FLIGHT_EN, FLIGHT_EN.replace(', en = "the problem with your flight"', ""),
         "subjects.flight", "issue", "missing language 'en'"),
        (FLIGHT_EN, FLIGHT_EN.replace("su vuelo", "su vuelo {ref}"), "subjects.flight",
         "issue.es", "no placeholder"),
        ('"the problem with your flight {ref}"', '"the problem with your flight"',
         "subjects.flight", "issue_with_ref.en", "{ref}"),
        ('"vuelo*", "avion", "aerolinea"', '"vuelo*", 7, "avion", "aerolinea"', "subjects.flight",
         "keywords.es", "string"),
        ('[subjects.unknown]\nname = { es = "desconocido", en = "unknown" }',
         '[subjects.unknown]\nkeywords = { es = ["x"], en = ["x"] }\n'
         'name = { es = "desconocido", en = "unknown" }', "subjects.unknown", "keywords",
         "unknown key"),
    ],
)  # fmt: skip
def test_the_subject_words_are_checked_on_load(
    tmp_path: Path, old: str, new: str, where: str, field: str, problem: str
) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_rules(write_rules(tmp_path, old, new), load_advice_ids())
    error = caught.value
    assert (error.file, error.where, error.field) == ("reading.toml", where, field), str(error)
    assert problem in error.problem
    assert "reading.toml" in str(error)


def test_every_subject_must_be_in_the_rules(tmp_path: Path) -> None:
    text = RULES_FILE.read_text(encoding="utf-8")
    start = text.index("[subjects.product]")
    with pytest.raises(PlaybookError) as caught:
        path = tmp_path / "reading.toml"
        path.write_text(text[:start], encoding="utf-8")
        load_rules(path, load_advice_ids())
    assert (caught.value.where, caught.value.field) == ("subjects", "product")
    assert "missing" in caught.value.problem
