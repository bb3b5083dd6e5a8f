"""Load and validate a file of learned linear models (`bench.linear_model`), JSON.

A models file is `{"version": 1, "models": [...]}`, each model an object that
`linear.model_from_data` checks (name, language, features, bias, threshold, weights, and an
optional `trained_on` note). Every problem raises `PlaybookError` naming the file, the model
(its place in the list, and its name and language when they can be read) and the field.

Such a file is written by a script in bench/ (bench/train_threats.py), never by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.linear_model import FORMAT_VERSION, LinearModel, ModelDataError, model_from_data
from playbooks.errors import PlaybookError

_TOP_KEYS = frozenset({"version", "models"})


def _where(index: int, data: Any) -> str:
    """The model's place in the file, with its name and language when it has them."""
    where = f"models[{index}]"
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        where += f" ({data['name']}, {data.get('language', '?')})"
    return where


def models_from_data(data: Any, file: str) -> tuple[LinearModel, ...]:
    """Check a models file's data; `file` names it in any error."""
    if not isinstance(data, dict):
        raise PlaybookError(file, "top", "(file)", "must be a JSON object")
    for key in sorted(data):
        if key not in _TOP_KEYS:
            raise PlaybookError(file, "top", key, "unknown key (allowed: models, version)")
    for key in sorted(_TOP_KEYS - set(data)):
        raise PlaybookError(file, "top", key, "missing")
    if data["version"] != FORMAT_VERSION:
        raise PlaybookError(file, "top", "version", f"must be {FORMAT_VERSION}")
    if not isinstance(data["models"], list) or not data["models"]:
        raise PlaybookError(file, "top", "models", "must be a non-empty list of models")
    models: list[LinearModel] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(data["models"]):
        try:
            model = model_from_data(item)
        except ModelDataError as error:
            raise PlaybookError(file, _where(index, item), error.field, error.problem) from None
        if (model.name, model.language) in seen:
            raise PlaybookError(file, _where(index, item), "name", "a second model of this name")
        seen.add((model.name, model.language))
        models.append(model)
    return tuple(models)


def load_models(path: Path) -> tuple[LinearModel, ...]:
    """Load, validate and return the models in `path`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise PlaybookError(path.name, "file", "(syntax)", str(error)) from None
    except OSError as error:
        raise PlaybookError(path.name, "file", "(file)", error.strerror or str(error)) from None
    return models_from_data(data, path.name)
