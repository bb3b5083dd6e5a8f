"""The reading's shortcuts (issue 15: reading speed) change no reading: each skips work only
where the long way finds nothing. Edge cases of each, written out."""

from __future__ import annotations

import pytest

from bot.core.reading.refs import find_order_ref
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
