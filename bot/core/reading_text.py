"""Accent- and case-insensitive keyword matching that reports the words as written.

A keyword is one or more words; a word ending in `*` is a stem and matches any
word that starts with it ("devoluci*" matches "devolución" and "devolucion").
Matching happens on a folded copy of the text (NFKD, combining marks dropped,
casefolded) that keeps a map back to the original, so evidence quotes the
customer's own spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

STEM_MARK = "*"
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Return `text` without accents, casefolded."""
    return FoldedText.of(text).folded


def keyword_words(keyword: str) -> tuple[str, ...]:
    """Split a keyword into folded words (a trailing `*` kept); raise ValueError if malformed."""
    words: list[str] = []
    for raw in keyword.split():
        stem = raw.endswith(STEM_MARK)
        body = raw[:-1] if stem else raw
        parts = _WORD.findall(fold(body))
        if not parts or STEM_MARK in body:
            raise ValueError(f"malformed keyword {keyword!r}")
        words.extend(parts[:-1])
        words.append(parts[-1] + (STEM_MARK if stem else ""))
    if not words:
        raise ValueError("empty keyword")
    return tuple(words)


@lru_cache(maxsize=8192)
def _pattern(keyword: str) -> re.Pattern[str]:
    pieces = [
        re.escape(word[:-1]) + r"[^\W_]*" if word.endswith(STEM_MARK) else re.escape(word)
        for word in keyword_words(keyword)
    ]
    return re.compile(r"(?<![^\W_])" + r"[\W_]+".join(pieces) + r"(?![^\W_])")


@lru_cache(maxsize=8192)
def _literal(keyword: str) -> str:
    """The first word's letters: a keyword cannot match a text that lacks them."""
    return keyword_words(keyword)[0].rstrip(STEM_MARK)


@dataclass(frozen=True)
class FoldedText:
    """A text, its folded copy, and for each folded character the original index."""

    original: str
    folded: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> FoldedText:
        chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            for part in unicodedata.normalize("NFKD", char):
                if unicodedata.combining(part):
                    continue
                for folded in part.casefold():
                    chars.append(folded)
                    origin.append(index)
        return cls(text, "".join(chars), tuple(origin))

    def find(self, keyword: str) -> list[str]:
        """Return every occurrence of `keyword`, quoted from the original text."""
        if _literal(keyword) not in self.folded:
            return []
        return [
            self.original[self.origin[m.start()] : self.origin[m.end() - 1] + 1]
            for m in _pattern(keyword).finditer(self.folded)
        ]

    def find_all(self, keywords: Iterable[str]) -> list[Hit]:
        """Return the first occurrence of each keyword found, in keyword order."""
        found: list[Hit] = []
        for keyword in keywords:
            # A substring test first: far cheaper than the regex on long texts.
            if _literal(keyword) not in self.folded:
                continue
            match = _pattern(keyword).search(self.folded)
            if match:
                start, end = self.origin[match.start()], self.origin[match.end() - 1] + 1
                found.append(Hit(keyword, self.original[start:end], start, end))
        return found


@dataclass(frozen=True)
class Hit:
    """A keyword found in a text: the words as written and where they are."""

    keyword: str
    words: str
    start: int
    end: int

    @property
    def weight(self) -> int:
        """Longer keywords say more: one point per word."""
        return len(self.keyword.split())


def outermost(hits: Iterable[Hit]) -> list[Hit]:
    """Drop hits lying inside a longer hit, so the same words never count twice."""
    ordered = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in ordered:
        if not any(k.start <= hit.start and hit.end <= k.end for k in kept):
            kept.append(hit)
    return kept


def word_count(text: str) -> int:
    """Count the words of a text."""
    return len(_WORD.findall(text))
