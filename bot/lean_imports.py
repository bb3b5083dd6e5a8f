"""Libraries that import optional heavy packages they do not need here, imported without them.

sqlite-utils imports numpy and pandas as soon as it is itself imported, when they are
installed, only to map their number types to SQL column types; Sereno never stores a
numpy or pandas value. numpy comes with the charts extra (matplotlib), so in `make run`
and the Docker image it cost every start-up about 0.1 s and 10 MB for nothing.

It also imports `dateutil.parser` (for its `parsedate` recipes, which Sereno never calls):
with `dateutil.tz` and ctypes that is ~20 ms of every start. That module is imported lazily
(`importlib.util.LazyLoader`): it is loaded, whole, the first time anything of it is used.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

#: What sqlite-utils probes for at import time (sqlite_utils/db.py, `importlib.import_module`).
PROBED = ("numpy", "pandas")
#: What sqlite-utils imports at import time and Sereno never calls (sqlite_utils/recipes.py).
LAZY = ("dateutil.parser",)


def import_sqlite_utils() -> None:
    """Import sqlite-utils as if numpy and pandas were absent; they stay importable after."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in PROBED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it raises ImportError
    for name in LAZY:
        import_lazily(name)
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def import_lazily(name: str) -> None:
    """Put a module in `sys.modules` that is loaded on first use (its parent package is
    imported now); when anything is unexpected, leave it to a normal import."""
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return
        loader = importlib.util.LazyLoader(spec.loader)
        spec.loader = loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        loader.exec_module(module)
    except Exception:  # an unusual install: the normal import will do
        sys.modules.pop(name, None)
        return
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        setattr(sys.modules[parent], child, module)
