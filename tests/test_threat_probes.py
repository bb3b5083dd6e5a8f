"""Threats read by families of phrasing, on hand-written probes (issue 14, session 13).

tests/data/threat_probes.txt holds several hundred short sentences in English and Spanish, in
seven domains, with near-misses; every one must read as labelled, except the few listed in
KNOWN_MISSES (each must still miss, so the list stays true). The three fresh files were each
written before a round of rule changes and scored after it (see each file's head); later rounds
saw their misses, so their floors only keep a change from losing what the families generalise
to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.threat_probes import PROBES_FILE, Probe, load_probes, score_rows, threats_read
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.signals import negated
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules

#: Probes the rules still read wrong, and why they are left so.
KNOWN_MISSES = {
    "El juzgado de guardia está al lado del hotel.": (
        "a court named as a place: 'juzgado' alone is a legal threat in the corpus"
    ),
}
#: Each fresh file's pooled precision and recall floor: what session 13 left, rounded down
#: (before session 13: 0.89/0.54, 0.90/0.59, 0.91/0.64 and 0.95/0.46; when each was first
#: scored, unfitted: 0.92/0.61, 0.95/0.69, 0.95/0.70 and 0.95/0.51).
FRESH_FLOORS = {
    "threat_probes_fresh.txt": (0.90, 0.70),
    "threat_probes_fresh2.txt": (0.95, 0.85),
    "threat_probes_fresh3.txt": (0.95, 0.95),
    "threat_probes_tweets.txt": (0.95, 0.90),
    # 0.94/0.79 before session 13, 0.97/0.87 unfitted at cc7ff68, 1.00/0.97 once fitted
    "threat_probes_final.txt": (0.95, 0.95),
}
PROBES = load_probes()


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


def _label(probe: Probe) -> str:
    return ",".join(sorted(probe.threats)) or "none"


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: f"{p.line}-{p.language}-{_label(p)}")
def test_a_probe_reads_as_labelled(probe: Probe, rules: ReadingRules) -> None:
    found = threats_read(probe, rules)
    if probe.text in KNOWN_MISSES:
        assert found != probe.threats, f"fixed: drop it from KNOWN_MISSES ({probe.text})"
    else:
        assert found == probe.threats, probe.text


def test_the_probe_set_is_large_and_covers_both_languages_and_every_threat() -> None:
    assert len(PROBES) >= 300
    for language in ("en", "es"):
        mine = [p for p in PROBES if p.language == language]
        assert sum(not p.threats for p in mine) >= 30
        for threat in ("leave", "public", "legal"):
            assert sum(threat in p.threats for p in mine) >= 30


@pytest.mark.parametrize("name", FRESH_FLOORS)
def test_the_fresh_probes_keep_their_floor(name: str, rules: ReadingRules) -> None:
    rows = {
        (t, lang): score
        for t, lang, score in score_rows(load_probes(PROBES_FILE.with_name(name)), rules)
    }
    precision, recall, _, labelled = rows[("pooled", "all")]
    assert labelled >= 30
    assert precision >= FRESH_FLOORS[name][0] and recall >= FRESH_FLOORS[name][1], (
        precision,
        recall,
    )


def test_a_malformed_probe_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "probes.txt"
    path.write_text("# a comment\nen | leave | Never again.\nen | angry | So rude.\n")
    with pytest.raises(ValueError, match="line 3"):
        load_probes(path)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("si no lo arreglan me doy de baja", "me doy de baja"),
        ("no funciona nada y me doy de baja", "me doy de baja"),
        ("if not refunded i'm closing my account", "closing my account"),
        ("nothing works so i'm cancelling my account", "cancelling my account"),
    ],
)
def test_a_negation_that_is_another_verbs_does_not_turn_a_threat_round(
    text: str, phrase: str, rules: ReadingRules
) -> None:
    language = "es" if " me " in f" {text} " else "en"
    assert not negated(text, text.index(phrase), rules.negation[language], threat=True)


@pytest.mark.parametrize(
    ("text", "phrase", "language"),
    [
        ("no me voy a cambiar de compañía", "cambiar de compañía", "es"),
        ("i don't want to cancel my account", "cancel my account", "en"),
        ("i'm not going to be cancelling my plan", "cancelling my plan", "en"),
    ],
)
def test_a_negation_over_a_verb_phrase_turns_a_threat_round(
    text: str, phrase: str, language: str, rules: ReadingRules
) -> None:
    assert negated(text, text.index(phrase), rules.negation[language], threat=True)


def test_no_need_is_no_negation(rules: ReadingRules) -> None:
    text = "no need to be a loyal customer anymore"
    assert not negated(text, text.index("loyal"), rules.negation["en"], threat=True)


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        ("My friend switched to your bank last year and loves it.", False),
        ("My husband will never, after that trip, fly with you again.", False),
        ("The lady next to me said she would never fly again after that landing.", False),
        ("My wife and I will never fly with you again.", True),
        ("He told me to complain, and I will never fly with you again.", True),
    ],
)
def test_a_threat_someone_else_makes_is_not_the_customers(
    text: str, threat: bool, rules: ReadingRules
) -> None:
    probe = Probe("en", frozenset(), text, 0)
    assert ("leave" in threats_read(probe, rules)) is threat
