"""Accent- and case-insensitive keyword matching that reports the words as written.

The keyword syntax (words, `*` stems, `~` Snowball stems, `..` gaps, `(a|b)` alternatives,
`#hashtags`) is `keywords`'; folding (accents, case, stretched letters) is `folding`'s;
matching every list in one pass over the words is `index`'s. A `FoldedText` is a text
folded once, with a map back to the original so evidence quotes the customer's own
spelling; given the rules' `KeywordIndex` it walks its words once for every list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from bot.core.reading.folding import STRETCH, fold, folded_with_origin
from bot.core.reading.index import KeywordIndex, TextMatches, WordIndex
from bot.core.reading.keywords import (
    GAP,
    GAP_WORDS,
    HASHTAG,
    SNOWBALL_MARK,
    STEM_MARK,
    WORD,
    is_pattern,
    keyword_words,
    literal,
    pattern_regex,
    same_stem,
)

__all__ = [
    "GAP", "GAP_WORDS", "HASHTAG", "SNOWBALL_MARK", "STEM_MARK", "STRETCH", "FoldedText",
    "Hit", "KeywordIndex", "WordIndex", "fold", "is_pattern", "keyword_words", "outermost",
    "same_stem", "word_count",
]  # fmt: skip


@dataclass(frozen=True)
class FoldedText:
    """A text, its folded copy, and for each folded character the original index.

    `keywords`, when given, is the index of the rules' lists: `find_all` on any of them (or
    on any list of keywords it holds) then shares one walk over the words. Without it, each
    list is compiled on its own (once) and walked on its own.
    """

    original: str
    folded: str
    origin: tuple[int, ...]
    keywords: KeywordIndex | None = field(default=None, compare=False, hash=False, repr=False)
    _walks: dict[KeywordIndex, TextMatches] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    @classmethod
    def of(cls, text: str, keywords: KeywordIndex | None = None) -> FoldedText:
        """Fold `text`; `keywords` is the index its keyword lists come from, if any."""
        return cls(text, *folded_with_origin(text), keywords)

    @cached_property
    def index(self) -> WordIndex:
        """The words of the folded text, indexed once for every keyword look-up."""
        return WordIndex(self.folded)

    def find(self, keyword: str) -> list[str]:
        """Return every occurrence of `keyword`, quoted from the original text."""
        if literal(keyword) not in self.folded:
            return []
        return [
            self.original[self.origin[m.start()] : self.origin[m.end() - 1] + 1]
            for m in pattern_regex(keyword).finditer(self.folded)
        ]

    @cached_property
    def _walk(self) -> TextMatches | None:
        """The walk of the rules' index, which nearly every look-up shares."""
        return None if self.keywords is None else self._walk_of(self.keywords)

    def _walk_of(self, index: KeywordIndex) -> TextMatches:
        walk = self._walks.get(index)
        if walk is None:
            walk = self._walks[index] = TextMatches(index, self.index, self.folded)
        return walk

    def find_all(self, keywords: Iterable[str]) -> list[Hit]:
        """Return the first occurrence of each keyword found, in keyword order."""
        walk = self._walk
        if walk is not None:
            # the rules' own lists, the common case, are found by id (the index keeps them
            # alive, so no other object has their id); most have no candidate in the text
            seen = walk.index.compiled.get(id(keywords))
            number = -1 if seen is None or seen[1] is None else seen[1]
            if 0 <= number < walk.counted:
                entries = walk.by_list.get(number)
                return [] if entries is None else self._hits(walk.spans_of(entries))
        return self._hits(self._spans(keywords if isinstance(keywords, tuple) else tuple(keywords)))

    def _hits(self, spans: list[tuple[int, str, tuple[int, int]]]) -> list[Hit]:
        found = []
        origin, original = self.origin, self.original
        for _, keyword, (start, end) in spans:
            first, last = origin[start], origin[end - 1] + 1
            found.append(Hit(keyword, original[first:last], first, last))
        return found

    def _spans(self, listed: tuple[str, ...]) -> list[tuple[int, str, tuple[int, int]]]:
        index = self.keywords
        number = None if index is None else index.number(listed)
        if index is None or number is None:
            index = _one_list(listed)
            number = index.number(listed) or 0
        return self._walk_of(index).found(number)


@lru_cache(maxsize=1024)
def _one_list(keywords: tuple[str, ...]) -> KeywordIndex:
    """A list the text's index does not hold, compiled on its own (a malformed one raises)."""
    return KeywordIndex((keywords,), strict=True)


@dataclass(frozen=True)
class Hit:
    """A keyword found in a text: the words as written and where they are."""

    keyword: str
    words: str
    start: int
    end: int

    @property
    def weight(self) -> int:
        """Longer keywords say more: one point per word (a pattern's gaps count for none)."""
        return _weight(self.keyword)


@lru_cache(maxsize=16384)
def _weight(keyword: str) -> int:
    return sum(token != GAP for token in keyword.split())


def outermost(hits: Iterable[Hit]) -> list[Hit]:
    """Drop hits lying inside a longer hit, so the same words never count twice."""
    listed = list(hits)
    if len(listed) < 2:  # nothing to lie inside another (most lists find one hit or none)
        return listed
    ordered = sorted(listed, key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in ordered:
        if not any(k.start <= hit.start and hit.end <= k.end for k in kept):
            kept.append(hit)
    return kept


def word_count(text: str) -> int:
    """Count the words of a text."""
    return len(WORD.findall(text))
