"""Reading complaints: accuracy on the labelled set, against floors per subset.

Evidence and signals are in test_reading_signals.py, edge cases and language in
test_reading_edge_cases.py, loading reading.toml in test_reading_rules.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.reading_accuracy import accuracy, in_subset, load_labelled
from bot.core.base.model import CustomerKind, Impact, Reading, Reason
from bot.core.guidance.playbook import ReadingRules
from bot.core.reading.reader import read_complaint
from bot.langdetect import LinguaDetector
from playbooks.advice import load_advice_ids
from playbooks.rules import RULES_FILE, load_rules

#: Measured with bench/reading_accuracy.py, minus a margin. "held-out" is every
#: held-out batch (`holdout = true` and `"v2"`); "v2" alone is the batch written
#: before the tone and escalation rules and never tuned on (v2 measured before
#: those rules: reason 77%, kind 81%, intensity 50%, ±1 81%, impact 38%; after:
#: 73%, 81%, 73%, 96%, 69%). The first batch was tuned on with those rules, so
#: v2 is the honest estimate for new wording.
FLOORS = {
    "all": {
        "language": 0.95,
        "reason": 0.87,
        "kind": 0.90,
        "intensity": 0.82,
        "intensity±1": 0.95,
        "impact": 0.79,
    },
    "held-out": {
        "language": 0.95,
        "reason": 0.81,
        "kind": 0.86,
        "intensity": 0.75,
        "intensity±1": 0.93,
        "impact": 0.69,
    },
    "v2": {
        "language": 0.95,
        "reason": 0.65,
        "kind": 0.73,
        "intensity": 0.65,
        "intensity±1": 0.88,
        "impact": 0.61,
    },
}


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


@pytest.fixture(scope="module")
def detector() -> LinguaDetector:
    return LinguaDetector(["es", "en"])


@pytest.fixture(scope="module")
def labelled() -> list[dict[str, Any]]:
    return load_labelled()


@pytest.fixture(scope="module")
def readings(
    labelled: list[dict[str, Any]], rules: ReadingRules, detector: LinguaDetector
) -> list[Reading]:
    return [
        read_complaint(c["text"], rules=rules, detector=detector, default_language="es")
        for c in labelled
    ]


# ---------------------------------------------------------------- the labelled set


def test_labelled_set_is_varied(labelled: list[dict[str, Any]]) -> None:
    languages = [c["language"] for c in labelled]
    assert len(labelled) >= 44
    assert languages.count("es") == languages.count("en")
    for kind in CustomerKind:
        assert sum(c["kind"] == kind.value for c in labelled) >= 2, kind
    for reason in Reason:
        assert any(c["reason"] == reason.value for c in labelled), reason
    assert {c["intensity"] for c in labelled} == {0, 1, 2, 3}
    assert {c["impact"] for c in labelled} == {i.value for i in Impact}


@pytest.mark.parametrize(("subset", "reading"), [(s, r) for s in FLOORS for r in FLOORS[s]])
def test_accuracy_floor(
    subset: str, reading: str, labelled: list[dict[str, Any]], readings: list[Reading]
) -> None:
    pairs = [(c, r) for c, r in zip(labelled, readings, strict=True) if in_subset(c, subset)]
    share = accuracy([c for c, _ in pairs], [r for _, r in pairs])[reading]
    assert share >= FLOORS[subset][reading], f"{subset} {reading}: {share:.1%}"
