"""The reading's shortcuts (issue 15: reading speed) change no reading: each skips work only
where the long way finds nothing. Edge cases of each, written out."""

from __future__ import annotations

import pytest

from bot.core.reading import folding
from bot.core.reading.folding import folded_with_origin
from bot.core.reading.reason import _amounts, praised
from bot.core.reading.refs import find_order_ref
from bot.core.reading.signals import angry_emoji, sarcasm_dots, shouted_phrases
from bot.core.reading.text import Hit


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("NO ME HAGAN ESPERAR más", [("NO ME HAGAN ESPERAR", 4)]),
        ("Dónde está MI PEDIDO", [("MI PEDIDO", 2)]),
        ("ǅemal and ǄEMAL", [("ǄEMAL", 1)]),  # a titlecase letter is no capital
        ("XIVⅻ and ABCⅻ, ⅻⅻ", [("XIVⅻ", 1), ("ABCⅻ", 1)]),  # a small numeral is no letter
        ("DON'T and I’M", [("DON'T", 1)]),
        ("all quiet here", []),
    ],
)
def test_a_word_with_no_capital_is_never_shouting(text: str, phrases: list) -> None:
    assert shouted_phrases(text) == phrases


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("I am Mad, A B C", []),  # capitals, never two in one word
        ("O'B'S fault", [("O'B'S", 1)]),  # two capitals parted by "'" (a four-character word)
        ("A'B, said I", []),  # an acronym (three characters)
        ("so ANGRY now", [("ANGRY", 1)]),
        ("NOW", [("NOW", 1)]),  # a listed short word
    ],
)
def test_an_ascii_text_without_two_capitals_in_a_row_shouts_nothing(
    text: str, phrases: list
) -> None:
    # the shortcut skips a text with no "AB" or "A'B"; any other text is read word by word
    assert shouted_phrases(text, frozenset({"now"})) == phrases


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("ſeguimiento 12345", "12345"),  # long s: a case-insensitive s, first letter or not
        ("İnvoice 12345 and order 999", "12345"),
        ("ORDER #A-1234", "A-1234"),
        ("#  12a, then pedido nº 48213", "48213"),
        ("x#123 but Ticket: AB-1234-xx", "AB-1234-xx"),
        ("no reference here, 12345", None),
    ],
)
def test_a_reference_word_is_looked_for_by_its_first_letter(text: str, ref: str | None) -> None:
    assert find_order_ref(text) == ref


def test_a_character_folds_to_its_origin_however_often_the_table_has_seen_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = ("masse fin e", (0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8))
    assert folded_with_origin("Maße ﬁn e\u0301") == expected  # ß and ﬁ fold to two, ◌́ to none
    assert folded_with_origin("Maße ﬁn e\u0301") == expected  # the table knows them now
    assert folded_with_origin("Ñandú") == ("nandu", (0, 1, 2, 3, 4))  # all even: indexes
    monkeypatch.setattr(folding, "_MAX_FOLDS", 0)  # the table starts afresh before each text
    assert folded_with_origin("Maße ﬁn e\u0301") == expected
    assert folded_with_origin("Ñandú ß") == ("nandu ss", (0, 1, 2, 3, 4, 5, 6, 6))


def test_emoji_and_dots_are_looked_for_only_where_they_can_be() -> None:
    assert angry_emoji("ok 👎🏽😡 no, 🙄") == ["👎🏽😡", "🙄"]
    assert angry_emoji("🏽 a skin tone alone, 😀 a smile") == []
    assert angry_emoji("") == []
    assert sarcasm_dots("wait.... ok…… …") == ["....", "……"]
    assert sarcasm_dots("three... and one… only") == []


@pytest.mark.parametrize(
    "text", ["never again", "NEVER Again", "pleeease", "siiii", "BBB", "zzz top", "a-b_c", ""]
)
def test_an_ascii_keyword_folds_as_the_texts_are_folded(text: str) -> None:
    folding.fold.cache_clear()
    assert folding.fold(text) == folded_with_origin(text)[0]


@pytest.mark.parametrize(
    ("text", "praised_"),
    [
        ("the staff, very kind", True),
        ("the staff were really very kind", True),  # three words between
        ("the staff were really not very kind", False),  # four
        ("the staff. Kind", False),  # a sentence ends between
        ("kind, the staff", False),  # praise, a comma, then the word: a clause ends
        ("kind staff", True),
        ("kind but staff", False),
    ],
)
def test_praise_is_near_when_at_most_three_words_part_it_from_the_word(
    text: str, praised_: bool
) -> None:
    start = text.index("staff")
    hit = Hit("staff", "staff", start, start + 5)
    kind = text.lower().index("kind")
    assert praised(hit, [Hit("kind", text[kind : kind + 4], kind, kind + 4)], text) is praised_


def test_a_sum_of_money_needs_its_currency_sign() -> None:
    assert [h.words for h in _amounts("paid 200 then $ 35, 64€ and £3.50")] == [
        "$ 35",
        "64€",
        "£3.50",
    ]
    assert _amounts("paid 200 euros, 64 dollars") == []
