"""Read a complaint: language, reason, kind of customer, intensity and impact.

Pure Python. The language detector is injected (`bot.core.base.ports.LanguageDetector`);
the keyword data comes from `playbooks/reading.toml` as `ReadingRules`.
Every conclusion carries the words that led to it, so agents can check it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.base.model import CustomerKind, History, Reading, Signal
from bot.core.base.ports import LanguageDetector
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.history import assess_history, impact_of
from bot.core.reading.reason import read_reason, weigh_reasons
from bot.core.reading.refs import find_order_ref
from bot.core.reading.signals import intensity_of, intensity_signals
from bot.core.reading.subject import read_subject, settle_subject
from bot.core.reading.text import FoldedText, outermost, word_count

__all__ = [
    "assess_history",
    "detect_language",
    "intensity_of",
    "read_complaint",
    "read_kind",
    "read_reason",
    "rule_languages",
]

#: Below this detector confidence the channel's default language is used.
MIN_LANGUAGE_CONFIDENCE = 0.6
#: Texts with fewer words than this are too short to detect a language.
MIN_LANGUAGE_WORDS = 2
#: A message at least this long that also chats (a talkative cue) reads as talkative (seed
#: 003, el hablador); length alone is what a review or a detailed report is.
TALKATIVE_WORDS = 90
_LENGTH_POINTS = 2
#: A customer whose figures weigh this much (`precision_points`: flight 1161, 2/22, 8:38,
#: room 311 weigh two each) is precise (seed 003, el meticuloso: give exact figures back).
METICULOUS_FIGURES = 4
_FIGURE_POINTS = 2
MAX_FIGURES = 4
_PRECISE = re.compile(r"[A-Za-z]{1,3}\d+|\d{3,}|\d+[:/'-]\d+(?:[:/'-]\d+)*")
_FIGURE = re.compile(r"(?<![\w@$€£])[A-Za-z]{0,3}\d+(?:[:/.,'-]\d+)*(?![\w$€£%])")
#: Signal groups that show a customer unhappy with the company itself: with no word of a
#: reason or a subject, they say the complaint is about how the customer was served.
DISCONTENT = (
    "leave-threat", "public-threat", "strong-word", "displeasure", "escalation",
)  # fmt: skip
#: Signal groups that also become case flags.
READING_FLAGS = ("public-threat", "leave-threat", "legal-threat")


def rule_languages(rules: ReadingRules) -> frozenset[str]:
    """Return the languages the rules can read (the loader keeps every list in step)."""
    return frozenset(rules.order_without_ref.by_language)


def detect_language(
    text: str, rules: ReadingRules, detector: LanguageDetector, default_language: str
) -> tuple[str, float]:
    """Return the text's language, or the default when unsure or not covered by the rules."""
    if word_count(text) < MIN_LANGUAGE_WORDS:
        return default_language, 0.0
    code, confidence = detector.detect(text)
    if code is None or code not in rule_languages(rules):
        return default_language, 0.0
    if confidence < MIN_LANGUAGE_CONFIDENCE and code != default_language:
        return default_language, 0.0
    return code, confidence


def _score(
    folded: FoldedText, keywords: Mapping[str, tuple[str, ...]], language: str, name: str
) -> tuple[int, tuple[Signal, ...]]:
    found = outermost(folded.find_all(keywords.get(language, ())))
    return sum(hit.weight for hit in found), tuple(Signal(name, hit.words) for hit in found)


def figures(text: str) -> list[str]:
    """The distinct figures a text quotes: numbers, dates, times, flight or room numbers."""
    return list(dict.fromkeys(m.group() for m in _FIGURE.finditer(text)))


def precision_points(found: list[str]) -> int:
    """Two points for each precise figure (a time, a date, a code or a long number such as
    a flight, room or file number), one for each plain count ("4 hours", "2 bags")."""
    return sum(2 if _PRECISE.fullmatch(f) else 1 for f in found)


def read_kind(
    folded: FoldedText, rules: ReadingRules, language: str, insults: tuple[Signal, ...]
) -> tuple[CustomerKind, tuple[Signal, ...]]:
    """Return the kind whose cues weigh most; insults make a customer rude; else UNKNOWN."""
    if insults:
        return CustomerKind.RUDE, insults
    best: tuple[CustomerKind, int, tuple[Signal, ...]] = (CustomerKind.UNKNOWN, 0, ())
    words = word_count(folded.original)
    for kind, rule in rules.kinds.items():
        points, evidence = _score(folded, rule.cues, language, "cue")
        if kind is CustomerKind.TALKATIVE and words >= TALKATIVE_WORDS and points:
            points += _LENGTH_POINTS
            evidence = (*evidence, Signal("length", f"{words} words"))
        if kind is CustomerKind.METICULOUS:
            details = figures(folded.original)
            if precision_points(details) >= METICULOUS_FIGURES:
                points += _FIGURE_POINTS
                evidence = (*evidence, Signal("figures", ", ".join(details[:MAX_FIGURES])))
        if points > best[1]:
            best = (kind, points, evidence)
    return best[0], best[2]


def read_complaint(
    text: str,
    *,
    rules: ReadingRules,
    detector: LanguageDetector,
    default_language: str,
    history: History = History(),  # noqa: B008  (frozen, so sharing it is safe)
) -> Reading:
    """Read a first complaint message; every part of the reading names its evidence."""
    language, confidence = detect_language(text, rules, detector, default_language)
    folded = FoldedText.of(text)
    subject, subject_evidence = read_subject(folded, rules, language)
    intensity, groups = intensity_signals(folded, rules, language)
    discontent = tuple(s for name in DISCONTENT for s in groups.get(name, ()))
    reason, reason_evidence, points = weigh_reasons(
        folded, rules, language, subject, subject_evidence, discontent
    )
    subject, subject_evidence = settle_subject(
        (subject, subject_evidence), (reason, reason_evidence), points, rules
    )
    kind, kind_evidence = read_kind(folded, rules, language, groups["insult"])
    impact, impact_evidence = impact_of(intensity, groups, kind, history)
    flags = {name for name in READING_FLAGS if groups[name]}
    if history.chronic:
        flags.add("chronic")
    return Reading(
        language=language,
        language_confidence=confidence,
        reason=reason,
        reason_evidence=reason_evidence,
        kind=kind,
        kind_evidence=kind_evidence,
        intensity=intensity,
        intensity_evidence=tuple(s for signals in groups.values() for s in signals),
        impact=impact,
        impact_evidence=impact_evidence,
        history=history,
        order_ref=find_order_ref(text),
        flags=frozenset(flags),
        subject=subject,
        subject_evidence=subject_evidence,
    )
