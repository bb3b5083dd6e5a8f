"""Why a customer complains (the reason), read in the light of what the complaint is about.

One word no longer decides it. Every word of a reason found in the text counts, weighted:

- by what it is about (the subject, read first): a subject has its own words per reason,
  which weigh more ("bags" on a flight: delivery; "la cuenta" of a meal: billing), and it
  may recast the general words of one reason as another ("late" or "arrive" on a flight
  is the airline's service, not a delivery);
- by where it sits: words in the title or the first sentence, where customers say what
  the complaint is about, weigh more than words in passing;
- by emphasis: a word the customer names the worst of it ("lo peor fue el trato") weighs
  double;
- by praise: a word right next to praise ("el personal, muy amable", "the crew were
  lovely") is not what the customer complains about and counts for nothing.
- by sense: a word inside a phrase where it means something else (`[senses]`: "noche
  vieja", "just in case", "según su página web") counts for nothing, and praise inside one
  is no praise ("un buen rato", "kind of").

With no word at all, the subject's own reason applies (a flight that went wrong is the
airline's service; a room or a meal is the product), its evidence the subject's words;
otherwise the reason is OTHER. Every reason names its evidence, the words as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice

from bot.core.base.model import Reason, Signal, Subject
from bot.core.guidance.playbook import ReadingRules, SubjectRule
from bot.core.reading.keywords import WORD
from bot.core.reading.text import FoldedText, Hit, outermost, word_count

#: At most this many words are quoted as evidence, the weightiest, in the text's order.
MAX_EVIDENCE = 6
#: Words in the title or the first sentence weigh this many times more.
HEAD_FACTOR = 2
#: A subject's own words for a reason weigh this many times more than general ones.
SUBJECT_FACTOR = 2
#: A phrase weighs one point per word, up to this many: a long phrase is specific, but
#: one phrase must not outweigh everything else the customer says.
MAX_WEIGHT = 3
#: A reason's word right after "lo peor" / "the worst part" weighs this many times more.
EMPHASIS_FACTOR = 2
EMPHASIS_GAP = 4
#: A reason's word at most this many words from praise is praise, not the complaint.
PRAISE_GAP = 3
#: The first sentence ends at a line break or at . ! ? after at least this many letters.
MIN_HEAD = 12
#: What breaks the link between praise and a word: a sentence end or a contrast.
_BREAK = re.compile(r"[.!?;\n]|\b(?:pero|aunque|sino|but|though|although|except)\b", re.I)
_HEAD_END = re.compile(r"\n|[.!?]+(?=\s)")
#: Words that turn praise around ("no muy amable", "not very helpful", "poco atento").
NEGATORS = frozenset(
    {"no", "nada", "poco", "nunca", "ni", "sin", "tampoco", "jamas", "jamás", "ningun",
     "ningún", "ninguna", "not", "never", "nor", "isn't",
     "wasn't", "weren't", "aren't", "hardly", "barely", "nothing", "t"}
)  # fmt: skip
#: A sum of money: a currency sign before or after a number.
_AMOUNT = re.compile(r"[$€£]\s?\d+(?:[.,]\d+)?|\b\d+(?:[.,]\d+)?\s?[$€£]")
_LAST_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass(frozen=True)
class _Scored:
    """A reason's word found in the text, the reason it counts for and its points."""

    hit: Hit
    reason: Reason
    points: int


def _amounts(text: str) -> list[Hit]:
    """Each sum of money named ("$200", "64 €"): what a customer paid, or was asked to."""
    if "$" not in text and "€" not in text and "£" not in text:
        return []  # (every sum names its currency's sign)
    return [Hit("amount", m.group(), m.start(), m.end()) for m in _AMOUNT.finditer(text)]


def head_end(text: str) -> int:
    """Where the title or the first sentence ends (the whole text if it is one)."""
    for match in _HEAD_END.finditer(text):
        if word_count(text[: match.start()]) and len(text[: match.start()].strip()) >= MIN_HEAD:
            return match.start()
    return len(text)


def _negated(text: str, start: int) -> bool:
    """Say whether one of the three words before `start` turns what follows around
    ("no nos pareció buena")."""
    before = _LAST_WORDS.findall(text[max(0, start - 40) : start].casefold())[-3:]
    return any(word in NEGATORS or word.endswith("n't") for word in before)


def praised(hit: Hit, praise: Iterable[Hit], text: str) -> bool:
    """Say whether praise sits right next to the hit, in the same sentence."""
    for other in praise:
        if other.start < hit.end and hit.start < other.end:
            continue
        after = other.start >= hit.end
        left, right = (hit.end, other.start) if after else (other.end, hit.start)
        between = text[left:right]
        # "el personal, muy amable" praises the staff; "agradable, el servicio" ends a clause
        # (words counted only up to one too many: `between` may run to the text's end)
        near = len(list(islice(WORD.finditer(between), PRAISE_GAP + 1))) <= PRAISE_GAP and not (
            _BREAK.search(between) or (not after and "," in between)
        )
        if near and not _negated(text, other.start):
            return True
    return False


def other_senses(folded: FoldedText, rules: ReadingRules, language: str) -> list[Hit]:
    """The phrases in which a reason's or a subject's word means something else ("noche
    vieja" is a date, not an old room; "según su página web" where the customer read it)."""
    return folded.find_all(rules.senses.get(language, ()))


def within(hit: Hit, spans: Iterable[Hit]) -> bool:
    """Say whether the hit lies inside one of `spans` (or is one of them)."""
    return any(span.start <= hit.start and hit.end <= span.end for span in spans)


def praise_of(
    folded: FoldedText, rules: ReadingRules, language: str, senses: list[Hit]
) -> list[Hit]:
    """The words of praise in the text, but for those in another sense ("buena parte del
    tiempo" is much of it, "un buen rato" a long while, "kind of" no kindness)."""
    return [p for p in folded.find_all(rules.praise.get(language, ())) if not within(p, senses)]


def _hits(
    folded: FoldedText,
    rules: ReadingRules,
    language: str,
    rule: SubjectRule | None,
    senses: list[Hit],
) -> list[_Scored]:
    """Every reason word in the text, the subject's own words first so they win a tie;
    none inside a phrase of another sense."""
    found: list[tuple[Hit, Reason, int]] = []
    if rule is not None:
        for reason, words in rule.reason_words.items():
            if hits := folded.find_all(words.get(language, ())):
                found += [(h, reason, SUBJECT_FACTOR) for h in hits]
    for reason, keywords in rules.reasons.items():
        if hits := folded.find_all(keywords.get(language, ())):
            target = rule.recast.get(reason, reason) if rule is not None else reason
            found += [(h, target, 1) for h in hits]
    found += [(h, Reason.BILLING, 1) for h in _amounts(folded.original)]
    if not found:
        return []
    found = _own_inside([f for f in found if not within(f[0], senses)], rule)
    kept = {id(h) for h in outermost(h for h, _, _ in found)}
    head = head_end(folded.original)
    return [
        _Scored(
            hit,
            reason,
            min(hit.weight, MAX_WEIGHT) * factor * (HEAD_FACTOR if hit.start < head else 1),
        )
        for hit, reason, factor in found
        if id(hit) in kept
    ]


def _own_inside(
    found: list[tuple[Hit, Reason, int]], rule: SubjectRule | None
) -> list[tuple[Hit, Reason, int]]:
    """A general phrase around one of the subject's own words counts for that word's reason.

    Without this the longer, general phrase wins and the subject's recast turns it into
    another reason: "entertainment system" is a general technical phrase that a flight
    recasts to service, around "entertainment", a flight's own technical word.
    """
    if rule is None or not rule.recast:
        return found
    own = [(h, r) for h, r, factor in found if factor == SUBJECT_FACTOR]
    settled: list[tuple[Hit, Reason, int]] = []
    for hit, reason, factor in found:
        if factor != SUBJECT_FACTOR:
            inside = [r for h, r in own if hit.start <= h.start and h.end <= hit.end]
            if inside and reason not in inside:
                reason, factor = inside[0], SUBJECT_FACTOR
        settled.append((hit, reason, factor))
    return settled


def read_reason(
    folded: FoldedText,
    rules: ReadingRules,
    language: str,
    subject: Subject = Subject.UNKNOWN,
    subject_evidence: tuple[Signal, ...] = (),
    discontent: tuple[Signal, ...] = (),
) -> tuple[Reason, tuple[Signal, ...]]:
    """Return the reason whose words weigh most, in the light of the subject, and its words.

    Ties go to the subject's own reason, then to the first reason listed. With no word at
    all, the subject's reason (its evidence: the subject's words); with no subject either,
    a customer who is leaving, threatening or calling the company names (`discontent`)
    complains of how they were served (SERVICE, its evidence those words); else OTHER.
    """
    reason, evidence, _ = weigh_reasons(
        folded, rules, language, subject, subject_evidence, discontent
    )
    return reason, evidence


def weigh_reasons(
    folded: FoldedText,
    rules: ReadingRules,
    language: str,
    subject: Subject = Subject.UNKNOWN,
    subject_evidence: tuple[Signal, ...] = (),
    discontent: tuple[Signal, ...] = (),
) -> tuple[Reason, tuple[Signal, ...], Mapping[Reason, int]]:
    """`read_reason`, with each reason's points (how close the call was)."""
    rule = rules.subjects.get(subject)
    scored = _counted(folded, rules, language, rule)
    points = _totals(scored)
    default = rule.reason if rule is not None else None
    if not points:
        if default is not None and subject_evidence:
            return default, subject_evidence, points
        if discontent and not subject_evidence:
            return Reason.SERVICE, discontent, points
        return Reason.OTHER, (), points
    order = [r for r in Reason if r in points]
    best = max(order, key=lambda r: (points[r], r is default, -order.index(r)))
    strongest = sorted((s for s in scored if s.reason is best), key=lambda s: -s.points)
    shown = sorted((s.hit for s in strongest[:MAX_EVIDENCE]), key=lambda h: h.start)
    return best, tuple(Signal("keyword", h.words) for h in shown), points


def _counted(
    folded: FoldedText, rules: ReadingRules, language: str, rule: SubjectRule | None
) -> list[_Scored]:
    """The reason words that count: not those next to praise; double those named the worst."""
    senses = other_senses(folded, rules, language)
    praise = praise_of(folded, rules, language, senses)
    worst = folded.find_all(rules.emphasis.get(language, ()))
    hits = _hits(folded, rules, language, rule, senses)
    text = folded.original
    return [
        _Scored(s.hit, s.reason, s.points * EMPHASIS_FACTOR)
        if _named_worst(s.hit, worst, text)
        else s
        for s in hits
        if not praised(s.hit, praise, text)
    ]


def _named_worst(hit: Hit, worst: Iterable[Hit], text: str) -> bool:
    """Say whether the customer names this as the worst of it ("lo peor fue el trato")."""
    for other in worst:
        if other.end <= hit.start:
            between = text[other.end : hit.start]
            if word_count(between) <= EMPHASIS_GAP and not re.search(r"[.!?;\n]", between):
                return True
    return False


def _totals(scored: Iterable[_Scored]) -> dict[Reason, int]:
    points: dict[Reason, int] = {}
    for item in scored:
        points[item.reason] = points.get(item.reason, 0) + item.points
    return points


def reason_points(
    folded: FoldedText, rules: ReadingRules, language: str, subject: Subject
) -> Mapping[Reason, int]:
    """Each reason's points for a text (for tests and tuning: how close the call was)."""
    return _totals(_counted(folded, rules, language, rules.subjects.get(subject)))
