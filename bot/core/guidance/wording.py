"""Filling a suggested reply with what Sereno knows, so it can be sent as it is.

A reply template uses a fixed set of placeholders (`TEMPLATE_VARIABLES`), each filled
with words that read right in its place whatever Sereno knows:

- `{customer}` opens the reply: "Hola, Lucía" / "Hi Lucía", or "Hola" / "Hello"
  when the name is not known;
- `{issue}` is what the complaint is about (the reading's subject): "el problema con su
  vuelo", "the problem with your order 48213", or "lo ocurrido" / "this";
- `{agent}`, the agent's name, and `{channel}`, the team's contact channel
  (SERENO_CONTACT_CHANNEL): when Sereno does not know one, the variant's wording
  without it is used (`Variant.without_agent`, `Variant.without_channel`);
- `{case}`, the case number; `{offers}`, what the agent offered (typed with `letgo`).

Only what the agent alone can know stays a [bracket]: "[offers]" until they are typed,
and the solutions and facts a template leaves to the agent.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.base.case import Case, Event, EventKind
from bot.core.base.model import Reading, Subject
from bot.core.guidance.playbook import (
    ReadingRules,
    Suggestion,
    render_template,
)
from bot.core.texts import t

#: The one blank Sereno fills when the agent has said what they offered.
_NO_OFFERS = {"es": "[propuestas]", "en": "[offers]"}


def greeting(customer_name: str | None, language: str) -> str:
    """The reply's opening: with the customer's first name when Sereno knows it."""
    first = (customer_name or "").strip().split(" ")[0]
    if not first or first.startswith("["):  # unknown, or forgotten ("[forgotten]")
        return t("greeting.plain", language)
    return t("greeting.named", language, name=first)


def issue_phrase(reading: Reading, rules: ReadingRules, language: str) -> str:
    """How a reply speaks of what the complaint is about: "el problema con su vuelo",
    "the problem with your order 48213", or, subject unknown, "lo ocurrido" / "this"."""
    rule = rules.subjects.get(reading.subject) or rules.subjects[Subject.UNKNOWN]
    if reading.order_ref:
        return rule.issue_with_ref.get(language).format(ref=reading.order_ref)
    return rule.issue.get(language)


def subject_name(reading: Reading, rules: ReadingRules, language: str) -> str:
    """The subject's name in `language` ("vuelo", "flight"), for the case header."""
    rule = rules.subjects.get(reading.subject)
    return rule.name.get(language) if rule else reading.subject.value


def offers_typed(events: Sequence[Event]) -> str:
    """What the agent offered, as typed with `letgo` (the latest), for the goodbye."""
    for event in reversed(events):
        if event.kind is EventKind.LET_GO:
            return str(event.details.get("text") or "").strip()
    return ""


def template_values(
    case: Case,
    rules: ReadingRules,
    contact_channel: str,
    agent_name: str | None,
    offers: str = "",
) -> dict[str, str]:
    """The values a reply template may use, in the customer's language."""
    lang = case.reading.language
    return {
        "customer": greeting(case.customer_name, lang),
        "issue": issue_phrase(case.reading, rules, lang),
        "agent": (agent_name or "").strip(),
        "channel": contact_channel.strip(),
        "case": case.ref,
        "offers": offers.strip() or _NO_OFFERS.get(lang, _NO_OFFERS["en"]),
    }


def reply_text(
    case: Case,
    suggestion: Suggestion,
    rules: ReadingRules,
    contact_channel: str,
    agent_name: str | None,
    offers: str = "",
) -> str:
    """The suggestion for this customer (their kind, their language), filled in; the
    wording without the agent's name or the contact channel when Sereno lacks it."""
    values = template_values(case, rules, contact_channel, agent_name, offers)
    variant = suggestion.variant_for(case.reading.kind)
    text = variant.text_for(bool(values["agent"]), bool(values["channel"]))
    return render_template(text.get(case.reading.language), values)
