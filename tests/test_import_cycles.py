"""No import cycles in Sereno's own code, type-only and function-local imports included.

Every `import`, wherever it stands (module level, `if TYPE_CHECKING:`, inside a
function), is an edge. `from pkg import name` points at `pkg.name` when that is a
module, else at `pkg`. Importing `a.b.c` runs `a/__init__.py` and `a/b/__init__.py`
first, so a module also depends on the packages that hold it: a package's
`__init__` that imports its own submodules, even lazily, closes a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Set
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "playbooks")


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module under the scanned packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: Set[str]) -> set[str]:
    """The known modules `name` imports, anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in known else base)
    parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    return (found | parents) & known - {name}


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules it depends on."""
    found = modules(root)
    return {name: imports_of(name, path, found.keys()) for name, path in found.items()}


def find_cycle(edges: Mapping[str, Set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_sereno_has_no_import_cycles() -> None:
    edges = graph()
    assert len(edges) > 100
    assert "bot.core.cases.engine" in edges["bot.core.commands.dispatch"]
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_found_and_named() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"x": {"x.y"}, "x.y": {"x"}}) == ["x", "x.y", "x"]


def test_every_kind_of_import_is_an_edge(tmp_path: Path) -> None:
    pkg = tmp_path / "bot"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("def late():\n    from bot.sub import leaf\n")
    (pkg / "sub" / "leaf.py").write_text("VALUE = 1\n")
    (pkg / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot import engine\n"
    )
    (pkg / "engine.py").write_text("from . import typed\nfrom bot.sub.leaf import VALUE\n")
    edges = graph(tmp_path)
    assert edges["bot.typed"] == {"bot", "bot.engine"}
    assert edges["bot.engine"] == {"bot", "bot.typed", "bot.sub.leaf"}
    assert edges["bot.sub.leaf"] == {"bot", "bot.sub"}
    # The lazy import in bot/sub/__init__.py closes a cycle with its own submodule...
    assert find_cycle(edges) == ["bot.sub.leaf", "bot.sub", "bot.sub.leaf"]
    # ...and, that one gone, the type-only import closes another.
    edges["bot.sub"] = {"bot"}
    assert find_cycle(edges) == ["bot.engine", "bot.typed", "bot.engine"]


#: What each bot/core package may import (its `__init__` docstring says the same).
LAYERS = {
    "base": set(),
    "texts": set(),
    "guidance": {"base", "texts"},
    "reading": {"base", "guidance"},
    "cases": {"base", "texts", "guidance", "reading"},
    "delivery": {"base", "texts", "cases"},
    "reminders": {"base", "texts", "guidance", "cases", "delivery"},
    "records": {"base", "texts", "guidance", "cases"},
    "commands": {"base", "texts", "guidance", "cases", "delivery", "reminders", "records"},
}


def test_core_packages_keep_their_layers() -> None:
    wrong = []
    for name, targets in graph().items():
        if not name.startswith("bot.core."):
            continue
        package = name.split(".")[2]
        assert package in LAYERS, f"{package}: a new core package needs its place in LAYERS"
        for target in targets:
            other = target.split(".")[2] if target.startswith("bot.core.") else None
            if other and other != package and other not in LAYERS[package]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []
