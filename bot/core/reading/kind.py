"""The kind of customer (seed 003): the kind whose cues weigh most, read on real wording.

Insults make a customer rude. A long message is talkative only when it also chats (a
talkative cue): length alone is what a review or a detailed report is. A customer who
quotes figures (flight numbers, dates, times, room numbers) is meticulous, the figures as
evidence. Every kind names its evidence, the words as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.base.model import CustomerKind, Signal
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.text import FoldedText, outermost, word_count

#: A message at least this long that also chats (a talkative cue) reads as talkative (seed
#: 003, el hablador); length alone is what a review or a detailed report is.
TALKATIVE_WORDS = 90
_LENGTH_POINTS = 2
#: A short message needs this many talkative cues to read as talkative.
MIN_TALKATIVE_CUES = 2
#: A customer whose figures weigh this much (`precision_points`: flight 1161, 2/22, 8:38,
#: room 311 weigh two each) is precise (seed 003, el meticuloso: give exact figures back).
METICULOUS_FIGURES = 4
_FIGURE_POINTS = 2
MAX_FIGURES = 4
_PRECISE = re.compile(r"[A-Za-z]{1,3}\d+|\d{3,}|\d+[:/'-]\d+(?:[:/'-]\d+)*")
_MONTHS = (
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    "|january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
#: The letters a month's name starts with: a date starts with one of them or a digit (the
#: lookahead spares trying both alternatives at every other word).
_MONTH_INITIALS = "".join(sorted({month[0] for month in _MONTHS.split("|")}))
_NAMED_DATE = re.compile(
    rf"\b(?=[\d{_MONTH_INITIALS}])"
    rf"(?:\d{{1,2}}(?:\s+de)?\s+(?:{_MONTHS})\b|(?:{_MONTHS})\.?\s+\d{{1,2}}\b)",
    re.I,
)
_FIGURE = re.compile(r"(?<![\w@$€£])[A-Za-z]{0,3}\d+(?:[:/.,'-]\d+)*(?![\w$€£%])")
#: A chat's mention or link token (`<@U999>`, `<!subteam^S1>`, `<#123>`): no figure of the
#: customer's, whatever digits its id holds.
_MARKUP = re.compile(r"<[@#!&^:][^<>\s]{0,80}>")
_DIGIT = re.compile(r"\d")


def figures(text: str) -> list[str]:
    """The distinct figures a text quotes: numbers, dates, times, flight or room numbers;
    a date with its month's name ("23 de junio", "June 3") counts as one."""
    if not _DIGIT.search(text):  # every figure and every named date holds a digit
        return []
    dates: list[str] = []
    pieces: list[str] = []
    done = 0
    for date in _NAMED_DATE.finditer(text):  # the dates, and the text without them
        dates.append(date.group())
        pieces.append(text[done : date.start()])
        done = date.end()
    rest = " ".join([*pieces, text[done:]])
    if "<" in rest:
        rest = _MARKUP.sub(" ", rest)
    return list(dict.fromkeys([*dates, *(m.group() for m in _FIGURE.finditer(rest))]))


def precision_points(found: list[str]) -> int:
    """Two points for each precise figure (a time, a date, a code or a long number such as
    a flight, room or file number), one for each plain count ("4 hours", "2 bags")."""
    return sum(2 if _PRECISE.fullmatch(f) or _NAMED_DATE.fullmatch(f) else 1 for f in found)


def read_kind(
    folded: FoldedText, rules: ReadingRules, language: str, insults: tuple[Signal, ...]
) -> tuple[CustomerKind, tuple[Signal, ...]]:
    """Return the kind whose cues weigh most; insults make a customer rude; else UNKNOWN."""
    if insults:
        return CustomerKind.RUDE, insults
    best: tuple[CustomerKind, int, tuple[Signal, ...]] = (CustomerKind.UNKNOWN, 0, ())
    for kind, rule in rules.kinds.items():
        points, evidence = _score(folded, rule.cues, language, "cue")
        if kind is CustomerKind.TALKATIVE:
            if points and (words := word_count(folded.original)) >= TALKATIVE_WORDS:
                points += _LENGTH_POINTS
                evidence = (*evidence, Signal("length", f"{words} words"))
            elif len(evidence) < MIN_TALKATIVE_CUES:
                points = 0  # one "my wife" in a short message is context, not chatter
        if kind is CustomerKind.METICULOUS:
            details = figures(folded.original)
            if precision_points(details) >= METICULOUS_FIGURES:
                points += _FIGURE_POINTS
                evidence = (*evidence, Signal("figures", ", ".join(details[:MAX_FIGURES])))
        if points > best[1]:
            best = (kind, points, evidence)
    return best[0], best[2]


def _score(
    folded: FoldedText, keywords: Mapping[str, tuple[str, ...]], language: str, name: str
) -> tuple[int, tuple[Signal, ...]]:
    found = outermost(folded.find_all(keywords.get(language, ())))
    if not found:  # (most kinds' cues: nothing to weigh)
        return 0, ()
    return sum(hit.weight for hit in found), tuple(Signal(name, hit.words) for hit in found)
