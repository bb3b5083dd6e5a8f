"""The learned linear models (bench/linear_model.py): their file, features, score, evidence,
and the training script's determinism (bench/train_threats.py)."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from bench.linear_model import LinearModel, text_features
from bench.linear_models import load_models, models_from_data
from bench.train_threats import models_data
from bot.core.reading.text import FoldedText
from playbooks.errors import PlaybookError


def _model(**changes: Any) -> dict[str, Any]:
    model = {
        "name": "leave",
        "language": "en",
        "features": "pairs+hashtags",
        "bias": -2.0,
        "threshold": 0.6,
        "weights": {"never fli": 3.0, "#neveragain": 4.0, "you again": 1.5, "on time": -2.0},
    }
    model.update(changes)
    return model


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "threat_models.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_valid_models_file_loads_every_model(tmp_path: Path) -> None:
    (model,) = load_models(_write(tmp_path, {"version": 1, "models": [_model()]}))
    assert (model.name, model.language, model.features) == ("leave", "en", "pairs+hashtags")
    assert (model.bias, model.threshold, model.weights["never fli"]) == (-2.0, 0.6, 3.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": "high"}, "threshold"),
        ({"bias": float("nan")}, "bias"),
        ({"language": "fr"}, "language"),
        ({"features": "letters"}, "features"),
        ({"weights": {"never fli": "x"}}, "weights.never fli"),
        ({"weights": {"one two three": 1.0}}, "weights.one two three"),
        ({"weights": {}}, "weights"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_model_field_is_refused_naming_the_file_the_model_and_the_field(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    path = _write(tmp_path, {"version": 1, "models": [_model(), _model(name="public", **change)]})
    with pytest.raises(PlaybookError) as raised:
        load_models(path)
    assert (raised.value.file, raised.value.field) == ("threat_models.json", field)
    where = f"models[1] (public, {change.get('language', 'en')})"
    assert raised.value.where == where
    assert f"threat_models.json: {where}: field '{field}'" in str(raised.value)


def test_a_missing_field_and_a_bad_file_are_refused_naming_them(tmp_path: Path) -> None:
    without_bias = _model()
    del without_bias["bias"]
    with pytest.raises(PlaybookError, match=r"models\[0\] \(leave, en\): field 'bias': missing"):
        models_from_data({"version": 1, "models": [without_bias]}, "m.json")
    with pytest.raises(PlaybookError, match="field 'version': must be 1"):
        models_from_data({"version": 2, "models": [_model()]}, "m.json")
    with pytest.raises(PlaybookError, match="field 'name': a second model of this name"):
        models_from_data({"version": 1, "models": [_model(), _model()]}, "m.json")
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"broken.json: file: field '\(syntax\)'"):
        load_models(bad)


def test_features_are_stem_pairs_and_hashtags_never_handles() -> None:
    folded = FoldedText.of("@united I will NEVER be flying with you again #NeverAgain")
    pairs = text_features(folded, "en", "pairs+hashtags")
    assert {"never be", "be fli", "you again", "#neveragain"} <= set(pairs)
    assert not any("unit" in feature for feature in pairs)  # the handle is left out
    assert "never" not in pairs and "never" in text_features(folded, "en", "stems+pairs")
    start, end = pairs["be fli"]
    assert folded.original[start:end] == "be flying"


def test_the_model_fires_past_its_threshold_and_quotes_the_words_that_weighed_most() -> None:
    (model,) = models_from_data({"version": 1, "models": [_model()]}, "m.json")
    folded = FoldedText.of("Never flying you again, the flight was not on time #NeverAgain")
    features = text_features(folded, "en", model.features)
    assert model.fires(features)
    # the pairs that weigh for it, most first; "on time" weighs against and is not quoted
    assert model.evidence(folded, features) == ("#NeverAgain", "Never flying", "you again")
    assert model.evidence(folded, features, most=1) == ("#NeverAgain",)
    calm = FoldedText.of("The flight was on time and the crew were kind")
    assert not model.fires(text_features(calm, "en", model.features))
    assert model.evidence(calm, text_features(calm, "en", model.features)) == ()


def test_the_probability_is_the_logistic_of_the_bias_and_the_weights_present() -> None:
    model = LinearModel("leave", "en", "pairs+hashtags", -1.0, 0.5, {"a b": 1.0, "c d": 2.0})
    assert model.probability({}) == pytest.approx(1 / (1 + 2.718281828459045))
    assert model.probability({"a b": (0, 3)}) == pytest.approx(0.5)
    assert model.probability({"a b": (0, 3), "c d": (4, 7), "x y": (8, 11)}) == pytest.approx(
        1 / (1 + 2.718281828459045**-2)
    )


def _fixture_corpus() -> list[dict[str, Any]]:
    """A tiny corpus: farewells and plain complaints, each phrased twice or more."""
    leave = [
        "I will never fly with you again",
        "never flying with you again after this",
        "done with you, never fly you again #neveragain",
        "taking my business elsewhere, never fly with you again",
        "#neveragain lost my bag and never fly with you",
    ]
    plain = [
        "my bag was lost on the flight",
        "the flight was late again and my bag was lost",
        "on hold for an hour, the flight was late",
        "the crew was rude and the flight was late",
        "where is my bag, the flight landed an hour ago",
        "my seat was broken on the flight",
    ]
    texts = [(t, ["leave"]) for t in leave] + [(t, []) for t in plain]
    return [
        {"id": f"fx-{n:03d}", "language": "en", "text": text, "threats": threats}
        for n, (text, threats) in enumerate(texts)
    ]


def test_training_gives_the_same_weights_for_the_same_data_in_any_order() -> None:
    records = _fixture_corpus()
    first = models_data(records)
    shuffled = copy.deepcopy(records)
    random.Random(7).shuffle(shuffled)
    assert models_data(shuffled) == first
    assert json.dumps(models_data(records), sort_keys=True) == json.dumps(first, sort_keys=True)
    (model,) = models_from_data(first, "fixture")  # what it writes is a valid models file
    weights = model.weights
    assert weights["never fli"] > 0 and weights["#neveragain"] > 0 and weights["flight was"] < 0
    changed = copy.deepcopy(records)
    changed[-1]["threats"] = ["leave"]
    assert models_data(changed) != first
