"""The core imports no chat SDK and no storage: dependencies point inward."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "bot" / "core"
FORBIDDEN = {
    "slack_bolt",
    "slack_sdk",
    "discord",
    "sqlite_utils",
    "sqlite3",
    "handlers",
    "storage",
    "lingua",
    "dateparser",
    "aiohttp",
}


def test_core_imports_nothing_platform_or_storage() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            where = path.relative_to(CORE)
            offenders += [f"{where}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(list(CORE.rglob("*.py"))) > 10


def test_each_core_package_says_what_it_holds() -> None:
    packages = sorted(p for p in CORE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert len(packages) >= 5
    missing = []
    for package in packages:
        init = package / "__init__.py"
        if not init.exists() or not ast.get_docstring(ast.parse(init.read_text("utf-8"))):
            missing.append(package.name)
    assert missing == []


def test_core_modules_stay_small() -> None:
    sizes = {
        str(p.relative_to(CORE)): len(p.read_text("utf-8").splitlines()) for p in CORE.rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n > 500} == {}
    assert sum(n <= 300 for n in sizes.values()) > 0.8 * len(sizes)
