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
    voting = LinguaDetector(["es", "en"])
    text = "Llevo tres semanas esperando el reembolso del pedido y nadie me responde."
    assert alone.detect(text) == voting.detect(text)  # a long text is never put to the vote
