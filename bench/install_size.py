"""What an install weighs: the whole venv, and the part only the team report's chart needs.

The chart's part is every distribution the `charts` extra pulls in (matplotlib alone while
there is no such extra) that nothing else Sereno depends on needs, measured from the
files each installed distribution lists. Reported, no goal: issue 15 asks for the chart's
libraries to become an extra, not for a size. Run alone: `python -m bench.suite --only install`.
"""

from __future__ import annotations

import os
import re
import sys
from importlib import metadata
from pathlib import Path

from bench.table import Row

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
CHART_FALLBACK = ("matplotlib",)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(dist: str, extra: str | None = None) -> list[str]:
    """Names a distribution requires (with `extra`: only that extra's)."""
    try:
        lines = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for line in lines:
        wanted = _EXTRA.search(line)
        if (wanted.group(1) if wanted else None) != extra:
            continue
        if (match := _NAME.match(line)) is not None:
            names.append(canonical(match.group(1)))
    return names


def closure(names: list[str]) -> set[str]:
    """Every installed distribution these need, themselves included."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        todo += requirements(name)
    return seen


def dist_bytes(name: str) -> int:
    """Bytes of the files an installed distribution lists."""
    total = 0
    for file in metadata.distribution(name).files or []:
        path = Path(str(file.locate()))
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total


def tree_bytes(root: Path) -> int:
    """Bytes of every regular file under root (links not followed)."""
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def chart_distributions() -> tuple[set[str], bool]:
    """What only the chart needs, and whether it came from a `charts` extra."""
    from_extra = requirements("sereno", "charts")
    chart = closure(from_extra or list(CHART_FALLBACK))
    rest = closure([n for n in requirements("sereno") if n not in chart])
    return chart - rest, bool(from_extra)


def rows(quick: bool = False) -> list[Row]:
    """The venv's size and the chart's part of it."""
    venv = tree_bytes(Path(sys.prefix)) / 1e6
    names, from_extra = chart_distributions()
    chart = sum(dist_bytes(n) for n in names) / 1e6
    source = "the `charts` extra" if from_extra else "matplotlib and what only it needs"
    listed = ", ".join(sorted(names))
    return [
        Row("install_venv", "install: the venv (with the test extras)", f"{venv:,.0f} MB",
            "—", None, "reported", None),
        Row("install_charts", f"install: {source} ({listed})", f"{chart:,.0f} MB",
            f"{chart / venv:.0%} of the venv", None, "reported", None),
    ]  # fmt: skip
