"""The `sereno` command's entry: first make sure Sereno's own packages are the ones imported.

`bot`, `handlers`, `playbooks` and `storage` are also names of other packages on the package
index. Installed in the same environment, one of those shadows Sereno's (it comes first on
`sys.path`) or overwrites its files (pip merges both into one folder and warns about
nothing). So before anything of Sereno is imported, this module checks where each name
resolves (`importlib.util.find_spec`, which imports nothing of a top-level package) and
which installed distributions claim it, and stops with one line naming the clash.
This module imports only the standard library until the check has passed.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib import metadata
from pathlib import Path

OWN_PACKAGES = ("bot", "handlers", "playbooks", "storage")
DISTRIBUTION = "sereno"
CLASH_EXIT = 2
FIX = (
    "install Sereno in its own environment: `pipx install .`, the Docker image, "
    "or `make run` (which uses .venv)"
)


def _home() -> Path:
    """Where this module is installed: Sereno's packages sit beside it."""
    return Path(__file__).resolve().parent


def _location(name: str) -> Path | None:
    """The folder a top-level package `name` would be imported from, None if none would."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.origin and spec.origin not in ("namespace", "built-in", "frozen"):
        origin = Path(spec.origin).resolve()
        return origin.parent if origin.name.startswith("__init__.") else origin
    locations = list(spec.submodule_search_locations or [])
    return Path(locations[0]).resolve() if locations else None


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _claimants(name: str) -> list[str]:
    """Installed distributions other than Sereno that ship a top-level `name`."""
    try:
        owners = metadata.packages_distributions().get(name, [])
    except Exception:  # broken metadata of some other package must not stop Sereno
        return []
    return sorted({o for o in owners if _normalized(o) != DISTRIBUTION})


def clash(home: Path | None = None) -> str | None:
    """One line naming the first package that is not Sereno's own, or None when all are."""
    home = home or _home()
    for name in OWN_PACKAGES:
        where = _location(name)
        if where is None:
            return f"sereno: its package '{name}' is missing next to {home}; reinstall, or {FIX}"
        if where.parent != home:
            return (
                f"sereno: '{name}' is imported from {where}, not Sereno's own (another "
                f"package shadows it); {FIX}"
            )
        others = _claimants(name)
        if others:
            return (
                f"sereno: the installed package {', '.join(others)} also provides '{name}' "
                f"and clashes with Sereno's; {FIX}"
            )
    return None


def main() -> int:
    """Check the packages, then run `bot.__main__.main`."""
    problem = clash()
    if problem:
        print(problem, file=sys.stderr)
        return CLASH_EXIT
    from bot.__main__ import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())
