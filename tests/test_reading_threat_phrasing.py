"""Threats read by how people phrase them, not by fixed phrases (issue 14 item 2)."""

from __future__ import annotations

import pytest

from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.reader import intensity_of
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


@pytest.mark.parametrize(
    ("text", "language", "group", "quoted"),
    [
        (
            "¿Repetir con vosotros? Ni muertos.",
            "es",
            "leave-threat",
            "Repetir con vosotros? Ni muertos",
        ),
        ("Ni locas volvemos a este sitio.", "es", "leave-threat", "Ni locas volvemos"),
        ("Tengo fotos de la habitación que subiré esta noche.", "es", "public-threat", "fotos"),
        ("Publicaremos los vídeos del retraso.", "es", "public-threat", "Publicaremos los vídeos"),
        (
            "We will not travel with this company, full stop.",
            "en",
            "leave-threat",
            "will not travel",
        ),
        ("I might just go with another carrier instead.", "en", "leave-threat", "might just go"),
        ("Hey @NBCNews look at this queue", "en", "public-threat", "NBCNews"),
        ("@USDOT three hours on the tarmac and no water", "en", "legal-threat", "USDOT"),
        (
            "What about the passenger bill of rights?",
            "en",
            "legal-threat",
            "passenger bill of rights",
        ),
    ],
)
def test_a_threat_phrased_in_other_words_is_read(
    text: str, language: str, group: str, quoted: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, language)
    found = [s.detail for s in signals if s.name == group]
    assert any(detail.startswith(quoted) for detail in found), found
    assert all(detail in text for detail in found)  # the customer's own words


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Íbamos locos de contentos, pero el hotel estaba cerrado.", "es"),
        ("Tengo fotos del ticket por si las necesitan.", "es"),
        ("I had to go home and use my own charger instead.", "en"),
        ("My gmail address is on the booking, thanks.", "en"),
    ],
)
def test_words_near_a_threat_pattern_are_no_threat(
    text: str, language: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, language)
    assert not {s.name for s in signals} & {"leave-threat", "public-threat", "legal-threat"}
