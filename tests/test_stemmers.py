"""bot.core.reading.stemmers: the Snowball stemmers, one language at a time, same stems.

Each check runs in a fresh interpreter: what matters is what a process imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORDS = {
    "english": ["replies", "replied", "charging", "crashing", "flights", "cancelled", "denied"],
    "spanish": ["devoluciones", "devolución", "llamadas", "cobraron", "esperando", "reservas"],
}


def run(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_only_the_languages_asked_for_are_imported_and_the_stand_in_is_gone() -> None:
    seen = run(
        "import json, sys\n"
        "from bot.core.reading.stemmers import stemmer\n"
        "stemmer('english'); stemmer('spanish')\n"
        "print(json.dumps({'stand_in': 'Stemmer' in sys.modules, 'stemmers': sorted(\n"
        "    m for m in sys.modules if m.endswith('_stemmer'))}))"
    )
    assert seen == {
        "stand_in": False,
        "stemmers": ["snowballstemmer.english_stemmer", "snowballstemmer.spanish_stemmer"],
    }


def test_the_stems_are_the_packages_own() -> None:
    ask = f"WORDS = {WORDS!r}\n"
    ours = run(
        "import json\nfrom bot.core.reading.stemmers import stemmer\n" + ask
        + "print(json.dumps({l: [stemmer(l).stemWord(w) for w in ws] for l, ws in WORDS.items()}))"
    )  # fmt: skip
    theirs = run(
        "import json, snowballstemmer\n" + ask
        + "print(json.dumps({l: [snowballstemmer.stemmer(l).stemWord(w) for w in ws]"
        " for l, ws in WORDS.items()}))"
    )  # fmt: skip
    assert ours == theirs
    assert ours["spanish"][0] == "devolu"


def test_a_language_snowball_has_not_is_a_key_error() -> None:
    from bot.core.reading.stemmers import stemmer

    with pytest.raises(KeyError):
        stemmer("klingon")
