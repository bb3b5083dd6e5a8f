"""Reading anger: negation within a window, emoji and punctuation as signals (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.guidance.playbook import Negation, ReadingRules
from bot.core.reading.reader import intensity_of
from bot.core.reading.signals import exclamation_runs, negated, sarcasm_dots
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
from playbooks.rules import RULES_FILE, load_rules


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


def _names(signals: tuple) -> set[str]:
    return {s.name for s in signals}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The delay was not terrible, but I need the refund today.", "en"),
        ("The food wasn't horrible, just cold.", "en"),
        ("No es una estafa, pero quiero mi dinero.", "es"),
        ("Nunca pesimo, pero esta vez tardaron.", "es"),
    ],
)
def test_a_negated_strong_word_is_no_anger(text: str, language: str, rules: ReadingRules) -> None:
    _, signals = intensity_of(text, rules, language)
    assert "strong-word" not in _names(signals)
    assert "anger" not in _names(signals)


@pytest.mark.parametrize(
    ("text", "language", "quoted"),
    [
        ("This is terrible, I want my money back.", "en", "terrible"),
        ("No, this is terrible.", "en", "terrible"),
        ("Not only late: this is not just slow, it is terrible.", "en", "terrible"),
        ("No. Es una estafa.", "es", "una estafa"),
    ],
)
def test_a_strong_word_outside_a_negation_still_counts(
    text: str, language: str, quoted: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, language)
    assert any(s.name == "strong-word" and quoted in s.detail.casefold() for s in signals)


def test_negated_reads_only_the_same_clause_within_three_words(rules: ReadingRules) -> None:
    english = rules.negation["en"]
    text = "it was not really terrible"
    assert negated(text, text.index("terrible"), english)
    far = "it was not at all that terrible"
    assert not negated(far, far.index("terrible"), english)
    cut = "not me, terrible"
    assert not negated(cut, cut.index("terrible"), english)
    only = "not only terrible"
    assert not negated(only, only.index("terrible"), english)


def test_eye_roll_and_thumbs_down_are_angry_emoji(rules: ReadingRules) -> None:
    calm, _ = intensity_of("My order 123 has not arrived yet.", rules, "en")
    rolled, signals = intensity_of("My order 123 has not arrived yet 🙄👎🏽", rules, "en")
    assert rolled == calm + 1
    assert any(s.name == "emoji" and s.detail == "🙄👎🏽" for s in signals)


def test_disbelief_marks_count_as_exclamations(rules: ReadingRules) -> None:
    assert exclamation_runs("You charged me twice?! Really!?") == ["?!", "!?"]
    assert exclamation_runs("Is it here? Yes.") == []
    calm, _ = intensity_of("Where is my parcel? It says delivered.", rules, "en")
    loud, signals = intensity_of("Where is my parcel?! It says delivered.", rules, "en")
    assert loud == calm + 1
    assert any(s.name == "exclamations" and s.detail == "?!" for s in signals)


def test_sarcasm_dots_are_a_quiet_signal(rules: ReadingRules) -> None:
    assert sarcasm_dots("Great.... just great. Wait..") == ["...."]
    assert sarcasm_dots("Wait... what") == []
    calm, _ = intensity_of("Mi pedido aún no ha llegado.", rules, "es")
    dots, signals = intensity_of("Mi pedido aún no ha llegado.....", rules, "es")
    assert dots == calm + 1
    assert any(s.name == "dots" and s.detail == "....." for s in signals)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Me parece lamentable, y no puse una hoja de reclamaciones por mi pareja.", "es"),
        ("Nos fuimos sin hoja de reclamaciones, ya era tarde.", "es"),
    ],
)
def test_a_negated_legal_step_is_no_threat(text: str, language: str, rules: ReadingRules) -> None:
    _, signals = intensity_of(text, rules, language)
    assert "legal-threat" not in _names(signals)


@pytest.mark.parametrize(
    ("text", "language", "group"),
    [
        ("Si no lo arreglan, no dudaré en denunciarlos.", "es", "legal-threat"),
        ("El servicio hace que no vuelvas nunca más.", "es", "leave-threat"),
        ("Bags lost, no staff anywhere #neveragain", "en", "leave-threat"),
        ("No, we will never fly with you again.", "en", "leave-threat"),
    ],
)
def test_a_threat_said_with_a_negation_still_counts(
    text: str, language: str, group: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, language)
    assert group in _names(signals)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I would have switched airlines if another seat was free.", "en"),
        ("We almost switched to Delta last year, glad we stayed.", "en"),
        ("I would've gone with another carrier, but there was none.", "en"),
    ],
)
def test_a_threat_that_did_not_happen_is_no_threat(
    text: str, language: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, language)
    assert "leave-threat" not in _names(signals)


def test_a_threat_said_after_a_counterfactual_clause_still_counts(rules: ReadingRules) -> None:
    text = "I would have stayed, but now I'm switching to Delta."
    _, signals = intensity_of(text, rules, "en")
    assert "leave-threat" in _names(signals)


@pytest.mark.parametrize(
    "text",
    [
        "I will never, after the way your crew treated my mother, book a seat with you again.",
        "Nor will anyone in my office be booking your red-eye flights ever again",
        "We won’t be flying this awful excuse for an airline again",
    ],
)
def test_a_refusal_and_again_far_apart_in_one_sentence_are_a_leave_threat(
    text: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, "en")
    found = [s.detail for s in signals if s.name == "leave-threat"]
    assert found and all(detail.rstrip("…") in text for detail in found)


@pytest.mark.parametrize(
    "text",
    [
        "I will never understand why. I tried to book it again this morning.",
        "This will never happen again, the agent promised.",
        "Nor did the crew use the jet bridge, but we waited again.",
    ],
)
def test_a_refusal_without_a_travel_verb_and_again_in_its_sentence_is_no_threat(
    text: str, rules: ReadingRules
) -> None:
    _, signals = intensity_of(text, rules, "en")
    assert "leave-threat" not in _names(signals)


def _rules_with_negation(tmp_path: Path, old: str, new: str) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "reading.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "where", "field", "problem"),
    [
        ('negators = ["not",', 'negators = ["not at all",', "negation.en", "negators", "one word"),
        ('conditionals = ["if",', 'conditionals = [3, "if",', "negation.en", "conditionals",
         "string"),
        ("light_words = [\"to\",", "lite_words = [\"to\",", "negation.en", "lite_words", "unknown"),
        ('counterfactuals = [\n  "would\'ve",', 'counterfactuals = [\n  "would have had",',
         "negation.en", "counterfactuals", "one or two words"),
        ("[negation.en]", "[negation.fr]", "negation", "fr", "not in `languages`"),
    ],
)  # fmt: skip
def test_a_bad_negation_word_is_named_with_its_file_and_field(
    tmp_path: Path, old: str, new: str, where: str, field: str, problem: str
) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_rules(_rules_with_negation(tmp_path, old, new), load_advice_ids())
    error = caught.value
    assert (error.file, error.where, error.field) == ("reading.toml", where, field)
    assert problem in error.problem


def test_the_shipped_negation_covers_every_language(rules: ReadingRules) -> None:
    assert set(rules.negation) == {"en", "es"}
    for negation in rules.negation.values():
        assert negation.negators and negation.threat_negators and negation.negative_heads


def test_without_negation_words_nothing_is_turned_round(rules: ReadingRules) -> None:
    text = "it was not really terrible"
    assert not negated(text, text.index("terrible"), Negation())
    assert negated(text, text.index("terrible"), rules.negation["en"])
