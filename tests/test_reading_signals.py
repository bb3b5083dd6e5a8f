"""Reading complaints: the evidence behind each reading, courtesy, tone and escalation,
order references, and how history raises impact."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.core.base.model import CustomerKind, Impact, Reason, Signal
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.reader import assess_history, intensity_of
from bot.core.reading.refs import find_order_ref
from bot.core.reading.text import FoldedText
from bot.langdetect import LinguaDetector
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules
from tests.reading_harness import LUCIA, read


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


@pytest.fixture(scope="module")
def detector() -> LinguaDetector:
    return LinguaDetector(["es", "en"])


# ---------------------------------------------------------------- evidence


def test_angry_complaint_quotes_its_evidence(rules: ReadingRules, detector: Any) -> None:
    reading = read(LUCIA, rules, detector)
    assert reading.language == "es"
    assert reading.reason is Reason.DELIVERY
    assert reading.intensity == 3
    assert reading.impact is Impact.HIGH
    assert reading.order_ref == "48213"
    assert reading.flags == {"public-threat", "leave-threat"}
    evidence = set(reading.intensity_evidence)
    assert Signal("capitals", "TRES") in evidence
    assert Signal("exclamations", "!!!") in evidence
    assert Signal("leave-threat", "no vuelvo a comprar") in evidence
    assert Signal("public-threat", "cuento en todas las redes") in evidence
    assert Signal("leave-threat", "no vuelvo a comprar") in reading.impact_evidence


def test_insults_make_a_rude_customer_and_are_quoted(rules: ReadingRules, detector: Any) -> None:
    reading = read("Sois unos inútiles, la lavadora vino rota.", rules, detector)
    assert reading.kind is CustomerKind.RUDE
    assert Signal("insult", "inútiles") in reading.kind_evidence
    assert reading.reason is Reason.PRODUCT
    assert Signal("keyword", "rota") in reading.reason_evidence


def test_polite_complaint_is_calm_and_low(rules: ReadingRules, detector: Any) -> None:
    text = "Hello, the kettle I received does not work. Could you send a replacement, please?"
    reading = read(text, rules, detector)
    assert (reading.language, reading.reason) == ("en", Reason.PRODUCT)
    assert (reading.intensity, reading.impact) == (0, Impact.LOW)
    assert reading.intensity_evidence == (
        Signal("polite", "Could you"),
        Signal("polite", "please"),
    )


def test_no_cues_reads_as_unknown_kind(rules: ReadingRules, detector: Any) -> None:
    reading = read("The parcel has not arrived yet.", rules, detector)
    assert reading.kind is CustomerKind.UNKNOWN
    assert reading.kind_evidence == ()


@pytest.mark.parametrize("spelling", ["devolución", "devolucion", "DEVOLUCIÓN", "Devolucion"])
def test_keywords_match_without_accents_or_case(spelling: str) -> None:
    folded = FoldedText.of(f"Quiero la {spelling} ya")
    assert folded.find("devoluci*") == [spelling]
    assert FoldedText.of("No llegó nada").find("no llego") == ["No llegó"]


def test_accented_and_plain_spellings_read_alike(rules: ReadingRules, detector: Any) -> None:
    accented = read("La contraseña de mi cuenta no sirve y la aplicación da error", rules, detector)
    plain = read("La contrasena de mi cuenta no sirve y la aplicacion da error", rules, detector)
    assert accented.reason is plain.reason is Reason.TECHNICAL
    assert Signal("keyword", "contraseña") in accented.reason_evidence
    assert Signal("keyword", "contrasena") in plain.reason_evidence


def test_stems_match_whole_words_only() -> None:
    folded = FoldedText.of("La app falla; I'd appreciate a happy ending")
    assert folded.find("app") == ["app"]
    assert folded.find("appreci*") == ["appreciate"]


@pytest.mark.parametrize(
    "text",
    [
        "Necesito mi DNI y el NIF para el envío a USA, por favor.",
        "The USB cable for my GPS has no LED and the SMS never came.",
    ],
)
def test_acronyms_are_not_shouting(text: str, rules: ReadingRules) -> None:
    intensity, evidence = intensity_of(text, rules, "es")
    assert intensity == 0
    assert not [s for s in evidence if s.name == "capitals"]


def test_short_words_in_a_shouted_phrase_count(rules: ReadingRules) -> None:
    intensity, evidence = intensity_of("NO ME HAGAN ESPERAR MÁS", rules, "es")
    assert Signal("capitals", "NO ME HAGAN ESPERAR MÁS") in evidence
    assert intensity == 2


def test_intensity_of_notices_anger_rising(rules: ReadingRules) -> None:
    calm, _ = intensity_of("Vale, gracias por la respuesta.", rules, "es")
    angry, evidence = intensity_of("ESTO ES INACEPTABLE!!! Os pongo en Twitter", rules, "es")
    assert calm == 0
    assert angry == 3
    assert {s.name for s in evidence} >= {"capitals", "exclamations", "public-threat"}


# ---------------------------------------------------------------- courtesy, tone and escalation


def test_legal_threat_is_high_flagged_and_quoted(rules: ReadingRules, detector: Any) -> None:
    text = "Si no me devuelven el importe pondré una DENUNCIA y hablaré con mi Abogado."
    reading = read(text, rules, detector)
    assert reading.impact is Impact.HIGH
    assert "legal-threat" in reading.flags
    assert Signal("legal-threat", "DENUNCIA") in reading.impact_evidence
    assert Signal("legal-threat", "Abogado") in reading.intensity_evidence
    assert reading.intensity >= 1


def test_repeat_contact_makes_a_calm_complaint_medium(rules: ReadingRules, detector: Any) -> None:
    reading = read("Es la tercera vez que escribo: el paquete no ha llegado.", rules, detector)
    assert (reading.intensity, reading.impact) == (1, Impact.MEDIUM)
    assert Signal("repeat-contact", "Es la tercera vez") in reading.impact_evidence
    assert "legal-threat" not in reading.flags


def test_strong_words_without_insults_add_anger(rules: ReadingRules) -> None:
    calm, _ = intensity_of("The parcel is late.", rules, "en")
    strong, evidence = intensity_of("The parcel is late. Unacceptable.", rules, "en")
    assert (calm, strong) == (0, 1)
    assert Signal("strong-word", "Unacceptable") in evidence


def test_courtesy_caps_quiet_displeasure_at_one(rules: ReadingRules) -> None:
    blunt, _ = intensity_of("I'm right and this is ridiculous.", rules, "en")
    polite, evidence = intensity_of("I'm right and this is ridiculous. Thank you.", rules, "en")
    assert (blunt, polite) == (2, 1)
    assert Signal("polite", "Thank you") in evidence


def test_courtesy_does_not_soften_shouting_or_threats(rules: ReadingRules) -> None:
    intensity, _ = intensity_of("ESTO ES INACEPTABLE!!! Me doy de baja, gracias.", rules, "es")
    assert intensity == 3


def test_fury_with_a_demand_for_the_boss_is_high(rules: ReadingRules, detector: Any) -> None:
    reading = read("ERES UN INÚTIL. QUIERO HABLAR CON TU JEFE", rules, detector)
    assert (reading.intensity, reading.impact) == (3, Impact.HIGH)
    assert Signal("escalation", "HABLAR CON TU JEFE") in reading.impact_evidence
    calm = read("Quisiera hablar con un responsable, gracias.", rules, detector)
    assert calm.impact is Impact.LOW


@pytest.mark.parametrize(
    ("text", "shouted"),
    [("Lo quiero YA", "YA"), ("I need it NOW.", "NOW"), ("Mi DNI y el NIF", None)],
)
def test_short_words_in_capitals_are_shouting_unless_acronyms(
    text: str, shouted: str | None, rules: ReadingRules
) -> None:
    _, evidence = intensity_of(text, rules, "es" if "Mi" in text or "Lo" in text else "en")
    assert [s.detail for s in evidence if s.name == "capitals"] == ([shouted] if shouted else [])


def test_rules_without_the_optional_lists_still_read(rules: ReadingRules, detector: Any) -> None:
    bare = replace(
        rules, polite={}, strong_words={}, displeasure={}, repeat_contact={},
        legal_threats={}, escalations={}, short_shouts={},
    )  # fmt: skip
    reading = read("Otra vez sin paquete, qué vergüenza. Llamaré a mi abogado.", bare, detector)
    assert (reading.intensity, reading.impact, reading.flags) == (0, Impact.LOW, frozenset())


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("Llevo días esperando el pedido 48213", "48213"),
        ("Where is my order #A-1234??", "A-1234"),
        ("ref 99812, please check", "99812"),
        ("My order number is 300457.", "300457"),
        ("Pedido nº 77120: no ha llegado", "77120"),
        ("La factura F-2024-0193 está mal", "F-2024-0193"),
        ("Reclamo el #88231", "88231"),
        ("Pedí 2 unidades el 12/03", None),
        ("I ordered 3 chairs and got 2", None),
        ("", None),
    ],
)
def test_order_refs(text: str, ref: str | None) -> None:
    assert find_order_ref(text) == ref


# ---------------------------------------------------------------- history and impact


@pytest.mark.parametrize(
    ("counts", "chronic"),
    [
        ((0, 0, 0, 0), False),
        ((2, 0, 2, 0), False),
        ((3, 3, 0, 0), False),
        ((3, 2, 1, 0), True),
        ((5, 5, 0, 0), True),
    ],
)
def test_assess_history(counts: tuple[int, int, int, int], chronic: bool) -> None:
    history = assess_history(*counts)
    assert history.chronic is chronic
    assert history.earlier_cases == counts[0]


def test_chronic_complainer_is_flagged_and_raises_impact(
    rules: ReadingRules, detector: Any
) -> None:
    text = "The parcel has not arrived yet."
    fresh = read(text, rules, detector)
    chronic = read(text, rules, detector, assess_history(4, 2, 2, 0))
    assert fresh.impact is Impact.LOW
    assert chronic.impact is Impact.MEDIUM
    assert "chronic" in chronic.flags
    assert Signal("chronic", "4 earlier cases (2 resolved, 2 let go)") in chronic.impact_evidence


def test_many_earlier_cases_raise_impact_few_are_only_shown(
    rules: ReadingRules, detector: Any
) -> None:
    text = "The parcel has not arrived yet."
    many = read(text, rules, detector, assess_history(3, 3, 0, 0))
    one = read(text, rules, detector, assess_history(1, 1, 0, 0))
    assert many.impact is Impact.MEDIUM and "chronic" not in many.flags
    assert one.impact is Impact.LOW
    assert Signal("history", "1 earlier case (1 resolved)") in one.impact_evidence
