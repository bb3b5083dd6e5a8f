"""Language detection with lingua, behind the core's `LanguageDetector` port.

lingua's low-accuracy mode: trigram models only. Its high-accuracy mode loads five
n-gram models per language (0.4–0.9 s and 60–95 MB for es + en) and reads the labelled
set and the real corpus's tune part no better (100% either way); the trigram models
load in about 30 ms and hold about 10 MB. Alone they are worse on very short texts:
the labelled and tune texts (760) cut to their first 2 / 3 / 4 / 6 words read their
language (with the reader's fall-back to the channel's language, English) 90.1 / 94.2 /
95.8 / 98.8% of the time, against 95.9 / 98.2 / 98.9 / 99.9% in high-accuracy mode.

So a text of fewer than eight words is also put to a vote of its function words
(playbooks/languages/function_words.toml, `FunctionWords`): with them the same cut texts
read 95.9 / 98.2 / 99.3 / 100% (with Spanish as the channel's language 96.7 / 98.7 /
99.5 / 100%, against high accuracy's 93.6 / 98.0 / 98.8 / 99.9%), and whole complaints
100% as before.

The models are loaded on first use, not when the detector is made, so nothing is paid
before the process serves (`warm` loads them ahead of the first complaint).
"""

from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from playbooks.errors import PlaybookError

WORDS_FILE = Path(__file__).resolve().parents[1] / "playbooks" / "languages" / "function_words.toml"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
#: Written for an apostrophe: each is read as "'".
_APOSTROPHES = ("’", "‘", "`")


def _language(code: str) -> Language:
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code.strip().lower()))
    except ValueError:
        raise ValueError(f"lingua does not know the language code {code!r}") from None


#: A text is folded char by char (casefold, NFKD, marks dropped), so the first characters
#: fold to the start of the folded text; when they already hold more words than a short
#: text has, each of those but the last is a whole word of the text too, and it is not
#: short. So a long text is not folded whole for the vote.
_HEAD_CHARS = 96
_MAX_MARKS = 4096


class _Marks(dict[int, int | None]):
    """`str.translate`'s table that drops combining marks, learning each character once."""

    def __missing__(self, code: int) -> int | None:
        if len(self) >= _MAX_MARKS:  # a flood of rare characters does not grow it forever
            self.clear()
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _Marks()


def _apostrophes(text: str) -> str:
    for apostrophe in _APOSTROPHES:  # str.replace: far quicker than translate on a text
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


def _fold(text: str) -> str:
    if text.isascii():  # NFKD keeps ASCII as it is, and casefold is lower
        return _apostrophes(text.lower())
    decomposed = unicodedata.normalize("NFKD", _apostrophes(text.casefold()))
    return decomposed if decomposed.isascii() else decomposed.translate(_MARKS)


@dataclass(frozen=True)
class FunctionWords:
    """Each language's function words, folded, and below how many words a text is short."""

    words: Mapping[str, frozenset[str]]
    short_text_words: int
    #: A text that is not short settles its language without lingua when one language has at
    #: least `settle_votes` of its function words and `settle_share` of them (None: never).
    settle_votes: int | None = None
    settle_share: float = 1.0

    def settle(self, text: str, languages: Sequence[str]) -> tuple[str, float] | None:
        """The language a text that is not short is clearly written in, by its function
        words, and their share that is that language's; None when it is short, when not
        every language has a list, or when its function words do not clearly agree."""
        if self.settle_votes is None or any(code not in self.words for code in languages):
            return None
        found = _WORD.findall(_fold(text))
        if len(found) < self.short_text_words:
            return None
        code, most, total = self._tally(found, languages)
        if code is None or most < self.settle_votes or most < self.settle_share * total:
            return None
        return code, most / total

    def vote(self, text: str, languages: Sequence[str]) -> tuple[str, float] | None:
        """The language most of a short text's function words belong to, and its share of
        them; None for a text that is not short, with no such words, or a tie."""
        head = _fold(text[:_HEAD_CHARS])
        if len(list(islice(_WORD.finditer(head), self.short_text_words + 1))) > (
            self.short_text_words
        ):
            return None  # its first words alone are too many: not short (see _HEAD_CHARS)
        found = _WORD.findall(head if len(text) <= _HEAD_CHARS else _fold(text))
        if len(found) >= self.short_text_words:
            return None
        code, most, total = self._tally(found, languages)
        return None if code is None else (code, most / total)

    def _tally(self, found: Sequence[str], languages: Sequence[str]) -> tuple[str | None, int, int]:
        """The language most of the words `found` belong to (None: none does, or a tie), how
        many of them are its, and how many are any language's."""
        votes = {code: sum(w in self.words.get(code, ()) for w in found) for code in languages}
        ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)
        total = sum(votes.values())
        if not total or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None, 0, total
        return ranked[0][0], ranked[0][1], total


def load_function_words(path: Path = WORDS_FILE) -> FunctionWords:
    """Read and check a function-word file; a mistake raises PlaybookError naming it."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PlaybookError(name, "file", "-", str(exc)) from None
    short = data.get("short_text_words")
    if not isinstance(short, int) or isinstance(short, bool) or short < 1:
        raise PlaybookError(name, "top level", "short_text_words", "a whole number, 1 or more")
    votes, share = data.get("settle_votes"), data.get("settle_share", 1.0)
    if votes is not None and (not isinstance(votes, int) or isinstance(votes, bool) or votes < 1):
        raise PlaybookError(name, "top level", "settle_votes", "a whole number, 1 or more")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0.5 < share <= 1:
        raise PlaybookError(name, "top level", "settle_share", "a number above 0.5, at most 1")
    table = data.get("function_words")
    if not isinstance(table, dict) or not table:
        raise PlaybookError(name, "top level", "function_words", "a table of word lists")
    words: dict[str, frozenset[str]] = {}
    owner: dict[str, str] = {}
    for code, listed in table.items():
        where = f"function_words.{code}"
        try:
            _language(code)
        except ValueError as exc:
            raise PlaybookError(name, where, code, str(exc)) from None
        if not isinstance(listed, list) or not listed:
            raise PlaybookError(name, where, code, "a list of words")
        for word in listed:
            folded = _fold(word) if isinstance(word, str) else ""
            if not _WORD.fullmatch(folded):
                raise PlaybookError(name, where, code, f"{word!r} is not one word")
            if owner.setdefault(folded, code) != code:
                problem = f"{word!r} is also in function_words.{owner[folded]}"
                raise PlaybookError(name, where, code, problem)
        words[code] = frozenset(_fold(word) for word in listed)
    return FunctionWords(words, short, votes, float(share))


class LinguaDetector:
    """Detect which of a few languages a text is in; its models load on first use."""

    def __init__(self, languages: Sequence[str], words: FunctionWords | None = None) -> None:
        if not languages:
            raise ValueError("LinguaDetector needs at least one language code")
        self._languages = tuple(dict.fromkeys(_language(code) for code in languages))
        self._codes = tuple(lang.iso_code_639_1.name.lower() for lang in self._languages)
        self._words = words or load_function_words()
        self._detector: Any = None
        self._building = threading.Lock()

    @property
    def languages(self) -> tuple[str, ...]:
        """The ISO 639-1 codes this detector chooses among."""
        return self._codes

    @property
    def loaded(self) -> bool:
        """Whether the models are in memory (after `warm` or the first `detect`)."""
        return self._detector is not None

    def warm(self) -> None:
        """Load the models now, so the first complaint does not wait for them."""
        self._built()

    def detect(self, text: str) -> tuple[str | None, float]:
        """Return the most likely language code and its confidence, or (None, 0.0)."""
        if not any(char.isalpha() for char in text):
            return None, 0.0
        if len(self._languages) == 1:
            return self.languages[0], 1.0
        settled = self._words.settle(text, self.languages)
        if settled is not None:  # about a tenth of lingua's time, and its answer on every
            return settled  # labelled and tune text (playbooks/languages/function_words.toml)
        values = self._built().compute_language_confidence_values(text)
        code, confidence = None, 0.0
        if values and values[0].value > 0.0:
            code = values[0].language.iso_code_639_1.name.lower()
            confidence = float(values[0].value)
        voted = self._words.vote(text, self.languages)
        if voted is None:
            return code, confidence
        if voted[0] == code:
            return code, max(confidence, voted[1])
        return voted

    def _built(self) -> Any:
        if self._detector is None and len(self._languages) > 1:
            with self._building:  # detect() may run on worker threads as well as the loop
                if self._detector is None:
                    self._detector = (
                        LanguageDetectorBuilder.from_languages(*self._languages)
                        .with_low_accuracy_mode()
                        .with_preloaded_language_models()
                        .build()
                    )
        return self._detector
