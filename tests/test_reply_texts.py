"""Replies fit to send as they are (issue 13 item 3): every suggestion of the shipped
playbooks, in both languages and for every kind of customer, rendered with every
combination of what Sereno may or may not know — the contact channel, the customer's
name, an order reference, the agent's name, what the complaint is about, the offers
typed with `letgo` — reads as a person would write it.

The real loader and the real rules files; the texts are rendered by the same function
the suggestion cards and the reply form use.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from bot.core.base.case import Case
from bot.core.base.model import CustomerKind, Impact, Reading, Reason, Status, Subject
from bot.core.guidance.playbook import Playbook, ReadingRules, Suggestion
from bot.core.guidance.wording import reply_text
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
from playbooks.loader import BUILTIN_DIR, load_playbook, load_playbooks
from playbooks.rules import RULES_FILE, load_rules
from tests.support import START

ADVICE = load_advice_ids()
RULES = load_rules(RULES_FILE, ADVICE)
PLAYBOOKS = load_playbooks([BUILTIN_DIR], ADVICE)
AGENT, CUSTOMER, REF, CHANNEL = "Ana", "Lucía Pérez", "48213", "soporte@acme.example"
OFFERS = {"es": "un reembolso de 20 €", "en": "a 20 € refund"}
#: What only the agent can know: the only blanks a rendered reply may keep.
AGENT_ONLY = {
    "es": {"[opción A]", "[opción B]", "[solución]", "[alternativa]", "[consejo]",
           "[1 o 2]", "[motivo]", "[hechos]", "[mejora]"},
    "en": {"[option A]", "[option B]", "[solution]", "[alternative]", "[advice]",
           "[1 or 2]", "[reason]", "[facts]", "[improvement]"},
}  # fmt: skip
#: The blank for the offers: allowed only until the agent has typed them.
NO_OFFERS = {"es": "[propuestas]", "en": "[offers]"}
PREPOSITIONS = {
    "es": "a|al|con|de|del|en|para|por|sobre|sin|desde|hasta|hacia",
    "en": "at|by|with|about|for|to|on|of|from|in|into|via",
}
#: Words that belong to one subject: a reply may use them only for that subject.
SUBJECT_WORDS = {
    Subject.ORDER: {"es": r"\bpedido\b", "en": r"\border\b"},
    Subject.FLIGHT: {"es": r"\bvuelo\b", "en": r"\bflight\b"},
    Subject.INVOICE: {"es": r"\bfactura\b", "en": r"\binvoice\b"},
    Subject.APP: {"es": r"\bapp\b", "en": r"\bapp\b"},
}


def case_for(
    language: str, kind: CustomerKind, subject: Subject, ref: str | None, customer: str
) -> Case:
    reading = Reading(
        language=language,
        language_confidence=1.0,
        reason=Reason.OTHER,
        reason_evidence=(),
        kind=kind,
        kind_evidence=(),
        intensity=2,
        intensity_evidence=(),
        impact=Impact.MEDIUM,
        impact_evidence=(),
        order_ref=ref,
        subject=subject,
    )
    return Case(
        id=12, platform="console", channel_id="C1", message_id="m1", thread_id=None,
        customer_id="U1", customer_name=customer, text="…", status=Status.NEW,
        assignee_id=None, assignee_name=None, playbook_id="default", reading=reading,
        flags=frozenset(), opened_at=START, updated_at=START,
    )  # fmt: skip


def kinds_of(suggestion: Suggestion) -> list[CustomerKind]:
    """One kind per variant (the general variant is read for an unknown customer)."""
    return [next(iter(v.kinds), CustomerKind.UNKNOWN) for v in suggestion.variants]


def problems(text: str, language: str, known: dict[str, object], subject: Subject) -> list[str]:
    """Everything that would make a person stop before sending `text`."""
    found = []
    preps = PREPOSITIONS[language]
    checks = {
        "placeholder left": r"[{}]",
        "doubled word": r"(?i)\b(\w+)\s+\1\b",
        "doubled preposition": rf"(?i)\b(?:{preps})\s+(?:{preps})\b",
        "dangling preposition": rf"(?i)\b(?:{preps})\s*(?:[.,;:!?)]|$)",
        "stray spacing": r"  |\s[,.;:!?]|\(\s|\s\)|,,|\.\.(?!\.)",
        "lower-case sentence": r"[.!?]\s+[a-záéíóúñ]",
    }
    for label, pattern in checks.items():
        found += [f"{label}: {m.group(0)!r}" for m in re.finditer(pattern, text)]
    if not text[:1].isupper():
        found.append("does not start with a capital")
    blanks = set(re.findall(r"\[[^\]]*\]", text))
    allowed = AGENT_ONLY[language] | (set() if known["offers"] else {NO_OFFERS[language]})
    found += [f"blank Sereno could fill: {b}" for b in sorted(blanks - allowed)]
    for other, words in SUBJECT_WORDS.items():
        if other is not subject and re.search(words[language], text, re.IGNORECASE):
            found.append(f"names a {other.value} for a {subject.value} complaint")
    return found


COMBINATIONS = list(
    itertools.product(
        (True, False),  # contact channel set
        (True, False),  # customer's name known
        (True, False),  # order reference quoted
        (True, False),  # agent's name known
        (True, False),  # offers typed with letgo
        tuple(Subject),
    )
)


def render_all(playbook: Playbook, rules: ReadingRules) -> list[tuple[str, str, str]]:
    """Every suggestion × variant × language × combination, rendered, with its problems."""
    bad = []
    for suggestion in playbook.suggestions.values():
        for kind, language in itertools.product(kinds_of(suggestion), ("es", "en")):
            for channel, named, ref, agent, offers, subject in COMBINATIONS:
                case = case_for(language, kind, subject, REF if ref else None,
                                CUSTOMER if named else "")  # fmt: skip
                text = reply_text(
                    case, suggestion, rules, CHANNEL if channel else "",
                    AGENT if agent else None, OFFERS[language] if offers else "",
                )  # fmt: skip
                known = {"offers": offers}
                where = f"{suggestion.id}/{kind.value}/{language}/" + (
                    f"channel={channel} name={named} ref={ref} agent={agent} "
                    f"offers={offers} subject={subject.value}"
                )
                facts = (channel, named, ref, agent, offers)
                found = problems(text, language, known, subject)
                found += filled(text, suggestion, language, case, *facts)
                bad += [(where, p, text) for p in found]
    return bad


def filled(
    text: str, suggestion: Suggestion, language: str, case: Case,
    channel: bool, named: bool, ref: bool, agent: bool, offers: bool,
) -> list[str]:  # fmt: skip
    """What Sereno knew and the text uses is in it; what it did not know leaves no trace."""
    variant = suggestion.variant_for(case.reading.kind)
    used = "".join(
        t.get(language) for t in (variant.text, variant.without_agent, variant.without_channel)
        if t is not None
    )  # fmt: skip
    missing = []
    expected = {
        "Lucía": named and "{customer}" in used,
        AGENT: agent and "{agent}" in variant.text.get(language),
        CHANNEL: channel and "{channel}" in variant.text.get(language),
        REF: ref and "{issue}" in used,
        OFFERS[language]: offers and "{offers}" in used,
        "#12": "{case}" in used,
    }
    for value, wanted in expected.items():
        if wanted and value not in text:
            missing.append(f"Sereno knew {value!r} but the reply leaves it out")
        if not wanted and value in text and value != "#12":
            missing.append(f"{value!r} appears though Sereno did not know it")
    return missing


def test_every_suggestion_reads_right_with_whatever_sereno_knows() -> None:
    bad = [b for playbook in PLAYBOOKS for b in render_all(playbook, RULES)]
    shown = "\n".join(f"{where}: {problem}\n    {text}" for where, problem, text in bad[:12])
    assert not bad, f"{len(bad)} problems, the first:\n{shown}"


def test_the_checks_catch_the_texts_of_the_issue() -> None:
    """The phrases the issue quotes fail the checks (so the test above can fail)."""
    quoted = [
        ("Le contactarán por por teléfono o por correo.", "es", Subject.ORDER),
        ("Puede contactarme directamente en por teléfono.", "es", Subject.ORDER),
        ("You can reach me directly at by phone or email.", "en", Subject.ORDER),
        ("Kevin, I understand this with your order has upset you a lot.", "en", Subject.APP),
        ("I understand how frustrating this problem with your order is.", "en", Subject.FLIGHT),
        ("Nos escribió por su caso #8 sobre {order}.", "es", Subject.ORDER),
        ("Just to recap what we can offer: [offers].", "en", Subject.ORDER),
        ("Hello [customer's name], this is [your name].", "en", Subject.ORDER),
        ("Hello, this is . I am on it.", "en", Subject.ORDER),
        ("Hola, Lucía, soy Ana. lo siento.", "es", Subject.ORDER),
    ]
    for text, language, subject in quoted:
        assert problems(text, language, {"offers": True}, subject), text


def test_the_subject_is_named_and_a_neutral_phrase_used_when_unknown() -> None:
    first = next(p for p in PLAYBOOKS if p.id == "default").suggestions["first-reply"]
    texts = {
        (lang, subject): reply_text(case_for(lang, CustomerKind.RUDE, subject, None, "Kevin Li"),
                                    first, RULES, "", AGENT)
        for lang in ("es", "en") for subject in (Subject.FLIGHT, Subject.APP, Subject.UNKNOWN,
                                                  Subject.INVOICE)
    }  # fmt: skip
    assert texts[("en", Subject.APP)].startswith(
        "Hi Kevin, I understand the problem with the app has upset you a lot"
    )
    assert "el problema con su vuelo le ha molestado" in texts[("es", Subject.FLIGHT)]
    assert "el problema con su factura" in texts[("es", Subject.INVOICE)]
    assert texts[("es", Subject.UNKNOWN)].startswith("Hola, Kevin, entiendo que lo ocurrido")
    assert texts[("en", Subject.UNKNOWN)].startswith("Hi Kevin, I understand this has upset")


def test_sereno_fills_in_the_agent_the_channel_the_case_and_the_offers() -> None:
    default = next(p for p in PLAYBOOKS if p.id == "default")
    case = case_for("es", CustomerKind.UNKNOWN, Subject.ORDER, REF, "")
    goodbye = reply_text(case, default.suggestions["let-go"], RULES, "", AGENT, "un vale de 10 €")
    assert "Le recuerdo lo que podemos ofrecerle: un vale de 10 €." in goodbye
    assert "su caso #12 sigue a su disposición" in goodbye
    offline = default.suggestions["take-offline"]
    assert "contactarme directamente en soporte@acme.example" in reply_text(
        case, offline, RULES, CHANNEL, AGENT
    )
    without = reply_text(case, offline, RULES, "", AGENT)
    assert "¿me deja un teléfono o un correo?" in without and "directamente en" not in without
    first = reply_text(case, default.suggestions["first-reply"], RULES, "", AGENT)
    assert first.startswith("Hola, soy Ana. Entiendo lo frustrante que es el problema con su")
    unsigned = reply_text(case, default.suggestions["first-reply"], RULES, "", None)
    assert unsigned.startswith("Hola, entiendo lo frustrante que es el problema con su pedido")


# ---------------------------------------------------------------- the loader's checks

PLAYBOOK = """
id = "mini"
name = { es = "Mini", en = "Mini" }

[[steps]]
id = "listen"
title = { es = "Escucha", en = "Listen" }
guidance = { es = "Deja que termine.", en = "Let them finish." }
advice = ["listen"]

[suggestions.hello]
label = { es = "Hola", en = "Hello" }
advice = ["acknowledge"]

[[suggestions.hello.variants]]
text = { es = "{customer}, soy {agent}.", en = "{customer}, this is {agent}." }
without_agent = { es = "{customer}, le escribo.", en = "{customer}, I'm writing." }
"""


def load(tmp_path: Path, old: str = "", new: str = "") -> Playbook:
    assert PLAYBOOK.count(old) == 1 or not old
    path = tmp_path / "mini.toml"
    path.write_text(PLAYBOOK.replace(old, new, 1) if old else PLAYBOOK, encoding="utf-8")
    return load_playbook(path, ADVICE)


def test_a_variant_with_its_wording_without_the_agent_loads(tmp_path: Path) -> None:
    variant = load(tmp_path).suggestions["hello"].variants[0]
    assert variant.without_agent is not None
    assert variant.text_for(agent_known=False, channel_known=True) == variant.without_agent
    assert variant.text_for(agent_known=True, channel_known=False) == variant.text


WITHOUT_AGENT = (
    'without_agent = { es = "{customer}, le escribo.", en = "{customer}, I\'m writing." }'
)
TEXT = 'text = { es = "{customer}, soy {agent}.", en = "{customer}, this is {agent}." }'


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (WITHOUT_AGENT, "", "without_agent", "the text uses {agent}"),
        (WITHOUT_AGENT, WITHOUT_AGENT.replace("le escribo", "soy {agent}"),
         "without_agent.es", "must not use {agent}"),
        (WITHOUT_AGENT, WITHOUT_AGENT.replace("without_agent", "without_channel"),
         "without_agent", "the text uses {agent}"),
        ('en = "{customer}, this is {agent}." }', 'en = "{customer}, {agent} at {channel}." }',
         "text", "not both"),
        ("{customer}, this is {agent}.", "{customer}, this is {order}.", "text.en",
         "unknown placeholder {order}"),
    ],
)  # fmt: skip
def test_the_loader_refuses_wordings_that_cannot_read_right(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    with pytest.raises(PlaybookError) as caught:
        load(tmp_path, old, new)
    error = caught.value
    assert error.file.endswith("mini.toml") and error.field == field, str(error)
    assert problem in error.problem
    assert "variant 1" in error.where and "mini.toml" in str(error)


def test_an_unneeded_wording_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError) as caught:
        load(tmp_path, TEXT, TEXT.replace("{agent}", "Ana"))
    assert caught.value.field == "without_agent"
    assert "does not use {agent}" in caught.value.problem
