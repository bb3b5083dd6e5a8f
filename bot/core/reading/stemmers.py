"""The Snowball stemmers a `~` keyword needs, imported one language at a time.

`snowballstemmer` (the Snowball project's pure-Python stemmers) imports all 36 of its
languages' stemmers when the package is imported (~11 ms and ~3 MB of a served process,
for the two the rules use), unless PyStemmer, the C binding, is installed: then it hands
`stemmer()` to PyStemmer's `Stemmer` module. Without PyStemmer, `stemmer()` imports the
package with a stand-in for that module in `sys.modules`, whose `Stemmer(language)` imports
only that language's stemmer module of the package; the stand-in is gone once the package is
imported, and the stemmers are the package's own classes, so every stem is the same. With
PyStemmer installed, nothing is changed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = "snowballstemmer"
STAND_IN = "Stemmer"  # the module snowballstemmer tries first (PyStemmer's)
_SUFFIX = "_stemmer.py"
_importing = threading.Lock()


@cache
def stemmer(language: str) -> Any:
    """The Snowball stemmer of `language` ("english", "spanish"); it has `stemWord`."""
    with _importing:
        if PACKAGE not in sys.modules and importlib.util.find_spec(STAND_IN) is None:
            _import_package_one_stemmer_at_a_time()
        import snowballstemmer

    return snowballstemmer.stemmer(language)


def _import_package_one_stemmer_at_a_time() -> None:
    sys.modules[STAND_IN] = _stand_in()
    try:
        importlib.import_module(PACKAGE)
    finally:
        sys.modules.pop(STAND_IN, None)


def _stand_in() -> types.ModuleType:
    """A module with PyStemmer's two names, over the package's own stemmer modules."""
    module = types.ModuleType(STAND_IN, "snowballstemmer's stemmers, one at a time")

    def algorithms() -> list[str]:
        spec = importlib.util.find_spec(PACKAGE)
        folders = spec.submodule_search_locations if spec else None
        names = (p.name for folder in folders or () for p in Path(folder).glob(f"*{_SUFFIX}"))
        return sorted(name.removesuffix(_SUFFIX) for name in names)

    def make(language: str) -> Any:
        language = language.lower()
        if language not in algorithms():
            raise KeyError(f"Stemming algorithm '{language}' not found")
        found = importlib.import_module(f"{PACKAGE}.{language}_stemmer")
        name = "".join(part.capitalize() for part in language.split("_")) + "Stemmer"
        return getattr(found, name)()

    module.algorithms = algorithms  # type: ignore[attr-defined]
    module.Stemmer = make  # type: ignore[attr-defined]
    return module
