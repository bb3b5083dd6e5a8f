"""Reading complaints: accuracy on the labelled set, evidence, edge cases, rule loading."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bench.reading_accuracy import accuracy, in_subset, load_labelled
from bot.core.model import CustomerKind, History, Impact, Reading, Reason, Signal
from bot.core.playbook import ReadingRules
from bot.core.reading import assess_history, intensity_of, read_complaint
from bot.core.reading_refs import find_order_ref
from bot.core.reading_signals import MAX_SIGNALS
from bot.core.reading_text import FoldedText
from bot.langdetect import LinguaDetector
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
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

LUCIA = (
    "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! Si no me "
    "devuelven el dinero no vuelvo a comprar y lo cuento en todas las redes."
)


class FixedDetector:
    """A detector that always answers the same, to test the fallbacks."""

    def __init__(self, code: str | None, confidence: float) -> None:
        self.answer = (code, confidence)

    def detect(self, text: str) -> tuple[str | None, float]:
        return self.answer


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


NO_HISTORY = History()


def read(text: str, rules: ReadingRules, detector: Any, history: History = NO_HISTORY) -> Reading:
    return read_complaint(
        text, rules=rules, detector=detector, default_language="es", history=history
    )


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


# ---------------------------------------------------------------- evidence


def test_angry_complaint_quotes_its_evidence(rules: ReadingRules, detector: Any) -> None:
    reading = read(LUCIA, rules, detector)
    assert reading.language == "es"
    assert reading.reason is Reason.DELIVERY
    assert reading.intensity == 3
    assert reading.impact is Impact.HIGH
    assert reading.order_ref == "48213"
    assert reading.flags == {"public-threat", "leave-threat"}
    evidence = set(reading.intensity_evidence)
    assert Signal("capitals", "TRES") in evidence
    assert Signal("exclamations", "!!!") in evidence
    assert Signal("leave-threat", "no vuelvo a comprar") in evidence
    assert Signal("public-threat", "todas las redes") in evidence
    assert Signal("leave-threat", "no vuelvo a comprar") in reading.impact_evidence


def test_insults_make_a_rude_customer_and_are_quoted(rules: ReadingRules, detector: Any) -> None:
    reading = read("Sois unos inútiles, la lavadora vino rota.", rules, detector)
    assert reading.kind is CustomerKind.RUDE
    assert Signal("insult", "inútiles") in reading.kind_evidence
    assert reading.reason is Reason.PRODUCT
    assert Signal("keyword", "rota") in reading.reason_evidence


def test_polite_complaint_is_calm_and_low(rules: ReadingRules, detector: Any) -> None:
    text = "Hello, the kettle I received does not work. Could you send a replacement, please?"
    reading = read(text, rules, detector)
    assert (reading.language, reading.reason) == ("en", Reason.PRODUCT)
    assert (reading.intensity, reading.impact) == (0, Impact.LOW)
    assert reading.intensity_evidence == (
        Signal("polite", "Could you"),
        Signal("polite", "please"),
    )


def test_no_cues_reads_as_unknown_kind(rules: ReadingRules, detector: Any) -> None:
    reading = read("The parcel has not arrived yet.", rules, detector)
    assert reading.kind is CustomerKind.UNKNOWN
    assert reading.kind_evidence == ()


@pytest.mark.parametrize("spelling", ["devolución", "devolucion", "DEVOLUCIÓN", "Devolucion"])
def test_keywords_match_without_accents_or_case(spelling: str) -> None:
    folded = FoldedText.of(f"Quiero la {spelling} ya")
    assert folded.find("devoluci*") == [spelling]
    assert FoldedText.of("No llegó nada").find("no llego") == ["No llegó"]


def test_accented_and_plain_spellings_read_alike(rules: ReadingRules, detector: Any) -> None:
    accented = read("La contraseña de mi cuenta no sirve y la aplicación da error", rules, detector)
    plain = read("La contrasena de mi cuenta no sirve y la aplicacion da error", rules, detector)
    assert accented.reason is plain.reason is Reason.TECHNICAL
    assert Signal("keyword", "contraseña") in accented.reason_evidence
    assert Signal("keyword", "contrasena") in plain.reason_evidence


def test_stems_match_whole_words_only() -> None:
    folded = FoldedText.of("La app falla; I'd appreciate a happy ending")
    assert folded.find("app") == ["app"]
    assert folded.find("appreci*") == ["appreciate"]


@pytest.mark.parametrize(
    "text",
    [
        "Necesito mi DNI y el NIF para el envío a USA, por favor.",
        "The USB cable for my GPS has no LED and the SMS never came.",
    ],
)
def test_acronyms_are_not_shouting(text: str, rules: ReadingRules) -> None:
    intensity, evidence = intensity_of(text, rules, "es")
    assert intensity == 0
    assert not [s for s in evidence if s.name == "capitals"]


def test_short_words_in_a_shouted_phrase_count(rules: ReadingRules) -> None:
    intensity, evidence = intensity_of("NO ME HAGAN ESPERAR MÁS", rules, "es")
    assert Signal("capitals", "NO ME HAGAN ESPERAR MÁS") in evidence
    assert intensity == 2


def test_intensity_of_notices_anger_rising(rules: ReadingRules) -> None:
    calm, _ = intensity_of("Vale, gracias por la respuesta.", rules, "es")
    angry, evidence = intensity_of("ESTO ES INACEPTABLE!!! Os pongo en Twitter", rules, "es")
    assert calm == 0
    assert angry == 3
    assert {s.name for s in evidence} >= {"capitals", "exclamations", "public-threat"}


# ---------------------------------------------------------------- courtesy, tone and escalation


def test_legal_threat_is_high_flagged_and_quoted(rules: ReadingRules, detector: Any) -> None:
    text = "Si no me devuelven el importe pondré una DENUNCIA y hablaré con mi Abogado."
    reading = read(text, rules, detector)
    assert reading.impact is Impact.HIGH
    assert "legal-threat" in reading.flags
    assert Signal("legal-threat", "DENUNCIA") in reading.impact_evidence
    assert Signal("legal-threat", "Abogado") in reading.intensity_evidence
    assert reading.intensity >= 1


def test_repeat_contact_makes_a_calm_complaint_medium(rules: ReadingRules, detector: Any) -> None:
    reading = read("Es la tercera vez que escribo: el paquete no ha llegado.", rules, detector)
    assert (reading.intensity, reading.impact) == (1, Impact.MEDIUM)
    assert Signal("repeat-contact", "Es la tercera vez") in reading.impact_evidence
    assert "legal-threat" not in reading.flags


def test_strong_words_without_insults_add_anger(rules: ReadingRules) -> None:
    calm, _ = intensity_of("The parcel is late.", rules, "en")
    strong, evidence = intensity_of("The parcel is late. Unacceptable.", rules, "en")
    assert (calm, strong) == (0, 1)
    assert Signal("strong-word", "Unacceptable") in evidence


def test_courtesy_caps_quiet_displeasure_at_one(rules: ReadingRules) -> None:
    blunt, _ = intensity_of("I'm right and this is ridiculous.", rules, "en")
    polite, evidence = intensity_of("I'm right and this is ridiculous. Thank you.", rules, "en")
    assert (blunt, polite) == (2, 1)
    assert Signal("polite", "Thank you") in evidence


def test_courtesy_does_not_soften_shouting_or_threats(rules: ReadingRules) -> None:
    intensity, _ = intensity_of("ESTO ES INACEPTABLE!!! Me doy de baja, gracias.", rules, "es")
    assert intensity == 3


def test_fury_with_a_demand_for_the_boss_is_high(rules: ReadingRules, detector: Any) -> None:
    reading = read("ERES UN INÚTIL. QUIERO HABLAR CON TU JEFE", rules, detector)
    assert (reading.intensity, reading.impact) == (3, Impact.HIGH)
    assert Signal("escalation", "HABLAR CON TU JEFE") in reading.impact_evidence
    calm = read("Quisiera hablar con un responsable, gracias.", rules, detector)
    assert calm.impact is Impact.LOW


@pytest.mark.parametrize(
    ("text", "shouted"),
    [("Lo quiero YA", "YA"), ("I need it NOW.", "NOW"), ("Mi DNI y el NIF", None)],
)
def test_short_words_in_capitals_are_shouting_unless_acronyms(
    text: str, shouted: str | None, rules: ReadingRules
) -> None:
    _, evidence = intensity_of(text, rules, "es" if "Mi" in text or "Lo" in text else "en")
    assert [s.detail for s in evidence if s.name == "capitals"] == ([shouted] if shouted else [])


def test_rules_without_the_optional_lists_still_read(rules: ReadingRules, detector: Any) -> None:
    bare = replace(
        rules, polite={}, strong_words={}, displeasure={}, repeat_contact={},
        legal_threats={}, escalations={}, short_shouts={},
    )  # fmt: skip
    reading = read("Otra vez sin paquete, qué vergüenza. Llamaré a mi abogado.", bare, detector)
    assert (reading.intensity, reading.impact, reading.flags) == (0, Impact.LOW, frozenset())


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("Llevo días esperando el pedido 48213", "48213"),
        ("Where is my order #A-1234??", "A-1234"),
        ("ref 99812, please check", "99812"),
        ("My order number is 300457.", "300457"),
        ("Pedido nº 77120: no ha llegado", "77120"),
        ("La factura F-2024-0193 está mal", "F-2024-0193"),
        ("Reclamo el #88231", "88231"),
        ("Pedí 2 unidades el 12/03", None),
        ("I ordered 3 chairs and got 2", None),
        ("", None),
    ],
)
def test_order_refs(text: str, ref: str | None) -> None:
    assert find_order_ref(text) == ref


# ---------------------------------------------------------------- history and impact


@pytest.mark.parametrize(
    ("counts", "chronic"),
    [
        ((0, 0, 0, 0), False),
        ((2, 0, 2, 0), False),
        ((3, 3, 0, 0), False),
        ((3, 2, 1, 0), True),
        ((5, 5, 0, 0), True),
    ],
)
def test_assess_history(counts: tuple[int, int, int, int], chronic: bool) -> None:
    history = assess_history(*counts)
    assert history.chronic is chronic
    assert history.earlier_cases == counts[0]


def test_chronic_complainer_is_flagged_and_raises_impact(
    rules: ReadingRules, detector: Any
) -> None:
    text = "The parcel has not arrived yet."
    fresh = read(text, rules, detector)
    chronic = read(text, rules, detector, assess_history(4, 2, 2, 0))
    assert fresh.impact is Impact.LOW
    assert chronic.impact is Impact.MEDIUM
    assert "chronic" in chronic.flags
    assert Signal("chronic", "4 earlier cases (2 resolved, 2 let go)") in chronic.impact_evidence


def test_many_earlier_cases_raise_impact_few_are_only_shown(
    rules: ReadingRules, detector: Any
) -> None:
    text = "The parcel has not arrived yet."
    many = read(text, rules, detector, assess_history(3, 3, 0, 0))
    one = read(text, rules, detector, assess_history(1, 1, 0, 0))
    assert many.impact is Impact.MEDIUM and "chronic" not in many.flags
    assert one.impact is Impact.LOW
    assert Signal("history", "1 earlier case (1 resolved)") in one.impact_evidence


# ---------------------------------------------------------------- edge cases and language


def test_empty_text(rules: ReadingRules, detector: Any) -> None:
    reading = read("", rules, detector)
    assert (reading.language, reading.language_confidence) == ("es", 0.0)
    assert (reading.reason, reading.kind) == (Reason.OTHER, CustomerKind.UNKNOWN)
    assert (reading.intensity, reading.impact) == (0, Impact.LOW)
    assert reading.order_ref is None and reading.flags == frozenset()


def test_emoji_only_text(rules: ReadingRules, detector: Any) -> None:
    reading = read("😡😡😡", rules, detector)
    assert reading.language == "es"
    assert reading.intensity == 1
    assert Signal("emoji", "😡😡😡") in reading.intensity_evidence


def test_ten_thousand_characters(rules: ReadingRules, detector: Any) -> None:
    text = (LUCIA + " ") * (10_000 // len(LUCIA) + 1)
    started = time.perf_counter()
    reading = read(text[:10_000], rules, detector)
    assert time.perf_counter() - started < 0.5
    assert reading.intensity == 3
    for name in {s.name for s in reading.intensity_evidence}:
        assert sum(s.name == name for s in reading.intensity_evidence) <= MAX_SIGNALS


def test_english_text_naming_a_spanish_place_is_english(rules: ReadingRules, detector: Any) -> None:
    text = "My parcel to Calle de Alcalá in Alcalá de Henares never arrived, please help."
    reading = read(text, rules, detector)
    assert reading.language == "en"
    assert reading.reason is Reason.DELIVERY


@pytest.mark.parametrize(
    ("answer", "text", "language"),
    [
        (("fr", 0.99), "Mon colis n'est jamais arrivé", "es"),
        (("en", 0.55), "some words here", "es"),
        (("en", 0.90), "ok", "es"),
        ((None, 0.0), "???", "es"),
        (("en", 0.90), "the parcel is late", "en"),
    ],
)
def test_language_falls_back_to_default(
    answer: tuple[str | None, float], text: str, language: str, rules: ReadingRules
) -> None:
    assert read(text, rules, FixedDetector(*answer)).language == language


def test_lingua_detector() -> None:
    detector = LinguaDetector(["es", "en"])
    assert detector.detect("") == (None, 0.0)
    assert detector.detect("😡😡") == (None, 0.0)
    code, confidence = detector.detect("Mi pedido no ha llegado todavía")
    assert code == "es" and 0.5 < confidence <= 1.0
    assert LinguaDetector(["en"]).detect("anything") == ("en", 1.0)
    with pytest.raises(ValueError, match="xx"):
        LinguaDetector(["es", "xx"])


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


RUDE_CUES_EN = 'en = ["who the hell", "the hell", "shut up", "bunch of", "screw you"]\n'


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
    "short_shouts",
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
