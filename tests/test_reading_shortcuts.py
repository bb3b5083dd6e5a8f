"""The reading's shortcuts (issue 15: reading speed) change no reading: each skips work only
where the long way finds nothing. Edge cases of each, written out."""

from __future__ import annotations

import pytest

from bot.core.reading.signals import shouted_phrases


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
