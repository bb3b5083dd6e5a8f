"""The `sereno` command's entry: first make sure Sereno's own packages are the ones imported.

`bot`, `handlers`, `playbooks` and `storage` are also names of other packages on the package
index. Installed in the same environment, one of those shadows Sereno's (it comes first on
`sys.path`) or overwrites its files (pip merges both into one folder and warns about
nothing). So before anything of Sereno is imported, this module checks where each name
resolves (`importlib.util.find_spec`, which imports nothing of a top-level package) and
which installed distributions claim it, and stops with one line naming the clash.
This module imports only the standard library until the check has passed, and not
`importlib.metadata` (with `email`, `zipfile` and `csv`: ~40 ms of every start) unless a
quick look at the metadata folders on `sys.path` finds another distribution that may claim
one of the names; that full check then decides, and names it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from typing import Protocol

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


class _Readable(Protocol):
    """What `_shipped` reads of a distribution (an `importlib.metadata.Distribution`)."""

    def read_text(self, filename: str) -> str | None: ...


def _shipped(dist: _Readable) -> list[str]:
    """Which of Sereno's package names a distribution ships at top level.

    What `metadata.packages_distributions()` reads (top_level.txt, else the files in
    RECORD), searched as text for these four names: that call builds a path object for every
    file of every installed distribution and took 0.2–0.5 s (four calls: 0.7–2 s) before the
    `sereno` command did anything.
    """
    listed = dist.read_text("top_level.txt")
    if listed is not None:
        return [name for name in OWN_PACKAGES if name in listed.split()]
    record = "\n" + (dist.read_text("RECORD") or "")
    return [name for name in OWN_PACKAGES if _in_record(name, record)]


def _in_record(name: str, record: str) -> bool:
    """Whether RECORD lists a file in the folder `name` or the module `name`.py (maybe quoted)."""
    starts = (f"{name}/", f"{name}.py,", f'"{name}/', f'"{name}.py",')
    return any(f"\n{start}" in record for start in starts)


class _Folder:
    """A metadata folder (`*.dist-info`, `*.egg-info`) read as `metadata` reads one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read_text(self, filename: str) -> str | None:
        try:
            return (self.path / filename).read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
            return None

    def name(self) -> str | None:
        """The `Name:` of its metadata's header, read no further than the header."""
        for filename in ("METADATA", "PKG-INFO"):
            try:
                with (self.path / filename).open(encoding="utf-8") as header:
                    for line in header:
                        if not line.strip():
                            break
                        if line.lower().startswith("name:"):
                            return line.partition(":")[2].strip()
            except OSError:
                continue
        return None


def _metadata_folders(entry: str) -> list[Path] | None:
    """The metadata folders `importlib.metadata` would find in one `sys.path` entry (none
    when it cannot be listed), or None when it is not a folder (a zip: only the full check
    reads those)."""
    root = entry or "."
    try:
        children = os.listdir(root)
    except NotADirectoryError:
        return None
    except OSError:
        return []
    egg = os.path.basename(entry).lower().endswith(".egg")
    return [
        Path(root, child)
        for child in children
        if child.lower().endswith((".dist-info", ".egg-info"))
        or (egg and child.lower() == "egg-info")
    ]


def _others_may_ship() -> bool:
    """Whether some distribution other than Sereno may ship one of its names at top level:
    False only when a quick look at every metadata folder on `sys.path` finds none; True
    when one does, or when the look cannot tell (a zip on the path, another finder of
    distributions, unreadable metadata). Imports nothing."""
    finders = [getattr(f, "find_distributions", None) for f in sys.meta_path]
    if any(f and f != importlib.machinery.PathFinder.find_distributions for f in finders):
        return True
    try:
        for entry in sys.path:
            folders = _metadata_folders(entry)
            if folders is None:
                return True
            for path in folders:
                folder = _Folder(path)
                if _shipped(folder) and _normalized(folder.name() or "") != DISTRIBUTION:
                    return True
    except Exception:  # what the quick look cannot read, the full check reads (or forgives)
        return True
    return False


def _claims() -> dict[str, list[str]]:
    """For each of Sereno's package names, the installed distributions other than Sereno
    that ship it at top level (one pass over the installed distributions)."""
    if not _others_may_ship():
        return {name: [] for name in OWN_PACKAGES}
    from importlib import metadata

    claims: dict[str, set[str]] = {name: set() for name in OWN_PACKAGES}
    try:
        for dist in metadata.distributions():
            shipped = _shipped(dist)
            owner = dist.metadata["Name"] if shipped else None
            if owner and _normalized(owner) != DISTRIBUTION:
                for name in shipped:
                    claims[name].add(owner)
    except Exception:  # broken metadata of some other package must not stop Sereno
        return {}
    return {name: sorted(owners) for name, owners in claims.items()}


def clash(home: Path | None = None) -> str | None:
    """One line naming the first package that is not Sereno's own, or None when all are."""
    home = home or _home()
    claims: dict[str, list[str]] | None = None
    for name in OWN_PACKAGES:
        where = _location(name)
        if where is None:
            return f"sereno: its package '{name}' is missing next to {home}; reinstall, or {FIX}"
        if where.parent != home:
            return (
                f"sereno: '{name}' is imported from {where}, not Sereno's own (another "
                f"package shadows it); {FIX}"
            )
        claims = _claims() if claims is None else claims
        others = claims.get(name, [])
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
