"""Short texts: a vote of their function words beside lingua's trigrams (bot/langdetect.py).

The word lists are data (playbooks/languages/function_words.toml), checked on load with
the file and the field named, like every other data file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.guidance.playbook import REQUIRED_LANGUAGES
from bot.langdetect import WORDS_FILE, FunctionWords, LinguaDetector, load_function_words
from playbooks.errors import PlaybookError

VALID = """
short_text_words = 8
[function_words]
en = ["the", "is", "this", "it's"]
es = ["el", "es", "está"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "function_words.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_words_load_for_every_language_the_rules_read() -> None:
    words = load_function_words(WORDS_FILE)
    assert set(REQUIRED_LANGUAGES) <= set(words.words)
    assert words.short_text_words == 8
    assert not words.words["en"] & words.words["es"]
    assert "esta" in words.words["es"]  # folded: "está" and "esta" are one word


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ('en = ["the"]', "short_text_words", "a whole number"),
        ("short_text_words = 0\n[function_words]\nen = ['the']", "short_text_words", "1 or more"),
        ("short_text_words = 8", "function_words", "a table"),
        ("short_text_words = 8\n[function_words]\nxx = ['the']", "xx", "does not know"),
        ("short_text_words = 8\n[function_words]\nen = []", "en", "a list of words"),
        ("short_text_words = 8\n[function_words]\nen = ['the end']", "en", "not one word"),
        ("short_text_words = 8\n[function_words]\nen = ['no']\nes = ['No']", "es", "also in"),
        ("settle_votes = 0\n" + VALID, "settle_votes", "1 or more"),
        ("settle_votes = true\n" + VALID, "settle_votes", "1 or more"),
        ('settle_votes = "5"\n' + VALID, "settle_votes", "1 or more"),
        ("settle_share = 0.5\n" + VALID, "settle_share", "above 0.5"),
        ("settle_share = 1.5\n" + VALID, "settle_share", "above 0.5"),
        ('settle_share = "most"\n' + VALID, "settle_share", "above 0.5"),
    ],
)
def test_a_bad_words_file_names_the_file_and_the_field(
    tmp_path: Path, text: str, field: str, problem: str
) -> None:
    with pytest.raises(PlaybookError) as error:
        load_function_words(write(tmp_path, text))
    assert error.value.file == "function_words.toml"
    assert error.value.field == field
    assert problem in error.value.problem


def test_a_short_text_goes_to_the_language_most_of_its_function_words_are_in(
    tmp_path: Path,
) -> None:
    words = load_function_words(write(tmp_path, VALID))
    assert words.vote("This is ridiculous", ("es", "en")) == ("en", 1.0)
    assert words.vote("¿Dónde ESTÁ el pedido?", ("es", "en")) == ("es", 1.0)
    assert words.vote("It’s the end, el fin", ("es", "en")) == ("en", 2 / 3)  # ’ is '


def test_no_vote_on_a_tie_without_function_words_or_past_the_short_length(
    tmp_path: Path,
) -> None:
    words = load_function_words(write(tmp_path, VALID))
    assert words.vote("the el", ("es", "en")) is None
    assert words.vote("refund please", ("es", "en")) is None
    long = "this is the one and this is the other and more"
    assert words.vote(long, ("es", "en")) is None


def test_a_text_is_short_by_its_words_however_long_its_characters(tmp_path: Path) -> None:
    words = load_function_words(write(tmp_path, VALID))
    spaced = "¿Dónde " + " " * 300 + "está el pedido?" + "!" * 300
    assert words.vote(spaced, ("es", "en")) == ("es", 1.0)  # 4 words in 600 characters
    seven = "the " * 5 + "x" * 150 + " el"  # the 7th word starts past the first characters
    assert words.vote(seven, ("es", "en")) == ("en", 5 / 6)
    assert words.vote(seven + " es", ("es", "en")) is None
    assert words.vote("it`s the " * 30, ("es", "en")) is None
    assert words.vote("it`s … el, the", ("es", "en")) == ("en", 2 / 3)  # ` is ' too


def test_the_detector_reads_short_texts_lingua_s_trigrams_misread() -> None:
    detector = LinguaDetector(["es", "en"])
    assert detector.detect("this is ridiculous")[0] == "en"
    assert detector.detect("the database is on the volume")[0] == "en"
    assert detector.detect("sigo esperando")[0] == "es"
    code, confidence = detector.detect("still waiting")
    assert code == "en" and confidence >= 0.6  # the reader keeps it (MIN_LANGUAGE_CONFIDENCE)


def test_without_a_vote_the_detector_is_lingua_alone(tmp_path: Path) -> None:
    silent = FunctionWords({"en": frozenset(), "es": frozenset()}, 8)
    alone = LinguaDetector(["es", "en"], silent)
    text = "Llevo tres semanas esperando el reembolso del pedido y nadie me responde."
    assert alone.detect(text)[0] == "es"
    assert alone.loaded  # no word settled it: lingua read it


SETTLING = "settle_votes = 3\nsettle_share = 0.9\n" + VALID


def test_a_longer_text_whose_function_words_agree_is_settled_without_lingua(
    tmp_path: Path,
) -> None:
    detector = LinguaDetector(["es", "en"], load_function_words(write(tmp_path, SETTLING)))
    spanish = "El pedido es del martes y está sin llegar, el repartidor dice que es culpa mía."
    assert detector.detect(spanish) == ("es", 1.0)
    english = "This is the third time it's late and the driver says this is my fault, it is not."
    assert detector.detect(english) == ("en", 1.0)
    assert not detector.loaded  # lingua's models were never needed


@pytest.mark.parametrize(
    "text",
    [
        # two function words only: too few to settle it
        "Refund my money now, order 48213 never arrived and support keeps ignoring me.",
        # both languages' words: the share falls under 0.9
        "This is the order, el pedido es del martes, it is late y el repartidor no viene.",
    ],
)
def test_too_few_or_mixed_function_words_leave_the_text_to_lingua(
    tmp_path: Path, text: str
) -> None:
    words = load_function_words(write(tmp_path, SETTLING))
    assert words.settle(text, ("es", "en")) is None
    detector = LinguaDetector(["es", "en"], words)
    detector.detect(text)
    assert detector.loaded


def test_a_short_text_is_never_settled_it_is_put_to_the_vote(tmp_path: Path) -> None:
    words = load_function_words(write(tmp_path, SETTLING))
    assert words.settle("This is the it's end", ("es", "en")) is None  # 5 words: short
    assert words.vote("This is the it's end", ("es", "en")) == ("en", 1.0)


def test_nothing_is_settled_among_languages_without_a_word_list(tmp_path: Path) -> None:
    words = load_function_words(write(tmp_path, SETTLING))
    text = "This is the third time it's late and the driver says this is my fault, it is not."
    assert words.settle(text, ("en", "es")) == ("en", 1.0)
    assert words.settle(text, ("en", "es", "fr")) is None  # French words would go unseen
    detector = LinguaDetector(["en", "es", "fr"], words)
    assert detector.detect(text)[0] == "en"
    assert detector.loaded


def test_the_shipped_file_settles_most_texts_and_agrees_with_lingua_on_them() -> None:
    words = load_function_words(WORDS_FILE)
    assert words.settle_votes is not None and 0.5 < words.settle_share <= 1
    lingua = LinguaDetector(["es", "en"], FunctionWords(words.words, words.short_text_words))
    texts = [
        "Llevo tres semanas esperando el reembolso del pedido y nadie me responde.",
        "I have been waiting three weeks for my refund and nobody answers my emails.",
        "Me cobraron dos veces la factura de este mes y en la tienda no me dan una solución.",
        "You charged me twice this month and the shop says there is nothing they can do.",
    ]
    for text in texts:
        settled = words.settle(text, ("es", "en"))
        assert settled is not None, text
        assert settled[0] == lingua.detect(text)[0]
