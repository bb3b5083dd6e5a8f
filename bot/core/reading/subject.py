"""What a complaint is about (an order, a flight, an invoice, the app…), with the words
that say so, so a reply names it ("your flight") and never calls it "your order".

The words are data (`[subjects]` in playbooks/reading.toml). The subject whose words
weigh most wins (longer phrases weigh more, as for reasons); the first listed wins a
tie; with no word at all the subject is unknown and replies use a neutral phrase
(`bot.core.guidance.wording` words it).
"""

from __future__ import annotations

from bot.core.base.model import Signal, Subject
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.text import FoldedText, outermost


def read_subject(
    folded: FoldedText, rules: ReadingRules, language: str
) -> tuple[Subject, tuple[Signal, ...]]:
    """Return the subject whose words weigh most in the text, and those words."""
    best: tuple[Subject, int, tuple[Signal, ...]] = (Subject.UNKNOWN, 0, ())
    for subject, rule in rules.subjects.items():
        found = outermost(folded.find_all(rule.keywords.get(language, ())))
        points = sum(hit.weight for hit in found)
        if points > best[1]:
            best = (subject, points, tuple(Signal("keyword", hit.words) for hit in found))
    return best[0], best[2]
