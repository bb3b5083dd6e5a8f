"""Keyword matching in one pass: every keyword list compiled once into an index, and each
text's words walked once against it.

`KeywordIndex` maps a word to the keywords that cannot match without it: each keyword is
filed under its longest plain word, or, when it has none, under what its first word can be
(a stem's prefix, a Snowball stem's first letters, a pattern's alternatives). `TextMatches`
walks a text's distinct words once, keeps the keywords they file whose plain words are all
in the text (a dozen of the rules' thousands), and checks only those, each once, however
many lists hold it; a list then asks which of its keywords were found.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, is_dataclass
from functools import lru_cache
from typing import Any

from bot.core.reading.keywords import (
    SNOWBALL_MARK,
    STEM_MARK,
    WORD,
    choices,
    heads,
    is_pattern,
    keyword_words,
    pattern_regex,
    plain_words,
    same_stem,
)

#: At most this many words are remembered by an index (then it starts afresh).
MAX_REMEMBERED = 10_000


class WordIndex:
    """The words of a folded text, where each one is, and where each distinct word occurs."""

    def __init__(self, folded: str) -> None:
        matches = list(WORD.finditer(folded))
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
        rest = _plain_rest(words)
        for index in self.positions(words[0]):
            if index + last >= len(self.words):
                break
            if (
                self.words[index + 1 : index + last + 1] == rest
                if rest is not None
                else all(self._fits(index + k, word) for k, word in enumerate(words[1:], 1))
            ):
                return self.spans[index][0], self.spans[index + last][1]
        return None


@lru_cache(maxsize=16384)
def _plain_rest(words: tuple[str, ...]) -> list[str] | None:
    """The words after the first, when each must be the text's word itself (no stem)."""
    rest = list(words[1:])
    return None if any(word.endswith((STEM_MARK, SNOWBALL_MARK)) for word in rest) else rest


class _Remembered(dict[str, frozenset[str]]):
    """Keywords by a text's word, learnt on a miss (`dict.__getitem__` stays C's own, so a
    text's words are looked up in one `map`)."""

    def __init__(self, learn: Callable[[str], None]) -> None:
        super().__init__()
        self._learn = learn

    def __missing__(self, word: str) -> frozenset[str]:
        self._learn(word)
        return self[word]


class KeywordIndex:
    """Keyword lists compiled once: for a text's word, the keywords it may belong to, and
    for each keyword, the lists that hold it (lists are numbered: a text sorts its hits by
    list once). Lists are few and fixed (the rules'), so every list seen stays numbered."""

    def __init__(self, lists: Iterable[tuple[str, ...]], *, strict: bool = False) -> None:
        """Compile the lists; a list with a malformed keyword is left out (raised if `strict`)."""
        self.known: set[str] = set()
        #: The words a text must hold for each keyword to match (most keywords lack one).
        self.needs: dict[str, frozenset[str]] = {}
        #: Each keyword's lists: (list number, place in that list).
        self.member: dict[str, list[tuple[int, int]]] = {}
        #: How many lists are numbered.
        self.lists = 0
        self._exact: dict[str, list[str]] = {}
        self._prefix: dict[str, list[str]] = {}
        self._snowball: dict[str, list[tuple[str, str]]] = {}
        #: For a text's word, the keywords `starting` gives that need no other word (a text
        #: holding it holds what they need), and the others (remembered: words recur).
        self.sure = _Remembered(self._remember)
        self.unsure = _Remembered(self._remember)
        self._numbers: dict[tuple[str, ...], int | None] = {}
        #: The lists compiled, by id (kept alive, so no other tuple takes the id): number
        #: looks them up without hashing a long tuple, and so may `FoldedText.find_all`.
        self.compiled: dict[int, tuple[tuple[str, ...], int | None]] = {}
        for keywords in lists:
            try:
                compiled = [(keyword, heads(keyword)) for keyword in keywords]
            except ValueError:
                if strict:
                    raise
                continue
            for keyword, starts in compiled:
                self._learn(keyword, starts)
            # kept by identity too (and alive, so no other tuple takes its id); a list built
            # afresh for each text ("tone" joins several) is found by its value instead
            self.compiled[id(keywords)] = (keywords, self.number(keywords))
        self._lengths = sorted({len(prefix) for prefix in self._prefix})

    @classmethod
    def of_rules(cls, rules: object) -> KeywordIndex:
        """Compile every keyword list found in reading rules (any tuple of strings in them)."""
        return cls(_string_tuples(rules))

    def _learn(self, keyword: str, starts: tuple[str, ...]) -> None:
        if keyword in self.known:
            return
        self.known.add(keyword)
        self.member[keyword] = []
        needs = self.needs[keyword] = plain_words(keyword)
        for anchor in _anchors(keyword, needs, starts):
            if anchor.endswith(SNOWBALL_MARK):
                base = anchor[:-1]
                self._snowball.setdefault(base[:2], []).append((base, keyword))
            elif anchor.endswith(STEM_MARK):
                self._prefix.setdefault(anchor[:-1], []).append(keyword)
            else:
                self._exact.setdefault(anchor, []).append(keyword)

    def starting(self, word: str) -> frozenset[str]:
        """The keywords a text holding `word` may match (remembered: words recur)."""
        return self.sure[word] | self.unsure[word]

    def _remember(self, word: str) -> None:
        """File what `starting` says of a word in `sure` and `unsure` (a flood of new words
        does not grow them forever)."""
        keywords = list(self._exact.get(word, ()))
        for length in self._lengths:
            if length > len(word):
                break
            keywords += self._prefix.get(word[:length], ())
        for base, keyword in self._snowball.get(word[:2], ()):
            if same_stem(word, base):
                keywords.append(keyword)
        alone = {word}
        sure = frozenset(keyword for keyword in keywords if self.needs[keyword] <= alone)
        if len(self.sure) >= MAX_REMEMBERED or len(self.unsure) >= MAX_REMEMBERED:
            self.sure.clear()
            self.unsure.clear()
        self.sure[word] = sure
        self.unsure[word] = frozenset(keywords) - sure

    def number(self, keywords: tuple[str, ...]) -> int | None:
        """The list's number (a list of known keywords seen first gets the next one), or
        None if the index lacks some of its keywords."""
        seen = self.compiled.get(id(keywords))
        if seen is not None and seen[0] is keywords:
            return seen[1]  # one of the lists compiled: no hashing of a long tuple
        number = self._numbers.get(keywords, -1)
        return self._numbered(keywords) if number == -1 else number

    def _numbered(self, keywords: tuple[str, ...]) -> int | None:
        number = None
        if all(keyword in self.known for keyword in keywords):
            number = self.lists
            for place, keyword in enumerate(keywords):
                self.member[keyword].append((number, place))
            self.lists += 1  # after the places: a text counting this list sees all of them
        self._numbers[keywords] = number
        return number


class TextMatches:
    """One text's words walked once against an index: the keywords they may match, grouped
    by list; each keyword checked once, when a list that holds it is asked for."""

    def __init__(self, index: KeywordIndex, words: WordIndex, folded: str) -> None:
        self.words, self.folded, self.index = words, folded, index
        # a set, not the dict's keys: `frozenset <= set` is one C call, with no view
        held = set(words.at)
        needs = index.needs
        self.candidates: set[str] = set().union(*map(index.sure.__getitem__, held))
        for keyword in set().union(*map(index.unsure.__getitem__, held)):
            if needs[keyword] <= held:
                self.candidates.add(keyword)
        #: How many lists were numbered when the text was walked (`by_list` knows those).
        self.counted = index.lists
        #: The candidates of each list that has one: (place in the list, keyword).
        self.by_list: dict[int, list[tuple[int, str]]] = {}
        for keyword in self.candidates:
            for number, place in index.member[keyword]:
                self.by_list.setdefault(number, []).append((place, keyword))
        self._spans: dict[str, tuple[int, int] | None] = {}

    def span(self, keyword: str) -> tuple[int, int] | None:
        """The folded span of the keyword's first occurrence, or None."""
        span = self._spans.get(keyword, _UNSEEN)
        if span is not _UNSEEN:
            return span  # type: ignore[return-value]
        if is_pattern(keyword):
            span = self._pattern_span(keyword)
        else:
            span = self.words.first(keyword_words(keyword))
        self._spans[keyword] = span
        return span

    def _pattern_span(self, keyword: str) -> tuple[int, int] | None:
        """A pattern's first match, tried only where a word its first word can be starts.

        A match begins at a whole word (the regex starts with a word boundary and its first
        token takes a whole word), so trying those starts in order finds what a `search`
        over the whole text finds, without running the regex at every character.
        """
        positions, held = self.words.positions, self.words.at.keys()
        checks, starting = _pattern_plan(keyword)
        for plain, stems in checks:  # cheaper than the regex; most fail here
            if held.isdisjoint(plain) and not (stems and any(positions(stem) for stem in stems)):
                return None
        if len(starting) == 1:
            where: Iterable[int] = positions(starting[0])
        else:
            where = sorted({index for head in starting for index in positions(head)})
        regex, spans, folded = pattern_regex(keyword), self.words.spans, self.folded
        for index in where:
            found = regex.match(folded, spans[index][0])
            if found:
                return found.span()
        return None

    def found(self, number: int) -> list[tuple[int, str, tuple[int, int]]]:
        """Each keyword of list `number` found: its place in the list and span, in order."""
        if number >= self.counted:  # a list numbered after this text was walked
            entries = [
                (place, keyword)
                for keyword in self.candidates
                for listed, place in self.index.member[keyword]
                if listed == number
            ]
        else:
            entries = self.by_list.get(number, [])
        if not entries:  # most lists: none of their keywords is a candidate in this text
            return []
        return self.spans_of(entries)

    def spans_of(self, entries: list[tuple[int, str]]) -> list[tuple[int, str, tuple[int, int]]]:
        """The entries (place, keyword) found, with their spans, in the list's order."""
        hits = []
        for place, keyword in entries:
            span = self.span(keyword)
            if span is not None:
                hits.append((place, keyword, span))
        hits.sort()
        return hits


def _anchors(keyword: str, needs: frozenset[str], starts: tuple[str, ...]) -> tuple[str, ...]:
    """The words a keyword is filed under: a text it matches holds one of them.

    A keyword is looked for when its longest plain word is in the text (rarer than a first
    "no" or "the"); without one, by what its first word can be. A pattern, by whichever of
    its plain words or choices looks rarest: "(i|we) (called|contacted) the (police|cops)"
    under "called" and "contacted", not under "the" in nearly every English text.
    """
    if is_pattern(keyword):
        return min([(word,) for word in sorted(needs)] + list(choices(keyword)), key=_commonness)
    return (max(sorted(needs), key=len),) if needs else starts


def _commonness(words: tuple[str, ...]) -> int:
    """How often a text may hold one of the words, roughly: short words are common, and so
    are a stem's words."""
    return sum(
        2 ** max(0, 6 - len(word.rstrip(STEM_MARK))) * (2 if word.endswith(STEM_MARK) else 1)
        for word in words
    )


#: A span not looked for yet (None says it was, and is not in the text).
_UNSEEN = object()


@lru_cache(maxsize=16384)
def _pattern_plan(
    keyword: str,
) -> tuple[tuple[tuple[frozenset[str], tuple[str, ...]], ...], tuple[str, ...]]:
    """What trying a pattern needs, found once: its choices (`_choices`) and its heads."""
    return _choices(keyword), heads(keyword)


@lru_cache(maxsize=16384)
def _choices(keyword: str) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """A pattern's `choices`, each split into its plain words (one set look-up for them
    all) and its stems."""
    return tuple(
        (
            frozenset(word for word in words if not word.endswith(STEM_MARK)),
            tuple(word for word in words if word.endswith(STEM_MARK)),
        )
        for words in choices(keyword)
    )


def _string_tuples(obj: Any) -> Iterable[tuple[str, ...]]:
    """Every non-empty tuple of strings inside dataclasses, mappings and tuples."""
    if isinstance(obj, tuple) and obj and all(isinstance(item, str) for item in obj):
        yield obj
    elif isinstance(obj, Mapping):
        for value in obj.values():
            yield from _string_tuples(value)
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from _string_tuples(item)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for field in fields(obj):
            yield from _string_tuples(getattr(obj, field.name))
