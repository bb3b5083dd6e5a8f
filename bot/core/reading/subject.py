"""What a complaint is about (an order, a flight, an invoice, the app…), with the words
that say so, so a reply names it ("your flight") and never calls it "your order".

The words are data (`[subjects]` in playbooks/reading.toml). The subject whose words
weigh most wins (longer phrases weigh more, as for reasons); the first listed wins a
tie; with no word at all the subject is unknown and replies use a neutral phrase
(`bot.core.guidance.wording` words it). Once the reason is read, `settle_subject` may move
the subject (a hotel review only about the staff is about no product), and the accounts a
message opens with ("@united …") give way to what its own words name (`beyond_addressees`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.base.model import Reason, Signal, Subject
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.reason import other_senses, praise_of, praised, within
from bot.core.reading.text import FoldedText, outermost


def read_subject(
    folded: FoldedText, rules: ReadingRules, language: str, start: int = 0
) -> tuple[Subject, tuple[Signal, ...]]:
    """Return the subject whose words weigh most in the text, and those words; a word
    next to praise ("el envío llegó rapidísimo") is not what the complaint is about, nor
    one in another sense ("según su página web" names where the customer read it).
    Words before `start` do not count (`beyond_addressees`)."""
    best: tuple[Subject, int, tuple[Signal, ...]] = (Subject.UNKNOWN, 0, ())
    senses = other_senses(folded, rules, language)
    praise = praise_of(folded, rules, language, senses)
    for subject, rule in rules.subjects.items():
        hits = folded.find_all(rule.keywords.get(language, ()))
        if not hits:  # (most subjects: none of their words; nothing to weigh)
            continue
        found = [
            hit
            for hit in outermost(hits)
            if hit.start >= start
            and not praised(hit, praise, folded.original)
            and not within(hit, senses)
        ]
        points = sum(hit.weight for hit in found)
        if points > best[1]:
            best = (subject, points, tuple(Signal("keyword", hit.words) for hit in found))
    return best[0], best[2]


#: The subject's own reason must weigh at least 1/MOVE_RATIO of the reason read to keep it.
MOVE_RATIO = 2


def settle_subject(
    found: tuple[Subject, tuple[Signal, ...]],
    reason: tuple[Reason, tuple[Signal, ...]],
    points: Mapping[Reason, int],
    rules: ReadingRules,
) -> tuple[Subject, tuple[Signal, ...]]:
    """Move the subject when the reason shows the complaint is about something else.

    A subject may say (`moves`) that a complaint whose reason is, say, service, where the
    subject's own reason weighs less than half as much, is about another subject: a hotel review
    only about the staff is about no product (unknown, no evidence); one only about the
    bill is about the charge (its evidence: the reason's words), if one of those words is the
    charge's own ("nos cobraron", "el cargo"). A meal or a stay found too dear ("carísimo",
    "un robo") is still about the meal or the stay: the labelling rules name a disputed bill
    the invoice, not a price felt abusive (tests/data/real/README.md).
    """
    subject = found[0]
    rule = rules.subjects.get(subject)
    if rule is None or reason[0] not in rule.moves:
        return found
    own = points.get(rule.reason, 0) if rule.reason is not None else 0
    if own * MOVE_RATIO >= points.get(reason[0], 0):
        return found
    moved = rule.moves[reason[0]]
    if moved is Subject.UNKNOWN:
        return moved, ()
    return (moved, reason[1]) if _named(reason[1], moved, rules) else found


#: The accounts a message opens with ("@united @AmericanAir …", ".@JetBlue"): whom it is
#: sent to, not what it is about.
ADDRESSEES = re.compile(r"\s*\.?(?:@\w+[\s,:]*)+")
#: What a message to any company may be about besides what the company sells: the
#: customer's card or account with it, its app or website, a bill, a subscription.
ANY_COMPANY = frozenset(
    {Subject.CARD, Subject.ACCOUNT, Subject.APP, Subject.WEBSITE, Subject.INVOICE,
     Subject.CHARGE, Subject.SUBSCRIPTION}
)  # fmt: skip


def beyond_addressees(
    found: tuple[Subject, tuple[Signal, ...]],
    folded: FoldedText,
    rules: ReadingRules,
    language: str,
) -> tuple[Subject, tuple[Signal, ...]]:
    """The subject the message's own words name, when they name one any company has.

    A tweet that opens with "@united" names the airline it is sent to, and the airline's
    name is a word of the flight; "@united my miles never posted" is about the customer's
    account with it (the labelling rules: loyalty accounts are the card). Read again
    without the opening accounts, a message whose words name the card, the account, the
    app or website, a bill or a subscription is about that; any other subject read
    without them (the flight itself, or nothing) leaves `found` as it was, and so does
    the reason, which was read with `found`.
    """
    lead = ADDRESSEES.match(folded.original)
    if lead is None or not lead.end():
        return found
    named = (
        hit
        for subject in ANY_COMPANY
        if subject is not found[0] and subject in rules.subjects
        for hit in folded.find_all(rules.subjects[subject].keywords.get(language, ()))
    )
    if not any(hit.start >= lead.end() for hit in named):
        return found  # (no word of theirs after the accounts: nothing to read again)
    subject, evidence = read_subject(folded, rules, language, start=lead.end())
    return (subject, evidence) if subject in ANY_COMPANY and subject is not found[0] else found


def _named(evidence: tuple[Signal, ...], subject: Subject, rules: ReadingRules) -> bool:
    """Say whether one of the reason's words names `subject` by one of its own words, in
    any language ("nos cobraron" names the charge; "carísimo" names a price, not a bill)."""
    target = rules.subjects.get(subject)
    if target is None:
        return False
    words = tuple(word for words in target.keywords.values() for word in words)
    return any(FoldedText.of(s.detail).find_all(words) for s in evidence)
