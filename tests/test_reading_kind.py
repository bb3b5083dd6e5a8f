"""The kind of customer on real wording (issue 14 item 5): a long message is talkative only
when it also chats (length alone is what a review or a detailed report is), and a customer
who quotes figures (flight numbers, dates, times, room numbers) is meticulous, the figures
as evidence. The real rules file and the real language detector; the texts are ours.
"""

from __future__ import annotations

import pytest

from bot.core.base.model import CustomerKind
from bot.core.base.ports import LanguageDetector
from bot.core.reading.kind import figures, precision_points
from bot.core.reading.reader import read_complaint
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules

RULES = load_rules(RULES_FILE, load_advice_ids())
LONG_REVIEW = (
    "Nos alojamos cuatro noches en el hotel durante el mes de agosto y la experiencia fue "
    "bastante decepcionante en casi todos los aspectos que uno espera de un cuatro estrellas. "
    "La habitación era pequeña, el baño estaba anticuado, la ducha perdía agua y el aire "
    "acondicionado hacía un ruido constante que no dejaba dormir. El desayuno era escaso y "
    "repetitivo, siempre los mismos productos, y a partir de las diez ya no reponían nada. "
    "La piscina estaba llena de gente desde primera hora y no había hamacas libres. La "
    "ubicación es buena, cerca del centro, pero no compensa todo lo demás que hemos vivido."
)


def test_a_long_message_without_chatter_is_not_talkative(detector: LanguageDetector) -> None:
    reading = read_complaint(LONG_REVIEW, rules=RULES, detector=detector, default_language="es")
    assert reading.kind is not CustomerKind.TALKATIVE
    chatty = read_complaint(
        LONG_REVIEW + " Por cierto, mi marido dice que al menos el camarero era simpático, jaja.",
        rules=RULES,
        detector=detector,
        default_language="es",
    )
    assert chatty.kind is CustomerKind.TALKATIVE
    assert "length" in {s.name for s in chatty.kind_evidence}


def test_a_customer_who_quotes_figures_is_meticulous(detector: LanguageDetector) -> None:
    text = "Flight UA1161 on 2/22 left at 8:38 instead of 6:15 and nobody said why."
    reading = read_complaint(text, rules=RULES, detector=detector, default_language="en")
    assert reading.kind is CustomerKind.METICULOUS
    assert next(s for s in reading.kind_evidence if s.name == "figures").detail == (
        "UA1161, 2/22, 8:38, 6:15"
    )
    two = read_complaint(
        "I waited 3 hours and paid twice for 1 bag.",
        rules=RULES,
        detector=detector,
        default_language="en",
    )
    assert two.kind is not CustomerKind.METICULOUS


def test_figures_are_distinct_and_leave_out_handles_and_sums() -> None:
    assert figures("@user99 paid $25 for flight 955, flight 955 again, room 311") == ["955", "311"]


def test_a_time_a_date_or_a_reference_weighs_more_than_a_count() -> None:
    assert precision_points(["8:38", "2/22", "UA484", "1161"]) == 8
    assert precision_points(["4", "10"]) == 2


def test_profanity_at_the_company_is_rude_and_doubting_its_word_distrustful(
    detector: LanguageDetector,
) -> None:
    def kind(text: str) -> CustomerKind:
        return read_complaint(text, rules=RULES, detector=detector, default_language="en").kind

    assert kind("Your customer service is piss poor and your app sucks.") is CustomerKind.RUDE
    assert kind("You told me it was on its way. Why lie? That never happened.") is (
        CustomerKind.DISTRUSTFUL
    )
    assert kind("Your own policy says refunds take 5 days, citing the regulation.") is (
        CustomerKind.KNOW_IT_ALL
    )


def test_a_date_with_its_months_name_is_one_precise_figure() -> None:
    found = figures("Llegamos el 23 de junio y nos fuimos el 29; on June 3 we wrote again.")
    assert found[:2] == ["23 de junio", "June 3"]
    assert precision_points(found) == 2 + 2 + 1


def test_one_family_mention_in_a_short_message_is_not_chatter(
    detector: LanguageDetector,
) -> None:
    def kind(text: str) -> CustomerKind:
        return read_complaint(text, rules=RULES, detector=detector, default_language="en").kind

    assert kind("My wife booked this trip and the flight was cancelled twice.") is not (
        CustomerKind.TALKATIVE
    )
    assert kind("By the way, my wife says hi, haha. The flight was cancelled twice.") is (
        CustomerKind.TALKATIVE
    )


def test_a_chat_s_mention_tokens_are_no_figures_of_the_customer() -> None:
    text = "My order 5521 arrived broken <!here> <@U999> <!subteam^S1> <#C123> <@123456789>"
    assert figures(text) == ["5521"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("No figures at all, not one, in March", []),
        ("JUNE 3, then 4 de Julio and sept. 12", ["JUNE 3", "4 de Julio", "sept. 12"]),
        ("3 May: room B2, then Dec  24", ["3 May", "Dec  24", "B2"]),
        ("<@U42> mayo 5<#C1>", ["mayo 5"]),
        ("a 12 marzo-ish 9 Marzo", ["12 marzo", "9 Marzo"]),
    ],
)
def test_a_date_starts_at_a_digit_or_a_months_first_letter(text: str, found: list[str]) -> None:
    assert figures(text) == found
