"""Folding a text for keyword matching: NFKD, combining marks dropped, casefolded, a letter
stretched three times or more kept once ("siiii", "pleeease"), with a map from each folded
character back to the original one, so evidence quotes the customer's own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: A letter repeated this many times or more is read once ("siiii" → "si").
STRETCH = 3
_RUN = re.compile(rf"(.)\1{{{STRETCH - 1},}}", re.DOTALL)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """One character folded: its NFKD parts that are not combining marks, casefolded."""
    parts = unicodedata.normalize("NFKD", char)
    return "".join(part.casefold() for part in parts if not unicodedata.combining(part))


class _Folds(dict[int, str]):
    """`str.translate`'s table of folded characters, learning each character once; the
    characters that fold to other than one character are kept in `uneven`."""

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        if len(folded) != 1:
            self.uneven.add(chr(code))
        return folded


_FOLDS = _Folds()
#: The table starts afresh past this many characters (between two texts, never within one:
#: `uneven` must know every character of the text just folded).
_MAX_FOLDS = 16384


def folded_with_origin(text: str) -> tuple[str, tuple[int, ...]]:
    """Return the folded text and, for each folded character, its index in `text`."""
    if text.isascii():  # NFKD leaves ASCII as it is, and casefold is lower
        return _unstretched(text.lower(), range(len(text)))
    if len(_FOLDS) > _MAX_FOLDS:
        _FOLDS.clear()
        _FOLDS.uneven.clear()
    folded = text.translate(_FOLDS)
    if _FOLDS.uneven.isdisjoint(text):  # each character folds to one: origin is the index
        return _unstretched(folded, range(len(text)))
    pieces = [_FOLDS[ord(char)] for char in text]
    origin = [index for index, piece in enumerate(pieces) for _ in piece]
    return _unstretched(folded, origin)


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Return `text` without accents, casefolded (cached: keywords are folded again and again)."""
    if text.isascii():  # what folded_with_origin gives, without the origin it builds
        lowered = text.lower()
        if _RUN.search(lowered) is None:
            return lowered
    return folded_with_origin(text)[0]


def _unstretched(chars: str, origin: range | list[int]) -> tuple[str, tuple[int, ...]]:
    """Keep a letter once where it is repeated STRETCH times or more ("siiii" → "si").

    A word made of one repeated letter ("BBB", "zzz") is left as it is.
    """
    cuts: list[tuple[int, int]] = []
    for run in _RUN.finditer(chars):
        start, end = run.span()
        in_word = (start and chars[start - 1].isalpha()) or (
            end < len(chars) and chars[end].isalpha()
        )
        if run.group(1).isalpha() and in_word:
            cuts.append((start + 1, end))
    if not cuts:
        return chars, tuple(origin)
    kept_chars: list[str] = []
    kept_origin: list[int] = []
    done = 0
    for start, end in cuts:
        kept_chars.append(chars[done:start])
        kept_origin.extend(origin[done:start])
        done = end
    kept_chars.append(chars[done:])
    kept_origin.extend(origin[done:])
    return "".join(kept_chars), tuple(kept_origin)
