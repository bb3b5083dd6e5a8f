"""Accent- and case-insensitive keyword matching that reports the words as written.

A keyword is one or more words; a word ending in `*` is a stem and matches any
word that starts with it ("devoluci*" matches "devolución" and "devolucion"); a word
ending in `~` matches every word with the same Snowball stem, in Spanish or English
("reply~" matches "replies" and "replied", "deny~" "denied", "charge~" "charging"),
where a prefix cannot say it.
A keyword may also be a pattern, so one entry covers the ways people phrase it:
- `..` stands for up to four words, or none ("never .. again" matches "never
  again", "never flying with you again");
- `(a|b*|c)` is one word among several ("never .. (fly*|book*) .. again");
- a word starting with `#` matches only a hashtag ("#fly*" matches "#FlyDelta",
  not "flying").
Matching happens on a folded copy of the text (NFKD, combining marks dropped,
casefolded, a letter stretched three times or more kept once: "siiii", "pleeease")
that keeps a map back to the original, so evidence quotes the customer's own
spelling.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import pairwise
from typing import Any

STEM_MARK = "*"
#: A keyword word ending in this matches by Snowball stem (snowballstemmer: the Snowball
#: project's own stemmers, pure Python, no data files).
SNOWBALL_MARK = "~"
#: The stemmers a `~` word is compared with (keyword lists are per language, and a word of
#: one language rarely shares a stem with a different word of the other).
SNOWBALL_LANGUAGES = ("english", "spanish")
GAP = ".."
HASHTAG = "#"
#: A gap (`..`) stands for at most this many words.
GAP_WORDS = 4
#: A letter repeated this many times or more is read once ("siiii" → "si").
STRETCH = 3
_WORD = re.compile(r"[^\W_]+")
_ALTERNATIVES = re.compile(r"^\(([^()|\s]+(?:\|[^()|\s]+)+)\)$")


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Return `text` without accents, casefolded (cached: keywords are folded again and again)."""
    return FoldedText.of(text).folded


@lru_cache(maxsize=16384)
def is_pattern(keyword: str) -> bool:
    """Say whether a keyword uses the pattern syntax (`..`, `(a|b)`, `#word`)."""
    return any(token == GAP or token.startswith(("(", HASHTAG)) for token in keyword.split())


def _pattern_token(raw: str) -> str:
    """Check one pattern token and return it folded; raise ValueError if malformed."""
    if raw == GAP:
        return raw
    alternatives = _ALTERNATIVES.match(raw)
    if alternatives:
        words = [_one_word(part, raw) for part in alternatives.group(1).split("|")]
        return "(" + "|".join(words) + ")"
    if raw.startswith(HASHTAG):
        return HASHTAG + _one_word(raw[1:], raw)
    return _one_word(raw, raw)


def _one_word(raw: str, token: str) -> str:
    stem = raw.endswith(STEM_MARK)
    body = raw[:-1] if stem else raw
    parts = _WORD.findall(fold(body))
    if len(parts) != 1 or parts[0] != fold(body):
        raise ValueError(f"malformed pattern word {token!r}")
    return parts[0] + (STEM_MARK if stem else "")


def keyword_words(keyword: str) -> tuple[str, ...]:
    """Split a keyword into folded words (a trailing `*` kept); raise ValueError if malformed.

    A pattern's tokens are kept whole (`..`, `(a|b*)`, `#word`); a pattern may not start or
    end with a gap, nor hold two gaps in a row.
    """
    if is_pattern(keyword):
        tokens = tuple(_pattern_token(raw) for raw in keyword.split())
        gaps = [token == GAP for token in tokens]
        if gaps[0] or gaps[-1] or any(a and b for a, b in pairwise(gaps)):
            raise ValueError(f"malformed pattern {keyword!r}: a gap '..' needs a word each side")
        return tokens
    words: list[str] = []
    for raw in keyword.split():
        mark = raw[-1] if raw.endswith((STEM_MARK, SNOWBALL_MARK)) else ""
        body = raw[:-1] if mark else raw
        parts = _WORD.findall(fold(body))
        if not parts or STEM_MARK in body or SNOWBALL_MARK in body:
            raise ValueError(f"malformed keyword {keyword!r}")
        words.extend(parts[:-1])
        words.append(parts[-1] + mark)
    if not words:
        raise ValueError("empty keyword")
    return tuple(words)


def _word_regex(word: str) -> str:
    if word.startswith("("):
        return "(?:" + "|".join(_word_regex(w) for w in word[1:-1].split("|")) + ")"
    if word.startswith(HASHTAG):
        return "(?<=#)" + _word_regex(word[1:])
    if word.endswith(STEM_MARK):
        return re.escape(word[:-1]) + r"[^\W_]*"
    return re.escape(word)


@lru_cache(maxsize=8192)
def _pattern(keyword: str) -> re.Pattern[str]:
    regex = ""
    for word in keyword_words(keyword):
        if word == GAP:
            regex += rf"(?:[\W_]+[^\W_]+){{0,{GAP_WORDS}}}?"
            continue
        regex += (r"[\W_]+" if regex else "") + _word_regex(word)
    return re.compile(r"(?<![^\W_])" + regex + r"(?![^\W_])")


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
        """Where `word` occurs, in order; a stem (`devoluci*`) matches words starting with it,
        a `reply~` word every word with its Snowball stem."""
        if word.endswith(SNOWBALL_MARK):
            return self._same_stem(word[:-1])
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

    def _same_stem(self, base: str) -> list[int]:
        key = base + SNOWBALL_MARK
        if key not in self._stems:
            self._stems[key] = sorted(
                position
                for known, where in self.at.items()
                if same_stem(known, base)
                for position in where
            )
        return self._stems[key]

    def _fits(self, index: int, word: str) -> bool:
        known = self.words[index]
        if word.endswith(SNOWBALL_MARK):
            return same_stem(known, word[:-1])
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


@lru_cache(maxsize=65536)
def _stems_of(word: str) -> tuple[str, ...]:
    return tuple(_stemmer(language).stemWord(word) for language in SNOWBALL_LANGUAGES)


@cache
def _stemmer(language: str) -> Any:
    import snowballstemmer  # only a rules file that uses `~` needs it

    return snowballstemmer.stemmer(language)


def same_stem(word: str, base: str) -> bool:
    """Say whether two folded words share a Snowball stem in Spanish or in English."""
    if word == base:
        return True
    if word[:2] != base[:2]:
        return False  # every stem keeps the word's first letters: most words differ there
    return any(a == b for a, b in zip(_stems_of(word), _stems_of(base), strict=True))


@lru_cache(maxsize=8192)
def _literal(keyword: str) -> str:
    """The first word's letters: a keyword cannot match a text that lacks them."""
    first = keyword_words(keyword)[0]
    if first.startswith(("(", HASHTAG)) or first.endswith(SNOWBALL_MARK):
        return ""
    return first.rstrip(STEM_MARK)


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
        return cls(text, *_unstretched(chars, origin))

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

    def _first_pattern(self, keyword: str) -> tuple[int, int] | None:
        """The folded span of a pattern's first match, or None."""
        literal = _literal(keyword)
        if literal and literal not in self.folded:
            return None
        match = _pattern(keyword).search(self.folded)
        return match.span() if match else None

    def find_all(self, keywords: Iterable[str]) -> list[Hit]:
        """Return the first occurrence of each keyword found, in keyword order."""
        found: list[Hit] = []
        index = self.index
        plan = _plan(keywords) if isinstance(keywords, tuple) else _plan(tuple(keywords))
        for keyword, words, head in plan:
            if words is None:
                span = self._first_pattern(keyword)
            else:
                if head is not None and head not in index.at:
                    continue  # most keywords: their first word is not in the text at all
                span = index.first(words)
            if span:
                start, end = self.origin[span[0]], self.origin[span[1] - 1] + 1
                found.append(Hit(keyword, self.original[start:end], start, end))
        return found


@lru_cache(maxsize=4096)
def _plan(
    keywords: tuple[str, ...],
) -> tuple[tuple[str, tuple[str, ...] | None, str | None], ...]:
    """Each keyword with its words (None for a pattern) and its plain first word, once."""
    plan = []
    for keyword in keywords:
        if is_pattern(keyword):
            plan.append((keyword, None, None))
            continue
        words = _words(keyword)
        head = words[0]
        plan.append((keyword, words, None if head.endswith((STEM_MARK, SNOWBALL_MARK)) else head))
    return tuple(plan)


def _unstretched(chars: list[str], origin: list[int]) -> tuple[str, tuple[int, ...]]:
    """Keep a letter once where it is repeated STRETCH times or more ("siiii" → "si").

    A word made of one repeated letter ("BBB", "zzz") is left as it is.
    """
    kept_chars: list[str] = []
    kept_origin: list[int] = []
    index = 0
    while index < len(chars):
        end = index + 1
        while end < len(chars) and chars[end] == chars[index]:
            end += 1
        in_word = (index and chars[index - 1].isalpha()) or (
            end < len(chars) and chars[end].isalpha()
        )
        stretched = end - index >= STRETCH and chars[index].isalpha() and in_word
        keep = 1 if stretched else end - index
        kept_chars.extend(chars[index : index + keep])
        kept_origin.extend(origin[index : index + keep])
        index = end
    return "".join(kept_chars), tuple(kept_origin)


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
        return sum(token != GAP for token in self.keyword.split())


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
