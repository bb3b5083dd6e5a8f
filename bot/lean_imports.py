"""Libraries that import optional heavy packages they do not need here, imported without them.

sqlite-utils imports numpy and pandas as soon as it is itself imported, when they are
installed, only to map their number types to SQL column types; Sereno never stores a
numpy or pandas value. numpy comes with the charts extra (matplotlib), so in `make run`
and the Docker image it cost every start-up about 0.1 s and 10 MB for nothing.
"""

from __future__ import annotations

import importlib
import sys

#: What sqlite-utils probes for at import time (sqlite_utils/db.py, `importlib.import_module`).
PROBED = ("numpy", "pandas")


def import_sqlite_utils() -> None:
    """Import sqlite-utils as if numpy and pandas were absent; they stay importable after."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in PROBED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it raises ImportError
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
