"""Words read in the sense the customer meant (issue 14): a reason's or a subject's word
inside a phrase where it means something else counts for nothing ("noche vieja" is New
Year's Eve, not an old room; "just in case" is no phone case; "según su página web" is where
the customer read something, not a website that failed), and a hotel's key card and wifi
are the room's lock and the wifi, not a bank card and a broken room.

The real rules file and the real language detector; the texts are ours, not the corpus's.
"""

from __future__ import annotations

import pytest

from bot.core.base.model import Reason, Subject
from bot.core.base.ports import LanguageDetector
from bot.core.reading.reader import read_complaint
from bot.core.reading.reason import reason_points
from bot.core.reading.text import FoldedText
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules

RULES = load_rules(RULES_FILE, load_advice_ids())


@pytest.mark.parametrize(
    ("text", "language", "subject"),
    [
        # dates and places: New Year's Eve, the afternoon, the old town, "formerly"
        ("Pasamos la noche vieja en familia.", "es", Subject.PRODUCT),
        ("Está en pleno casco antiguo, cerca de todo.", "es", Subject.PRODUCT),
        ("Antiguamente veníamos cada verano.", "es", Subject.PRODUCT),
        ("Llegamos a media tarde, con los niños.", "es", Subject.PRODUCT),
        # idioms: to strike one, to take charge, what one may expect
        ("Me llamó la atención, la verdad.", "es", Subject.PRODUCT),
        ("Nadie se hizo cargo de nada.", "es", Subject.PRODUCT),
        ("Es lo que cabe esperar, nada más.", "es", Subject.PRODUCT),
        ("Pagamos la novatada el primer día.", "es", Subject.PRODUCT),
        ("Nos quedamos más de la cuenta.", "es", Subject.PRODUCT),
        ("Nos miró con cara de no haber roto un plato.", "es", Subject.PRODUCT),
        ("En mi opinión personal, no vale nada.", "es", Subject.PRODUCT),
        # the web as where the customer read or saw something
        ("Según su página web abrían los lunes.", "es", Subject.PRODUCT),
        ("Lo vimos en su web hace un mes.", "es", Subject.PRODUCT),
        ("Las fotos de la web eran de otro sitio.", "es", Subject.PRODUCT),
        # "case" that is no phone case; "charge", "pay" and "dirty" in other senses
        ("Just in case, we came early.", "en", Subject.FLIGHT),
        ("I have the case number right here.", "en", Subject.FLIGHT),
        ("Who is in charge here?", "en", Subject.FLIGHT),
        ("Pay attention, please.", "en", Subject.FLIGHT),
        ("They did us dirty today.", "en", Subject.FLIGHT),
        ("I lost my patience with you today.", "en", Subject.FLIGHT),
        ("We are paying customers too.", "en", Subject.FLIGHT),
        ("I was willing to pay, you know.", "en", Subject.FLIGHT),
        ("According to your website, it is allowed.", "en", Subject.FLIGHT),
        ("No power outlets to charge my phone on a five hour trip.", "en", Subject.FLIGHT),
        ("The charging ports at gate 4 are dead.", "en", Subject.FLIGHT),
        ("To their credit, they tried.", "en", Subject.FLIGHT),
        # a bag of snacks handed out is no checked bag
        ("All they gave us was a bag of pretzels.", "en", Subject.FLIGHT),
        # money words in idioms: how fast, what one suffers, whatever it takes, fairness
        ("At this rate I will never get home tonight.", "en", Subject.FLIGHT),
        ("We are paying the price for your mistakes again.", "en", Subject.FLIGHT),
        ("I'll get to Dallas at all costs.", "en", Subject.FLIGHT),
        ("I want to give credit where credit is due.", "en", Subject.FLIGHT),
    ],
)  # fmt: skip
def test_a_word_in_another_sense_counts_for_no_reason(
    text: str, language: str, subject: Subject
) -> None:
    assert reason_points(FoldedText.of(text), RULES, language, subject) == {}


@pytest.mark.parametrize(
    ("text", "language", "subject", "reason"),
    [
        # a quantity, not praise: the lift broken much of the time, a long wait
        ("El ascensor estuvo estropeado buena parte del tiempo.", "es", Subject.PRODUCT,
         Reason.PRODUCT),
        ("Nos atendieron después de un buen rato de espera.", "es", Subject.PRODUCT,
         Reason.SERVICE),
        # what a reader may be looking for is no praise of what they will find
        ("Si buscáis buena comida, no vayáis.", "es", Subject.PRODUCT, Reason.PRODUCT),
        ("What kind of service is this?", "en", Subject.FLIGHT, Reason.SERVICE),
        ("Quick question about my refund.", "en", Subject.FLIGHT, Reason.BILLING),
        ("They want a Quick Ticket fee of $35 for a phone booking.", "en", Subject.FLIGHT,
         Reason.BILLING),
    ],
)  # fmt: skip
def test_praise_in_another_sense_is_no_praise(
    text: str, language: str, subject: Subject, reason: Reason
) -> None:
    points = reason_points(FoldedText.of(text), RULES, language, subject)
    assert points.get(reason, 0) > 0, points


def read(text: str, detector: LanguageDetector, language: str) -> tuple[Reason, Subject, list[str]]:
    reading = read_complaint(text, rules=RULES, detector=detector, default_language=language)
    assert reading.language == language
    return reading.reason, reading.subject, [s.detail for s in reading.reason_evidence]


def test_new_years_eve_is_no_old_room(detector: LanguageDetector) -> None:
    text = "La cena de noche vieja fue un desastre: tardaron dos horas en servir el primer plato."
    _, _, evidence = read(text, detector, "es")
    assert "vieja" not in evidence and evidence


@pytest.mark.parametrize(
    "text",
    [
        "Según su página web el hotel tenía piscina climatizada, pero estaba cerrada todo el "
        "fin de semana.",
        "Nos informamos a través de su página web de que abrían los lunes. Llegamos y estaba "
        "cerrado, sin un cartel ni nada.",
        "En la web ponía desayuno incluido y a la salida nos lo cobraron aparte.",
    ],
)
def test_the_web_where_the_customer_read_something_is_no_technical_fault(
    detector: LanguageDetector, text: str
) -> None:
    got, subject, evidence = read(text, detector, "es")
    assert got is not Reason.TECHNICAL and subject not in (Subject.WEBSITE, Subject.APP), evidence


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Just in case anyone wonders, @united made us wait five hours at the gate for nothing.",
         Reason.SERVICE),
        ("@united I have a case number from the airport police and still nobody has answered me.",
         Reason.SERVICE),
        # a case that holds something still is the product, and weighs more than the bag
        ("@delta my phone case was cracked when my bag came off the belt.", Reason.PRODUCT),
    ],
)  # fmt: skip
def test_a_case_on_a_flight_is_a_phone_case_not_in_case_or_a_case_number(
    detector: LanguageDetector, text: str, reason: Reason
) -> None:
    got, subject, evidence = read(text, detector, "en")
    assert (got, subject) == (reason, Subject.FLIGHT), evidence


def test_losing_customers_is_the_companys_service_not_a_lost_parcel(
    detector: LanguageDetector,
) -> None:
    text = "@united you lost two loyal customers and their rewards cards today."
    got, _, evidence = read(text, detector, "en")
    assert got is Reason.SERVICE and "lost two loyal customers" in evidence, evidence


@pytest.mark.parametrize(
    "text",
    [
        "La tarjeta de la habitación no funcionaba y tuvimos que bajar a recepción cinco veces "
        "por la noche.",
        "Nos dieron una tarjeta para abrir la puerta que nunca funcionó, y la habitación olía "
        "a humedad.",
    ],
)
def test_a_hotels_key_card_is_the_rooms_not_a_bank_card(
    detector: LanguageDetector, text: str
) -> None:
    got, subject, evidence = read(text, detector, "es")
    assert (got, subject) == (Reason.PRODUCT, Subject.PRODUCT), evidence


@pytest.mark.parametrize(
    "text",
    [
        "Servicio de internet pésimo: el wifi no funcionaba en la habitación en toda la semana.",
        "El wifi no funcionaba en todo el hotel y nadie de recepción lo arreglaba.",
    ],
)
def test_a_hotels_wifi_is_technical_and_the_stay_its_subject(
    detector: LanguageDetector, text: str
) -> None:
    # the labelling rules (tests/data/real/README.md): "technical for wifi and similar"
    got, subject, evidence = read(text, detector, "es")
    assert (got, subject) == (Reason.TECHNICAL, Subject.PRODUCT), evidence


def test_a_building_that_needs_work_is_the_product() -> None:
    text = "Precisa mejoras."
    points = reason_points(FoldedText.of(text), RULES, "es", Subject.PRODUCT)
    assert set(points) == {Reason.PRODUCT}


@pytest.mark.parametrize(
    "text",
    [
        "Fuimos a pagar la cena y no aceptaban tarjetas, tuvimos que ir al cajero a por efectivo.",
        "No se puede pagar con tarjeta en este bar, y nadie te avisa hasta el final.",
    ],
)
def test_paying_by_card_is_the_charge_not_the_customers_card(
    detector: LanguageDetector, text: str
) -> None:
    # and "ir al cajero" is the cash machine, not a cashier's service
    got, subject, evidence = read(text, detector, "es")
    assert (got, subject) == (Reason.BILLING, Subject.CHARGE), evidence


def test_a_misspelt_inflight_tv_is_still_technical(detector: LanguageDetector) -> None:
    text = "@united I paid for DirectTV on this flight and the screen shows nothing at all."
    got, _, evidence = read(text, detector, "en")
    assert got is Reason.TECHNICAL and "DirectTV" in evidence, evidence


def test_a_charger_is_a_thing_sold_not_a_charge() -> None:
    text = "The phone charger is missing from the box."
    points = reason_points(FoldedText.of(text), RULES, "en", Subject.PRODUCT)
    assert Reason.BILLING not in points and points.get(Reason.PRODUCT, 0) > 0, points


def test_a_boarding_pass_is_the_flights_not_a_bank_card() -> None:
    text = "No me dejaron imprimir la tarjeta de embarque en el aeropuerto."
    points = reason_points(FoldedText.of(text), RULES, "es", Subject.FLIGHT)
    assert set(points) == {Reason.SERVICE}, points


@pytest.mark.parametrize(
    ("text", "language", "evidence"),
    [
        ("El sistema de reservas no funciona y no puedo reservar mesa.", "es",
         "sistema de reservas"),
        ("Se cayó el sistema y nadie supo darnos la factura.", "es", "Se cayó el sistema"),
        ("Your booking system keeps crashing when I try to change my seat.", "en",
         "booking system"),
        ("@united the site went down twice while I was paying for my seat.", "en",
         "site went down"),
    ],
)  # fmt: skip
def test_the_companys_system_named_as_what_fails_is_a_technical_fault(
    detector: LanguageDetector, text: str, language: str, evidence: str
) -> None:
    got, _, found = read(text, detector, language)
    assert got is Reason.TECHNICAL and evidence in found, found
