"""The inventory of advice ids that playbook data may name."""

from __future__ import annotations

import tomllib
from pathlib import Path

ADVICE_FILE = Path(__file__).with_name("advice.toml")


def load_advice_ids(path: Path = ADVICE_FILE) -> frozenset[str]:
    """Return every advice id of the source articles."""
    with path.open("rb") as fh:
        return frozenset(tomllib.load(fh)["advice"])
