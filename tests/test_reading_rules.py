"""Loading the reading rules (reading.toml): the shipped file, and errors that name the
file, entry and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.base.model import CustomerKind, Reason
from bot.core.guidance.playbook import ReadingRules
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
from playbooks.rules import RULES_FILE, load_rules


@pytest.fixture(scope="module")
def rules() -> ReadingRules:
    return load_rules(RULES_FILE, load_advice_ids())


# ---------------------------------------------------------------- loading the rules


def test_shipped_rules_cover_every_kind_and_reason(rules: ReadingRules) -> None:
    assert set(rules.kinds) == set(CustomerKind) - {CustomerKind.UNKNOWN}
    assert set(rules.reasons) == set(Reason) - {Reason.OTHER}
    assert set(rules.reason_names) == set(Reason)
    for rule in rules.kinds.values():
        assert rule.advice == (f"type-{rule.kind.value}",)
        assert set(rule.treatment.by_language) == {"es", "en"}
    assert rules.order_with_ref.get("es").format(ref="48213") == "el pedido 48213"
    assert rules.order_without_ref.get("en") == "your order"


def write_rules(tmp_path: Path, old: str, new: str) -> Path:
    text = RULES_FILE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "reading.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


RUDE_CUES_EN = (
    'en = [\n  "who the hell", "the hell", "shut up", "bunch of", "screw you",\n'
    '  "sucks", "piss poor", "pissed", "wtf", "damn", "incompetence", "jokers", "hacks",\n'
    '  "morons", "wack", "bullshit", "ur fired", "you\'re fired",\n]\n'
)


@pytest.mark.parametrize(
    ("old", "new", "where", "field", "problem"),
    [
        ("[reasons.other]", "[reasons.misc]", "reasons", "misc", "unknown key"),
        ("[kinds.rude]", "[kinds.grumpy]", "kinds", "grumpy", "unknown key"),
        (RUDE_CUES_EN, "", "kinds.rude", "cues", "missing language 'en'"),
        ("treatment.en = \"Never", "# \"Never", "kinds.rude", "treatment", "missing language"),
        ('advice = ["type-rude"]', 'advice = ["type-grumpy"]', "kinds.rude", "advice", "unknown"),
        ('advice = ["type-rude"]', 'advice = "type-rude"', "kinds.rude", "advice", "list"),
        ('languages = ["es", "en"]', 'languages = ["es"]', "top", "languages", "'en'"),
        ('languages = ["es", "en"]', 'languages = "es"', "top", "languages", "list"),
        ('advice = ["type-rude"]', 'colour = "red"\nadvice = ["type-rude"]', "kinds.rude",
         "colour", "unknown key"),
        ('pedido {ref}"', 'pedido {pedido}"', "top", "order_with_ref.es", "{ref}"),
        ('"panda de"]', '"panda de", "**"]', "kinds.rude", "cues.es", "malformed"),
        ('"panda de"]', '"panda de", 7]', "kinds.rude", "cues.es", "string"),
        ('es = ["que asco"', 'fr = ["x"]\nes = ["que asco"', "kinds.rude", "cues.fr", "language"),
        ('[reasons.other]\nname = { es = "otro", en = "other" }', "", "reasons", "other",
         "missing"),
    ],
)  # fmt: skip
def test_loader_names_file_entry_and_field(
    tmp_path: Path, old: str, new: str, where: str, field: str, problem: str
) -> None:
    path = write_rules(tmp_path, old, new)
    with pytest.raises(PlaybookError) as caught:
        load_rules(path, load_advice_ids())
    error = caught.value
    assert (error.file, error.where, error.field) == ("reading.toml", where, field)
    assert problem in error.problem
    assert "reading.toml" in str(error) and field in str(error)


OPTIONAL_LISTS = (
    "polite", "strong_words", "displeasure", "repeat_contact", "legal_threats", "escalations",
    "short_shouts", "not_threats",
)  # fmt: skip


def write_without(tmp_path: Path, name: str, spanish: bool, instead: str = "") -> Path:
    """Write the shipped rules with a list's Spanish (or the whole list) replaced."""
    text = RULES_FILE.read_text(encoding="utf-8")
    block = rf"(?<=\[{name}\]\n)es = \[.*?\]\n"
    if not spanish:
        block = rf"\[{name}\]\nes = \[.*?\]\nen = \[.*?\]\n"
    changed, count = re.subn(block, instead, text, count=1, flags=re.DOTALL)
    assert count == 1, name
    path = tmp_path / "reading.toml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_shipped_rules_have_every_optional_list(rules: ReadingRules) -> None:
    for name in OPTIONAL_LISTS:
        assert set(getattr(rules, name)) == {"es", "en"}, name
        assert all(getattr(rules, name).values()), name


@pytest.mark.parametrize("name", OPTIONAL_LISTS)
def test_optional_list_missing_a_language_is_named(tmp_path: Path, name: str) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_rules(write_without(tmp_path, name, spanish=True), load_advice_ids())
    error = caught.value
    assert (error.file, error.where, error.field) == ("reading.toml", name, name)
    assert "missing language 'es'" in error.problem


@pytest.mark.parametrize("name", OPTIONAL_LISTS)
def test_optional_list_of_the_wrong_type_is_named(tmp_path: Path, name: str) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_rules(write_without(tmp_path, name, True, 'es = "x"\n'), load_advice_ids())
    error = caught.value
    assert (error.file, error.where, error.field) == ("reading.toml", name, f"{name}.es")
    assert "must be a list of strings, not str" in error.problem


def test_optional_list_that_is_not_a_table_is_named(tmp_path: Path) -> None:
    path = write_without(tmp_path, "legal_threats", spanish=False)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("languages = ", 'legal_threats = "sue"\nlanguages = ', 1))
    with pytest.raises(PlaybookError) as caught:
        load_rules(path, load_advice_ids())
    error = caught.value
    assert (error.where, error.field) == ("legal_threats", "legal_threats")
    assert "must be a table" in error.problem


@pytest.mark.parametrize("name", OPTIONAL_LISTS)
def test_optional_list_may_be_left_out(tmp_path: Path, name: str) -> None:
    loaded = load_rules(write_without(tmp_path, name, spanish=False), load_advice_ids())
    assert getattr(loaded, name) == {}


@pytest.mark.parametrize(
    ("old", "new", "where", "field", "problem"),
    [
        ("[polite]\n", "[polite]\nfr = [\"merci\"]\n", "polite", "polite.fr", "language"),
        ("[strong_words]\nes = [", "[strong_words]\nes = [7, ", "strong_words",
         "strong_words.es", "string"),
        ("[repeat_contact]\nes = [", "[repeat_contact]\nes = [\"**\", ", "repeat_contact",
         "repeat_contact.es", "malformed"),
        ("[displeasure]\n", "[displeasure]\nlevel = 2\n", "displeasure", "displeasure.level",
         "language"),
        ("[escalations]\n", "[escalation]\nes = []\nen = []\n[escalations]\n", "top",
         "escalation", "unknown key"),
        ('es = ["ya", ', 'es = ["nunca", ', "short_shouts", "short_shouts.es", "three letters"),
        ('es = ["ya", ', 'es = ["y*", ', "short_shouts", "short_shouts.es", "stem"),
        ('es = ["ya", ', 'es = ["ya no", ', "short_shouts", "short_shouts.es", "one word"),
    ],
)  # fmt: skip
def test_optional_lists_are_validated(
    tmp_path: Path, old: str, new: str, where: str, field: str, problem: str
) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_rules(write_rules(tmp_path, old, new), load_advice_ids())
    error = caught.value
    assert (error.file, error.where, error.field) == ("reading.toml", where, field)
    assert problem in error.problem


def test_loader_reports_toml_syntax(tmp_path: Path) -> None:
    path = write_rules(tmp_path, "[kinds.rude]", "[kinds.rude")
    with pytest.raises(PlaybookError) as caught:
        load_rules(path, load_advice_ids())
    assert (caught.value.file, caught.value.field) == ("reading.toml", "(syntax)")


def test_loader_rejects_advice_outside_the_inventory() -> None:
    with pytest.raises(PlaybookError) as caught:
        load_rules(RULES_FILE, frozenset({"type-rude"}))
    assert caught.value.field == "advice"
