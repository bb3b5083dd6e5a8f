"""The keyword syntax of playbooks/reading.toml: words, stems, Snowball stems and patterns.

A keyword is one or more words; a word ending in `*` is a stem and matches any word that
starts with it ("devoluci*" matches "devolución" and "devolucion"); a word ending in `~`
matches every word with the same Snowball stem, in Spanish or English ("reply~" matches
"replies" and "replied", "deny~" "denied", "charge~" "charging"), where a prefix cannot say it.
A keyword may also be a pattern, so one entry covers the ways people phrase it:
- `..` stands for up to four words, or none ("never .. again" matches "never
  again", "never flying with you again");
- `(a|b*|c)` is one word among several ("never .. (fly*|book*) .. again");
- a word starting with `#` matches only a hashtag ("#fly*" matches "#FlyDelta",
  not "flying").
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from bot.core.reading.folding import fold
from bot.core.reading.stemmers import stemmer

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
WORD = re.compile(r"[^\W_]+")
_ALTERNATIVES = re.compile(r"^\(([^()|\s]+(?:\|[^()|\s]+)+)\)$")


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
    parts = WORD.findall(fold(body))
    if len(parts) != 1 or parts[0] != fold(body):
        raise ValueError(f"malformed pattern word {token!r}")
    return parts[0] + (STEM_MARK if stem else "")


@lru_cache(maxsize=16384)
def keyword_words(keyword: str) -> tuple[str, ...]:
    """Split a keyword into folded words (a trailing `*` kept); raise ValueError if malformed.

    Cached: the rules' loader checks every keyword with it, and the index then reuses them.

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
        parts = WORD.findall(fold(body))
        if not parts or STEM_MARK in body or SNOWBALL_MARK in body:
            raise ValueError(f"malformed keyword {keyword!r}")
        words.extend(parts[:-1])
        words.append(parts[-1] + mark)
    if not words:
        raise ValueError("empty keyword")
    return tuple(words)


@lru_cache(maxsize=16384)
def heads(keyword: str) -> tuple[str, ...]:
    """The words a keyword's first word can be (a pattern's alternatives; `#` dropped)."""
    first = keyword_words(keyword)[0]
    if first.startswith("("):
        return tuple(first[1:-1].split("|"))
    return (first.removeprefix(HASHTAG),)


def plain_words(keyword: str) -> frozenset[str]:
    """The words a text must hold for the keyword to match: every word that is no stem,
    no Snowball stem and no choice of alternatives (a hashtag's word without its `#`)."""
    return frozenset(
        word.removeprefix(HASHTAG)
        for word in keyword_words(keyword)
        if word != GAP
        and not word.startswith("(")
        and not word.endswith((STEM_MARK, SNOWBALL_MARK))
    )


@lru_cache(maxsize=16384)
def choices(keyword: str) -> tuple[tuple[str, ...], ...]:
    """For each word of a pattern that is not a plain word (`plain_words` has those), the
    words it can be: a choice's alternatives, or a stem alone (a hashtag's without its `#`);
    the quickest to look up first (no stem, fewest words). A text lacking every word of one
    of them cannot match the pattern."""
    found = []
    for word in keyword_words(keyword):
        word = word.removeprefix(HASHTAG)
        if word.startswith("("):
            found.append(tuple(word[1:-1].split("|")))
        elif word.endswith(STEM_MARK):
            found.append((word,))
    return tuple(sorted(found, key=lambda words: (_has_stem(words), len(words))))


def _has_stem(words: tuple[str, ...]) -> bool:
    return any(word.endswith(STEM_MARK) for word in words)


def _word_regex(word: str) -> str:
    if word.startswith("("):
        return "(?:" + "|".join(_word_regex(w) for w in word[1:-1].split("|")) + ")"
    if word.startswith(HASHTAG):
        return "(?<=#)" + _word_regex(word[1:])
    if word.endswith(STEM_MARK):
        return re.escape(word[:-1]) + r"[^\W_]*"
    return re.escape(word)


@lru_cache(maxsize=8192)
def pattern_regex(keyword: str) -> re.Pattern[str]:
    """The regular expression a keyword matches a folded text with."""
    regex = ""
    for word in keyword_words(keyword):
        if word == GAP:
            regex += rf"(?:[\W_]+[^\W_]+){{0,{GAP_WORDS}}}?"
            continue
        regex += (r"[\W_]+" if regex else "") + _word_regex(word)
    return re.compile(r"(?<![^\W_])" + regex + r"(?![^\W_])")


@lru_cache(maxsize=8192)
def literal(keyword: str) -> str:
    """The first word's letters: a keyword cannot match a text that lacks them."""
    first = keyword_words(keyword)[0]
    if first.startswith(("(", HASHTAG)) or first.endswith(SNOWBALL_MARK):
        return ""
    return first.rstrip(STEM_MARK)


@lru_cache(maxsize=65536)
def _stems_of(word: str) -> tuple[str, ...]:
    return tuple(stemmer(language).stemWord(word) for language in SNOWBALL_LANGUAGES)


def same_stem(word: str, base: str) -> bool:
    """Say whether two folded words share a Snowball stem in Spanish or in English."""
    if word == base:
        return True
    if word[:2] != base[:2]:
        return False  # every stem keeps the word's first letters: most words differ there
    return any(a == b for a, b in zip(_stems_of(word), _stems_of(base), strict=True))
