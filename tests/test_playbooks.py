"""Shipped playbooks load and cover the advice; the loader refuses every kind of bad data."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.core.base.model import CustomerKind, Reason
from bot.core.guidance.playbook import (
    REQUIRED_LANGUAGES,
    TEMPLATE_VARIABLES,
    Playbook,
    Text,
    render_template,
    template_fields,
)
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
from playbooks.loader import BUILTIN_DIR, load_playbook, load_playbooks

ADVICE_IDS = load_advice_ids()
READING_FILE = BUILTIN_DIR / "reading.toml"
VALUES = {
    "es": {
        "customer": "Hola, Lucía",
        "issue": "el problema con su pedido 48213",
        "agent": "Ana",
        "channel": "soporte@example.com",
        "case": "#12",
        "offers": "un reembolso",
    },
    "en": {
        "customer": "Hi Lucía",
        "issue": "the problem with your order 48213",
        "agent": "Ana",
        "channel": "support@example.com",
        "case": "#12",
        "offers": "a refund",
    },
}
#: Ids stored in the database and in button ids: renaming one breaks open cases.
STABLE_STEP_IDS = {
    "pause",
    "listen",
    "find-reason",
    "apologize",
    "first-reply",
    "solve",
    "take-offline",
    "let-go",
    "follow-up",
}
TIP_STEPS = {kind: f"tip-{kind.value}" for kind in CustomerKind if kind != CustomerKind.UNKNOWN}
INFORMAL_SPANISH = re.compile(r"\b(tú|tu|tus|te|ti|tienes|puedes|quieres|dime)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def shipped() -> tuple[Playbook, ...]:
    return load_playbooks([BUILTIN_DIR], ADVICE_IDS)


@pytest.fixture(scope="module")
def default(shipped: tuple[Playbook, ...]) -> Playbook:
    return next(p for p in shipped if p.id == "default")


def visible(
    playbook: Playbook,
    kind: CustomerKind = CustomerKind.UNKNOWN,
    flags: frozenset[str] = frozenset(),
    intensity: int = 2,
) -> list[str]:
    """Return the ids of the steps a case with these traits gets."""
    return [s.id for s in playbook.steps if s.when.matches(kind, Reason.DELIVERY, intensity, flags)]


def advice_in(value: Any) -> set[str]:
    """Collect every string in any `advice` array, anywhere in parsed TOML."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "advice" and isinstance(item, list):
                found.update(a for a in item if isinstance(a, str))
            found |= advice_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= advice_in(item)
    return found


def all_texts(playbook: Playbook) -> list[tuple[str, Text]]:
    """Every text of a playbook, with a label saying where it is."""
    texts = [("name", playbook.name)]
    for step in playbook.steps:
        texts += [(f"{step.id}.title", step.title), (f"{step.id}.guidance", step.guidance)]
    for suggestion in playbook.suggestions.values():
        texts.append((f"{suggestion.id}.label", suggestion.label))
        texts += [(f"{suggestion.id}.{n}", v.text) for n, v in enumerate(suggestion.variants)]
    texts += [(b.id, b.description) for b in playbook.behaviours]
    return texts


# --- the shipped data --------------------------------------------------------------------------


def test_shipped_playbooks_load_with_the_default_first(shipped: tuple[Playbook, ...]) -> None:
    assert shipped[0].id == "default"
    assert all(p.steps for p in shipped)


def test_every_advice_id_is_named_by_shipped_data(shipped: tuple[Playbook, ...]) -> None:
    named: set[str] = set().union(*(p.advice_ids() for p in shipped))
    if READING_FILE.exists():
        named |= advice_in(tomllib.loads(READING_FILE.read_text(encoding="utf-8")))
    assert sorted(ADVICE_IDS - named) == []


def test_default_playbook_matches_every_case(default: Playbook) -> None:
    for reason in Reason:
        assert default.selector.matches(reason, 0, "console")
    assert default.selector.priority == 0


def test_stable_step_ids_are_still_there(default: Playbook) -> None:
    assert {s.id for s in default.steps} >= STABLE_STEP_IDS


def test_a_calm_unknown_customer_still_gets_the_core_steps(default: Playbook) -> None:
    steps = visible(default, intensity=0)
    assert steps[:3] == ["pause", "listen", "find-reason"]
    assert {"apologize", "first-reply", "solve", "follow-up"} <= set(steps)
    assert not set(steps) & set(TIP_STEPS.values())


def test_rude_customer_gets_the_rude_tip_and_a_meticulous_one_does_not(default: Playbook) -> None:
    assert "tip-rude" in visible(default, CustomerKind.RUDE)
    assert "tip-rude" not in visible(default, CustomerKind.METICULOUS)


@pytest.mark.parametrize("kind", list(TIP_STEPS))
def test_each_kind_gets_exactly_its_own_tip(default: Playbook, kind: CustomerKind) -> None:
    tips = [s for s in visible(default, kind) if s in TIP_STEPS.values()]
    assert tips == [TIP_STEPS[kind]]


@pytest.mark.parametrize(
    ("flag", "step_id"),
    [
        ("refused", "let-go"),
        ("unjustified", "defend"),
        ("chronic", "evaluate-customer"),
        ("reopened", "reopened"),
    ],
)
def test_flagged_steps_appear_only_with_their_flag(
    default: Playbook, flag: str, step_id: str
) -> None:
    assert step_id not in visible(default)
    assert step_id in visible(default, flags=frozenset({flag}))
    assert step_id in visible(default, flags=frozenset({flag, "public-threat"}))


def test_take_offline_only_from_intensity_two(default: Playbook) -> None:
    assert "take-offline" not in visible(default, intensity=1)
    assert "take-offline" in visible(default, intensity=2)


def test_every_text_renders_with_all_variables_in_both_languages(
    shipped: tuple[Playbook, ...],
) -> None:
    for playbook in shipped:
        for label, text in all_texts(playbook):
            for language in REQUIRED_LANGUAGES:
                template = text.get(language)
                rendered = render_template(template, VALUES[language])
                assert "{" not in rendered and "}" not in rendered, (label, language)
                for name in template_fields(template):
                    assert VALUES[language][name] in rendered, (label, language, name)
            assert text.get("es") != text.get("en"), f"{label} is not translated"


def test_replies_use_only_known_placeholders_and_address_the_customer(default: Playbook) -> None:
    for suggestion in default.suggestions.values():
        for variant in suggestion.variants:
            for language in REQUIRED_LANGUAGES:
                fields = template_fields(variant.text.get(language))
                assert fields <= TEMPLATE_VARIABLES
                assert "customer" in fields, (suggestion.id, language)


def test_spanish_replies_use_usted(default: Playbook) -> None:
    for suggestion in default.suggestions.values():
        for variant in suggestion.variants:
            spanish = variant.text.get("es")
            assert not INFORMAL_SPANISH.search(spanish), (suggestion.id, spanish)


def test_first_reply_adapts_to_the_kind_of_customer(default: Playbook) -> None:
    first = default.suggestions["first-reply"]
    general = first.variant_for(CustomerKind.UNKNOWN)
    assert not general.kinds
    for kind in (CustomerKind.RUDE, CustomerKind.METICULOUS, CustomerKind.INDECISIVE):
        assert kind in first.variant_for(kind).kinds
        assert first.variant_for(kind) != general


def test_let_go_reply_regrets_the_missing_agreement(default: Playbook) -> None:
    text = default.suggestions["let-go"].variant_for(CustomerKind.UNKNOWN).text
    assert "no hayamos podido llegar a un acuerdo" in text.get("es")
    assert "could not reach an agreement" in text.get("en")


def test_guidance_is_short_enough_to_read_in_a_busy_shift(default: Playbook) -> None:
    for step in default.steps:
        for language in REQUIRED_LANGUAGES:
            guidance = step.guidance.get(language)
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", guidance) if s]
            assert len(guidance) <= 280 and len(sentences) <= 4, (step.id, language)


# --- validation ----------------------------------------------------------------------------------

VALID = """
id = "mini"
name = { es = "Mini", en = "Mini" }

[selector]
reasons = ["delivery"]
priority = 5

[[steps]]
id = "listen"
title = { es = "Escucha", en = "Listen" }
guidance = { es = "Deja que termine.", en = "Let them finish." }
advice = ["listen"]
suggestion = "first-reply"

[steps.when]
kinds = ["rude"]
min_intensity = 1

[suggestions.first-reply]
label = { es = "Primera", en = "First" }
advice = ["acknowledge"]

[[suggestions.first-reply.variants]]
text = { es = "Hola {customer}", en = "Hello {customer}" }

[[suggestions.first-reply.variants]]
kinds = ["rude", "talkative"]
text = { es = "Calma, {customer}", en = "Easy, {customer}" }

[[behaviours]]
id = "timeline"
description = { es = "Anota", en = "Records" }
advice = ["document"]
"""


def write(directory: Path, content: str, name: str = "bad.toml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(content, encoding="utf-8")
    return path


def refused(tmp_path: Path, old: str, new: str) -> PlaybookError:
    """Load VALID with `old` replaced by `new`; return the error it must raise."""
    assert VALID.count(old) == 1, old
    path = write(tmp_path, VALID.replace(old, new))
    with pytest.raises(PlaybookError) as info:
        load_playbook(path, ADVICE_IDS)
    assert info.value.file == str(path)
    assert str(path) in str(info.value)
    return info.value


def assert_names(error: PlaybookError, where: str, field: str, *words: str) -> None:
    assert (error.where, error.field) == (where, field), str(error)
    message = str(error)
    assert where in message and f"'{field}'" in message
    for word in words:
        assert word in message


def test_the_minimal_playbook_is_valid(tmp_path: Path) -> None:
    playbook = load_playbook(write(tmp_path, VALID), ADVICE_IDS)
    assert playbook.id == "mini"
    assert playbook.selector.priority == 5 and playbook.selector.reasons == {Reason.DELIVERY}
    assert playbook.steps[0].when.kinds == {CustomerKind.RUDE}
    assert playbook.steps[0].when.min_intensity == 1
    assert playbook.advice_ids() == {"listen", "acknowledge", "document"}


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    error = refused(tmp_path, 'advice = ["listen"]', 'advice = ["listen"')
    assert error.field == "syntax"
    assert re.fullmatch(r"line \d+", error.where), error.where


def test_unknown_advice_id(tmp_path: Path) -> None:
    error = refused(tmp_path, 'advice = ["listen"]', 'advice = ["listen", "shout-back"]')
    assert_names(error, "step 'listen'", "advice", "shout-back")


def test_unknown_advice_id_in_a_suggestion(tmp_path: Path) -> None:
    error = refused(tmp_path, 'advice = ["acknowledge"]', 'advice = ["acknowledgement"]')
    assert_names(error, "suggestion 'first-reply'", "advice", "acknowledgement")


def test_unknown_advice_id_in_a_behaviour(tmp_path: Path) -> None:
    error = refused(tmp_path, 'advice = ["document"]', 'advice = ["documents"]')
    assert_names(error, "behaviour 'timeline'", "advice", "documents")


def test_duplicate_step_id(tmp_path: Path) -> None:
    second = '[[steps]]\nid = "listen"\ntitle = { es = "b", en = "b" }\n'
    second += 'guidance = { es = "b", en = "b" }\nadvice = []\n\n[suggestions.first-reply]'
    error = refused(tmp_path, "[suggestions.first-reply]", second)
    assert_names(error, "step 'listen'", "id", "duplicate")


def test_duplicate_behaviour_id(tmp_path: Path) -> None:
    twice = VALID[VALID.index("[[behaviours]]") :]
    error = refused(tmp_path, 'advice = ["document"]\n', 'advice = ["document"]\n\n' + twice)
    assert_names(error, "behaviour 'timeline'", "id", "duplicate")


def test_missing_language_in_guidance(tmp_path: Path) -> None:
    error = refused(tmp_path, ', en = "Let them finish." }', " }")
    assert_names(error, "step 'listen'", "guidance.en", "missing")


def test_missing_language_in_a_variant(tmp_path: Path) -> None:
    error = refused(tmp_path, 'es = "Calma, {customer}", ', "")
    assert_names(error, "suggestion 'first-reply' variant 2", "text.es", "missing")


@pytest.mark.parametrize("placeholder", ["{client}", "{customer.name}", "{0}", "{}"])
def test_unknown_placeholder(tmp_path: Path, placeholder: str) -> None:
    error = refused(tmp_path, '"Hello {customer}"', f'"Hello {placeholder}"')
    assert_names(error, "suggestion 'first-reply' variant 1", "text.en", "placeholder")


def test_placeholder_with_a_format_spec(tmp_path: Path) -> None:
    error = refused(tmp_path, '"Hello {customer}"', '"Hello {customer!r}"')
    assert_names(error, "suggestion 'first-reply' variant 1", "text.en", "no format")


@pytest.mark.parametrize("broken", ["Hola {customer", "Hola customer}", "Hola {{customer}"])
def test_malformed_braces(tmp_path: Path, broken: str) -> None:
    error = refused(tmp_path, '"Hola {customer}"', f'"{broken}"')
    assert_names(error, "suggestion 'first-reply' variant 1", "text.es", "malformed")


def test_placeholder_in_guidance_is_checked_too(tmp_path: Path) -> None:
    error = refused(tmp_path, '"Let them finish."', '"Let {name} finish."')
    assert_names(error, "step 'listen'", "guidance.en", "{name}")


def test_unknown_suggestion_reference(tmp_path: Path) -> None:
    error = refused(tmp_path, 'suggestion = "first-reply"', 'suggestion = "frist-reply"')
    assert_names(error, "step 'listen'", "suggestion", "frist-reply")


def test_unknown_kind_in_a_condition(tmp_path: Path) -> None:
    error = refused(tmp_path, 'kinds = ["rude"]', 'kinds = ["grumpy"]')
    assert_names(error, "step 'listen'", "when.kinds", "grumpy")


def test_unknown_kind_in_a_variant(tmp_path: Path) -> None:
    error = refused(tmp_path, '["rude", "talkative"]', '["rude", "chatty"]')
    assert_names(error, "suggestion 'first-reply' variant 2", "kinds", "chatty")


def test_unknown_reason_in_a_condition(tmp_path: Path) -> None:
    error = refused(tmp_path, "min_intensity = 1", 'min_intensity = 1\nreasons = ["weather"]')
    assert_names(error, "step 'listen'", "when.reasons", "weather")


def test_unknown_reason_in_the_selector(tmp_path: Path) -> None:
    error = refused(tmp_path, 'reasons = ["delivery"]', 'reasons = ["weather"]')
    assert_names(error, "selector", "reasons", "weather")


def test_unknown_flag(tmp_path: Path) -> None:
    error = refused(tmp_path, "min_intensity = 1", 'flags = ["furious"]')
    assert_names(error, "step 'listen'", "when.flags", "furious")


@pytest.mark.parametrize("value", ["4", "-1"])
def test_min_intensity_outside_the_scale(tmp_path: Path, value: str) -> None:
    error = refused(tmp_path, "min_intensity = 1", f"min_intensity = {value}")
    assert_names(error, "step 'listen'", "when.min_intensity", "0..3")


def test_selector_min_intensity_outside_the_scale(tmp_path: Path) -> None:
    error = refused(tmp_path, "priority = 5", "priority = 5\nmin_intensity = 7")
    assert_names(error, "selector", "min_intensity", "0..3")


def test_missing_required_field(tmp_path: Path) -> None:
    error = refused(tmp_path, 'title = { es = "Escucha", en = "Listen" }\n', "")
    assert_names(error, "step 'listen'", "title", "missing")


def test_missing_step_id_names_the_step_by_number(tmp_path: Path) -> None:
    error = refused(tmp_path, 'id = "listen"\n', "")
    assert_names(error, "step 1", "id", "missing")


def test_step_id_must_be_kebab_case(tmp_path: Path) -> None:
    error = refused(tmp_path, 'id = "listen"', 'id = "Listen now"')
    assert_names(error, "step 1", "id", "kebab-case")


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ('advice = ["listen"]', 'advice = "listen"', "advice", "array of strings"),
        ('title = { es = "Escucha", en = "Listen" }', 'title = "Listen"', "title", "table"),
        ("min_intensity = 1", 'min_intensity = "1"', "when.min_intensity", "integer"),
        ('en = "Listen" }', "en = 3 }", "title.en", "string"),
    ],
)
def test_wrong_type(tmp_path: Path, old: str, new: str, field: str, expected: str) -> None:
    error = refused(tmp_path, old, new)
    assert_names(error, "step 'listen'", field, expected)


def test_misspelt_key_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, "guidance = {", "guidence = {")
    assert_names(error, "step 'listen'", "guidence", "did you mean 'guidance'")


def test_unknown_key_in_a_condition(tmp_path: Path) -> None:
    error = refused(tmp_path, "min_intensity = 1", "min_intensty = 1")
    assert_names(error, "step 'listen'", "when.min_intensty", "min_intensity")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    error = refused(tmp_path, 'id = "mini"', 'id = "mini"\nauthor = "ana"')
    assert_names(error, "playbook", "author", "unknown field")


def test_empty_steps(tmp_path: Path) -> None:
    start, end = VALID.index("[selector]"), VALID.index("[suggestions.first-reply]")
    error = refused(tmp_path, VALID[start:end], "steps = []\n\n")
    assert_names(error, "playbook", "steps", "at least one step")


def test_suggestion_without_a_general_variant(tmp_path: Path) -> None:
    general = '[[suggestions.first-reply.variants]]\ntext = { es = "Hola {customer}", '
    general += 'en = "Hello {customer}" }\n\n'
    error = refused(tmp_path, general, "")
    assert_names(error, "suggestion 'first-reply'", "variants", "general variant")


def test_duplicate_playbook_id_across_directories(tmp_path: Path) -> None:
    write(tmp_path / "team-a", VALID, "mini.toml")
    second = write(tmp_path / "team-b", VALID, "also-mini.toml")
    with pytest.raises(PlaybookError) as info:
        load_playbooks([tmp_path / "team-a", tmp_path / "team-b"], ADVICE_IDS)
    assert info.value.file == str(second)
    assert_names(info.value, "playbook", "id", "duplicate playbook id 'mini'")


def test_a_team_directory_adds_playbooks_and_skips_non_playbook_files(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write(team, VALID, "mini.toml")
    write(team, "not = [a playbook", "reading.toml")
    write(team, "not = [a playbook", "advice.toml")
    loaded = load_playbooks([BUILTIN_DIR, team], ADVICE_IDS)
    ids = [p.id for p in loaded]
    assert ids[0] == "default" and "mini" in ids


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError) as info:
        load_playbooks([tmp_path / "nowhere"], ADVICE_IDS)
    assert info.value.file == str(tmp_path / "nowhere")
