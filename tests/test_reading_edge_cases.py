"""Reading complaints: empty, emoji-only and very long texts, and language detection."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.core.base.model import CustomerKind, Impact, Reason, Signal
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.signals import MAX_SIGNALS
from bot.langdetect import LinguaDetector
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules
from tests.reading_harness import LUCIA, FixedDetector, read


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


@pytest.fixture(scope="module")
def detector() -> LinguaDetector:
    return LinguaDetector(["es", "en"])


# ---------------------------------------------------------------- edge cases and language


def test_empty_text(rules: ReadingRules, detector: Any) -> None:
    reading = read("", rules, detector)
    assert (reading.language, reading.language_confidence) == ("es", 0.0)
    assert (reading.reason, reading.kind) == (Reason.OTHER, CustomerKind.UNKNOWN)
    assert (reading.intensity, reading.impact) == (0, Impact.LOW)
    assert reading.order_ref is None and reading.flags == frozenset()


def test_emoji_only_text(rules: ReadingRules, detector: Any) -> None:
    reading = read("😡😡😡", rules, detector)
    assert reading.language == "es"
    assert reading.intensity == 1
    assert Signal("emoji", "😡😡😡") in reading.intensity_evidence


def test_ten_thousand_characters(rules: ReadingRules, detector: Any) -> None:
    text = (LUCIA + " ") * (10_000 // len(LUCIA) + 1)
    started = time.perf_counter()
    reading = read(text[:10_000], rules, detector)
    assert time.perf_counter() - started < 0.5
    assert reading.intensity == 3
    for name in {s.name for s in reading.intensity_evidence}:
        assert sum(s.name == name for s in reading.intensity_evidence) <= MAX_SIGNALS


def test_english_text_naming_a_spanish_place_is_english(rules: ReadingRules, detector: Any) -> None:
    text = "My parcel to Calle de Alcalá in Alcalá de Henares never arrived, please help."
    reading = read(text, rules, detector)
    assert reading.language == "en"
    assert reading.reason is Reason.DELIVERY


@pytest.mark.parametrize(
    ("answer", "text", "language"),
    [
        (("fr", 0.99), "Mon colis n'est jamais arrivé", "es"),
        (("en", 0.55), "some words here", "es"),
        (("en", 0.90), "ok", "es"),
        ((None, 0.0), "???", "es"),
        (("en", 0.90), "the parcel is late", "en"),
    ],
)
def test_language_falls_back_to_default(
    answer: tuple[str | None, float], text: str, language: str, rules: ReadingRules
) -> None:
    assert read(text, rules, FixedDetector(*answer)).language == language


def test_lingua_detector() -> None:
    detector = LinguaDetector(["es", "en"])
    assert detector.detect("") == (None, 0.0)
    assert detector.detect("😡😡") == (None, 0.0)
    code, confidence = detector.detect("Mi pedido no ha llegado todavía")
    assert code == "es" and 0.5 < confidence <= 1.0
    assert LinguaDetector(["en"]).detect("anything") == ("en", 1.0)
    with pytest.raises(ValueError, match="xx"):
        LinguaDetector(["es", "xx"])
