"""A small learned back-up to the keyword rules: a sparse linear model over word stems.

Tried in session 14 and not wired into the reader: on a fresh batch of tweets it found 1 of
the 12 leave threats the rules missed, for one false alarm (tests/data/real/README.md has the
numbers). It is kept here, beside its trainer (bench/train_threats.py), so a later try starts
from it; it would move into bot/core/reading/ with its loader the day the reader uses it.

A model is data (a JSON file, written by bench/train_threats.py): its language,
its target (say "leave"), the kind of features it reads, a bias, a threshold and a weight per
feature. A text's words are folded as the keyword rules fold them and reduced to their Snowball
stems (a hashtag keeps its `#` and is not stemmed; a handle such as "@united" is left out). The
features of kind "stems+pairs" are every stem and every pair of neighbouring stems ("never
fli"); those of kind "pairs+hashtags" are the pairs and the hashtags only (a lone stem such as
"delta" says little about a threat, and weighed too much in cross-validation). The model's
probability is the logistic of the bias plus the weights of the features present (each counted
once): one dict look-up per feature, no library needed.

Its evidence is the customer's own words behind the features that weighed most for it, so a
reading found by the model shows why, as a rule's reading does.

`model_from_data` checks one model's data and raises `ModelDataError` naming the field; the
loader that reads the file (bench/linear_models.py) turns that into an error naming the file too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType
from typing import Any

from bot.core.reading.text import FoldedText

#: The data layout this module reads (a file of another version is refused).
FORMAT_VERSION = 1
#: The kinds of features a model may read (`text_features`).
FEATURE_KINDS = ("stems+pairs", "pairs+hashtags")
#: The Snowball stemmer of each language a model may be written for.
STEMMERS = {"en": "english", "es": "spanish"}
#: At most this many of the features that weighed most are quoted as evidence.
EVIDENCE_FEATURES = 3
_TOKEN = re.compile(r"[@#]?[^\W\d_]+(?:['’][^\W\d_]+)*")
_MODEL_KEYS = frozenset(
    {"name", "language", "features", "bias", "threshold", "weights", "trained_on"}
)
_REQUIRED_KEYS = _MODEL_KEYS - {"trained_on"}


class ModelDataError(ValueError):
    """A model's data is invalid: `field` names what, `problem` says why."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"field '{field}': {problem}")


@dataclass(frozen=True)
class LinearModel:
    """One target's weights in one language; `threshold` is the least probability that counts."""

    name: str
    language: str
    features: str
    bias: float
    threshold: float
    weights: Mapping[str, float]

    def probability(self, features: Mapping[str, Any]) -> float:
        """The model's probability for a text with these features (`text_features`' keys)."""
        weights = self.weights
        total = self.bias + sum(weights.get(feature, 0.0) for feature in features)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, total))))

    def fires(self, features: Mapping[str, Any]) -> bool:
        """Say whether the model finds its target in a text with these features."""
        return self.probability(features) >= self.threshold

    def evidence(
        self,
        folded: FoldedText,
        features: Mapping[str, tuple[int, int]],
        most: int = EVIDENCE_FEATURES,
    ) -> tuple[str, ...]:
        """The customer's words behind the `most` features that weighed most for the target."""
        weights = self.weights
        present = sorted(
            (f for f in features if weights.get(f, 0.0) > 0.0), key=lambda f: (-weights[f], f)
        )
        quotes: list[str] = []
        for feature in present[:most]:
            start, end = features[feature]
            quote = folded.original[start:end]
            if quote not in quotes:
                quotes.append(quote)
        return tuple(quotes)


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """A folded word's Snowball stem in `language` (a hashtag is kept as it is)."""
    if word.startswith("#"):
        return word
    return _stemmer(STEMMERS[language]).stemWord(word.replace("’", "'"))


@lru_cache(maxsize=4)
def _stemmer(name: str) -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer(name)


def text_features(
    folded: FoldedText, language: str, kind: str = "stems+pairs"
) -> dict[str, tuple[int, int]]:
    """Each feature of the text of this kind, with where its words stand in the original text
    (their first occurrence)."""
    origin = folded.origin
    stems: list[tuple[str, int, int]] = []
    for match in _TOKEN.finditer(folded.folded):
        word = match.group()
        if word.startswith("@"):
            continue  # a handle names an account, not what the customer says
        stems.append((stem(word, language), origin[match.start()], origin[match.end() - 1] + 1))
    features: dict[str, tuple[int, int]] = {}
    singles = kind == "stems+pairs"
    for word, start, end in stems:
        if singles or word.startswith("#"):
            features.setdefault(word, (start, end))
    for (first, start, _), (second, _, end) in pairwise(stems):
        features.setdefault(f"{first} {second}", (start, end))
    return features


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelDataError(field, f"must be a finite number, not {value!r}")
    return float(value)


def model_from_data(data: Any) -> LinearModel:
    """Check one model's data (a JSON object) and return the model."""
    if not isinstance(data, dict):
        raise ModelDataError("(model)", f"must be an object, not {type(data).__name__}")
    for key in sorted(data):
        if key not in _MODEL_KEYS:
            raise ModelDataError(key, f"unknown key (allowed: {', '.join(sorted(_MODEL_KEYS))})")
    for key in sorted(_REQUIRED_KEYS - set(data)):
        raise ModelDataError(key, "missing")
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise ModelDataError("name", "must be a non-empty string")
    language = data["language"]
    if language not in STEMMERS:
        raise ModelDataError("language", f"must be one of {', '.join(sorted(STEMMERS))}")
    if data["features"] not in FEATURE_KINDS:
        raise ModelDataError("features", f"must be one of {', '.join(FEATURE_KINDS)}")
    threshold = _number(data["threshold"], "threshold")
    if not 0.0 < threshold < 1.0:
        raise ModelDataError("threshold", "must lie between 0 and 1")
    weights = data["weights"]
    if not isinstance(weights, dict) or not weights:
        raise ModelDataError("weights", "must be a non-empty object of feature -> weight")
    checked: dict[str, float] = {}
    for feature, weight in weights.items():
        words = feature.split(" ")
        if not 1 <= len(words) <= 2 or not all(words):
            raise ModelDataError(f"weights.{feature}", "a feature is one stem or two")
        checked[feature] = _number(weight, f"weights.{feature}")
    return LinearModel(
        name=name,
        language=language,
        features=data["features"],
        bias=_number(data["bias"], "bias"),
        threshold=threshold,
        weights=MappingProxyType(checked),
    )
