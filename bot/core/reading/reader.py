"""Read a complaint: language, reason, kind of customer, intensity and impact.

Pure Python. The language detector is injected (`bot.core.base.ports.LanguageDetector`);
the keyword data comes from `playbooks/reading.toml` as `ReadingRules`.
Every conclusion carries the words that led to it, so agents can check it.

The parts are read in this order: the language, what the complaint is about (`subject`),
the signs of anger and threats (`signals`), the reason in the light of the subject and of
those signs (`reason`), the subject settled by the reason (a review only about the staff is
about no product), the kind of customer (`kind`), and the impact.
"""

from __future__ import annotations

from itertools import islice

from bot.core.base.model import History, Reading
from bot.core.base.ports import LanguageDetector
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.history import assess_history, impact_of
from bot.core.reading.keywords import WORD
from bot.core.reading.kind import read_kind
from bot.core.reading.reason import read_reason, weigh_reasons
from bot.core.reading.refs import find_order_ref
from bot.core.reading.signals import intensity_of, intensity_signals
from bot.core.reading.subject import beyond_addressees, read_subject, settle_subject
from bot.core.reading.text import FoldedText, KeywordIndex

__all__ = [
    "assess_history",
    "detect_language",
    "folded_text",
    "intensity_of",
    "keyword_index",
    "read_complaint",
    "read_kind",
    "read_reason",
    "rule_languages",
]

#: Below this detector confidence the channel's default language is used.
MIN_LANGUAGE_CONFIDENCE = 0.6
#: Texts with fewer words than this are too short to detect a language.
MIN_LANGUAGE_WORDS = 2
#: Signal groups that show a customer unhappy with the company itself: with no word of a
#: reason or a subject, they say the complaint is about how the customer was served.
DISCONTENT = (
    "leave-threat", "public-threat", "strong-word", "displeasure", "escalation",
)  # fmt: skip
#: Signal groups that also become case flags.
READING_FLAGS = ("public-threat", "leave-threat", "legal-threat")


#: Keyword indexes of the rules read lately, by the rules' id (the rules kept alive with them).
_INDEXES: dict[int, tuple[ReadingRules, KeywordIndex]] = {}
_MAX_INDEXES = 8


def keyword_index(rules: ReadingRules) -> KeywordIndex:
    """Every keyword list of the rules compiled into one index, once per rules object."""
    known = _INDEXES.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    if len(_INDEXES) >= _MAX_INDEXES:
        _INDEXES.clear()
    index = KeywordIndex.of_rules(rules)
    _INDEXES[id(rules)] = (rules, index)
    return index


def folded_text(text: str, rules: ReadingRules) -> FoldedText:
    """The text folded for reading, its keywords matched against the rules in one pass."""
    return FoldedText.of(text, keyword_index(rules))


def rule_languages(rules: ReadingRules) -> frozenset[str]:
    """Return the languages the rules can read (the loader keeps every list in step)."""
    return frozenset(rules.order_without_ref.by_language)


def detect_language(
    text: str, rules: ReadingRules, detector: LanguageDetector, default_language: str
) -> tuple[str, float]:
    """Return the text's language, or the default when unsure or not covered by the rules."""
    if len(list(islice(WORD.finditer(text), MIN_LANGUAGE_WORDS))) < MIN_LANGUAGE_WORDS:
        return default_language, 0.0  # (the first words tell; no need to count them all)
    code, confidence = detector.detect(text)
    if code is None or code not in rule_languages(rules):
        return default_language, 0.0
    if confidence < MIN_LANGUAGE_CONFIDENCE and code != default_language:
        return default_language, 0.0
    return code, confidence


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
    folded = folded_text(text, rules)
    subject, subject_evidence = read_subject(folded, rules, language)
    intensity, groups = intensity_signals(folded, rules, language)
    discontent = tuple(s for name in DISCONTENT for s in groups.get(name, ()))
    reason, reason_evidence, points = weigh_reasons(
        folded, rules, language, subject, subject_evidence, discontent
    )
    subject, subject_evidence = settle_subject(
        (subject, subject_evidence), (reason, reason_evidence), points, rules
    )
    subject, subject_evidence = beyond_addressees(
        (subject, subject_evidence), folded, rules, language
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
