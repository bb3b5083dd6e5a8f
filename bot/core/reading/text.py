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
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

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
def _words(keyword: str) -> tuple[str, ...]:
    return keyword_words(keyword)


class WordIndex:
    """The words of a folded text, where each one is, and where each distinct word occurs."""

    def __init__(self, folded: str) -> None:
        matches = list(_WORD.finditer(folded))
        self.words = [m.group() for m in matches]
        self.spans = [m.span() for m in matches]
        self.at: dict[str, list[int]] = {}
        for index, word in enumerate(self.words):
            self.at.setdefault(word, []).append(index)
        self.vocabulary = sorted(self.at)
        self._stems: dict[str, list[int]] = {}

    def positions(self, word: str) -> list[int]:
        """Where `word` occurs, in order; a stem (`devoluci*`) matches words starting with it."""
        if not word.endswith(STEM_MARK):
            return self.at.get(word, [])
        if word not in self._stems:
            prefix, found = word[:-1], []
            for known in self.vocabulary[bisect_left(self.vocabulary, word[:-1]) :]:
                if not known.startswith(prefix):
                    break
                found.extend(self.at[known])
            self._stems[word] = sorted(found)
        return self._stems[word]

    def _fits(self, index: int, word: str) -> bool:
        known = self.words[index]
        return known.startswith(word[:-1]) if word.endswith(STEM_MARK) else known == word

    def first(self, words: tuple[str, ...]) -> tuple[int, int] | None:
        """Return the folded span where the words first follow one another, or None."""
        last = len(words) - 1
        for index in self.positions(words[0]):
            if index + last >= len(self.words):
                break
            if all(self._fits(index + k, word) for k, word in enumerate(words[1:], 1)):
                return self.spans[index][0], self.spans[index + last][1]
        return None


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

    @cached_property
    def index(self) -> WordIndex:
        """The words of the folded text, indexed once for every keyword look-up."""
        return WordIndex(self.folded)

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
            span = self.index.first(_words(keyword))
            if span:
                start, end = self.origin[span[0]], self.origin[span[1] - 1] + 1
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
