"""Threat windows (issue 14): a threat's words standing apart in one clause, as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.guidance.playbook import ReadingRules, ThreatWindow
from bot.core.reading.reader import folded_text, intensity_of
from bot.core.reading.windows import window_hits
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
from playbooks.rules import RULES_FILE, load_rules


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


def _window(*steps: set[str], reach: tuple[int, ...] = ()) -> ThreatWindow:
    return ThreatWindow("leave", tuple(frozenset(step) for step in steps), reach)


def _spans(text: str, window: ThreatWindow, rules: ReadingRules) -> list[str]:
    return [
        hit.words for hit in window_hits(folded_text(text, rules), [window], ["leave"])["leave"]
    ]


def test_a_window_quotes_the_span_from_its_first_step_to_its_last(rules: ReadingRules) -> None:
    window = _window({"will not", "never"}, {"fly*"}, {"again"})
    text = "Honestly. I will not, after the way your crew treated us, FLY with you again!"
    assert _spans(text, window, rules) == [
        "will not, after the way your crew treated us, FLY with you again"
    ]


def test_a_window_never_spans_a_new_clause_or_sentence(rules: ReadingRules) -> None:
    window = _window({"never"}, {"use"}, {"again"})
    assert _spans("I never use the app, but the site broke again.", window, rules) == []
    assert _spans("I never use the app. The site broke again.", window, rules) == []


def test_a_window_keeps_to_its_reach(rules: ReadingRules) -> None:
    window = _window({"moving"}, {"another"}, {"bank"}, reach=(5, 2))
    assert _spans("We are moving our savings to another bank.", window, rules)
    assert not _spans("We are moving another time to the city, near the bank.", window, rules)
    assert not _spans("Moving our old car, the sofa, the beds and another bank.", window, rules)


def test_a_last_step_of_dollar_is_the_end_of_the_sentence(rules: ReadingRules) -> None:
    window = _window({"i'm"}, {"out"}, {"$"}, reach=(1, 0))
    assert _spans("That's strike three. I'm out #fail @united", window, rules) == ["I'm out"]
    assert _spans("I'm out of the country until Monday.", window, rules) == []


def test_a_window_threat_is_read_only_when_no_phrase_says_it(rules: ReadingRules) -> None:
    _, signals = intensity_of("I am posting what we saw on Tripadvisor tonight.", rules, "en")
    assert [s.detail for s in signals if s.name == "public-threat"] == [
        "posting what we saw on Tripadvisor"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "I'm not moving all our corporate travel away from you, just fix it.",
        "My husband will never, after that trip, fly with you again.",
    ],
)
def test_a_window_threat_is_turned_round_like_a_phrase(text: str, rules: ReadingRules) -> None:
    _, signals = intensity_of(text, rules, "en")
    assert "leave-threat" not in {s.name for s in signals}


def _rules_with(tmp_path: Path, window: str) -> Path:
    path = tmp_path / "reading.toml"
    path.write_text(RULES_FILE.read_text(encoding="utf-8") + "\n" + window, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("window", "field", "problem"),
    [
        ('threat = "angry"\nlanguage = "en"\nsteps = [["a"], ["b"]]', "threat", "must be one of"),
        ('threat = "leave"\nlanguage = "fr"\nsteps = [["a"], ["b"]]', "language", "not in"),
        ('threat = "leave"\nlanguage = "en"\nsteps = [["a"]]', "steps", "2 to 4"),
        ('threat = "leave"\nlanguage = "en"\nsteps = [["a"], []]', "steps", "at least one"),
        ('threat = "leave"\nlanguage = "en"\nsteps = [["a b c"], ["d"]]', "steps", "'a b c'"),
        ('threat = "leave"\nlanguage = "en"\nsteps = [["fly*s"], ["d"]]', "steps", "'fly*s'"),
        ('threat = "leave"\nlanguage = "en"\nreach = [1, 2]\nsteps = [["a"], ["b"]]', "reach", "1"),
        ('threat = "leave"\nlanguage = "en"\nreach = -1\nsteps = [["a"], ["b"]]', "reach", "0 or"),
        ('threat = "leave"\nlanguage = "en"\nsteps = [["a"], ["b"]]\nwhy = 1', "why", "unknown"),
        ('threat = "leave"\nlanguage = "en"\nsteps = [["$"], ["b"]]', "steps", "must be the last"),
        ('threat = "leave"\nlanguage = "en"\nsteps = [["a"], ["$", "b"]]', "steps", "'$'"),
    ],
)
def test_a_bad_window_is_named_with_its_file_and_field(
    tmp_path: Path, window: str, field: str, problem: str
) -> None:
    path = _rules_with(tmp_path, "[[threat_windows]]\n" + window + "\n")
    with pytest.raises(PlaybookError) as caught:
        load_rules(path, load_advice_ids())
    error = caught.value
    assert error.file == "reading.toml"
    assert error.where.startswith("threat_windows[")
    assert error.field == field
    assert problem in error.problem


def test_the_shipped_windows_cover_every_language(rules: ReadingRules) -> None:
    assert set(rules.threat_windows) == {"en", "es"}
    for windows in rules.threat_windows.values():
        assert {"leave", "public"} <= {window.threat for window in windows}
