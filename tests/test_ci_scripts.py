"""CI runs the suite on the newest Python too, and `make run` installs only what running needs
(issue 12, item 3).

`.ci/newest-python` is run with a PATH (and a pyenv folder) of stub interpreters: small shell
scripts that answer `--version` as Python does, so the choice is proven without the versions
being installed. `.ci/run` is run the same way with a stub `make` that records its arguments.
The Makefile's split between the two installs is checked with `make -n` on a venv path of
our own, its stamp files made by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NEWEST = ROOT / ".ci" / "newest-python"
BASH = shutil.which("bash") or "/bin/bash"


def _stub(folder: Path, name: str, version: str, *, has_venv: bool = True) -> Path:
    """An executable `name` that prints `version` as `--version` and imports venv or fails."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    venv_answer = "exit 0" if has_venv else "echo 'No module named ensurepip' >&2; exit 1"
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = --version ]; then echo "{version}"; exit 0; fi\n'
        f'if [ "$1" = -c ]; then {venv_answer}; fi\n'
        "exit 2\n"
    )
    path.chmod(0o755)
    return path


def _newest(path: list[Path], pyenv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.pathsep.join(str(p) for p in path), "PYENV_ROOT": str(pyenv), "HOME": "/"}
    return subprocess.run(
        [BASH, NEWEST, *args], capture_output=True, text=True, env=env, timeout=30
    )


@pytest.fixture
def machine(tmp_path: Path) -> tuple[Path, Path]:
    """A bin folder with the default python3 (3.11) and an empty pyenv root."""
    bin_dir = tmp_path / "bin"
    _stub(bin_dir, "python3", "Python 3.11.7")
    _stub(bin_dir, "python3.11", "Python 3.11.7")
    return bin_dir, tmp_path / "pyenv"


def test_the_newest_python_on_path_is_chosen(machine: tuple[Path, Path]) -> None:
    bin_dir, pyenv = machine
    _stub(bin_dir, "python3.12", "Python 3.12.4")
    newest = _stub(bin_dir, "python3.13", "Python 3.13.1")
    _stub(bin_dir, "python3.13-config", "Python 3.99.0")  # not an interpreter
    result = _newest([bin_dir], pyenv)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{newest}\n", "")


def test_versions_are_compared_as_numbers(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    _stub(bin_dir, "python3", "Python 3.8.18")
    _stub(bin_dir, "python3.9", "Python 3.9.18")
    ten = _stub(bin_dir, "python3.10", "Python 3.10.13")
    assert _newest([bin_dir], tmp_path / "pyenv").stdout == f"{ten}\n"


def test_nothing_newer_is_one_line_and_exit_1(machine: tuple[Path, Path]) -> None:
    bin_dir, pyenv = machine
    _stub(bin_dir, "python3.10", "Python 3.10.13")  # older: never chosen
    result = _newest([bin_dir], pyenv)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "newest-python: no Python newer than the default python3 (3.11) on PATH or in pyenv"
    ]


def test_pyenv_versions_count_and_failing_shims_do_not(machine: tuple[Path, Path]) -> None:
    bin_dir, pyenv = machine
    shims = bin_dir.parent / "shims"  # pyenv's shim for a version that is not selected fails
    shims.mkdir()
    (shims / "python3.13").write_text(
        "#!/bin/sh\necho 'pyenv: python3.13: command not found'\nexit 127\n"
    )
    (shims / "python3.13").chmod(0o755)
    _stub(pyenv / "versions" / "3.12.1" / "bin", "python3.12", "Python 3.12.1")
    newest = _stub(pyenv / "versions" / "3.13.0" / "bin", "python3.13", "Python 3.13.0")
    result = _newest([shims, bin_dir], pyenv)
    assert (result.returncode, result.stdout) == (0, f"{newest}\n")


def test_the_first_of_a_name_on_path_wins_as_in_the_shell(machine: tuple[Path, Path]) -> None:
    bin_dir, pyenv = machine
    first = _stub(bin_dir.parent / "first", "python3.13", "Python 3.13.2")
    _stub(bin_dir.parent / "later", "python3.13", "Python 3.13.9")
    result = _newest([bin_dir.parent / "first", bin_dir, bin_dir.parent / "later"], pyenv)
    assert result.stdout == f"{first}\n"


def test_pre_releases_and_pythons_without_venv_are_passed_over(
    machine: tuple[Path, Path],
) -> None:
    bin_dir, pyenv = machine
    _stub(bin_dir, "python3.14", "Python 3.14.0rc1")
    _stub(bin_dir, "python3.13", "Python 3.13.1", has_venv=False)  # Debian without python3.13-venv
    result = _newest([bin_dir], pyenv)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "newest-python: no Python newer than the default python3 (3.11) on PATH or in pyenv; "
        "without venv/ensurepip: python3.13 (3.13)"
    ]
    twelve = _stub(bin_dir, "python3.12", "Python 3.12.4")
    assert _newest([bin_dir], pyenv).stdout == f"{twelve}\n"


def test_the_default_is_the_one_named(machine: tuple[Path, Path]) -> None:
    bin_dir, pyenv = machine
    _stub(bin_dir, "python3.12", "Python 3.12.4")
    result = _newest([bin_dir], pyenv, str(_stub(bin_dir, "python3.12", "Python 3.12.4")))
    assert result.returncode == 1 and "(3.12)" in result.stderr


# .ci/run: the whole suite first, then the newest Python without the fault battery.


def _ci(tmp_path: Path, *, make_fails: bool = False) -> tuple[Path, Path]:
    """A copy of .ci/ in a fresh folder, and a bin folder with bash and a stub make."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    for script in ("run", "newest-python"):
        shutil.copy2(ROOT / ".ci" / script, repo / ".ci" / script)
    bin_dir = tmp_path / "bin"
    _stub(bin_dir, "python3", "Python 3.11.7")
    (bin_dir / "bash").symlink_to(BASH)
    log = tmp_path / "make.log"
    (bin_dir / "make").write_text(
        f'#!/bin/sh\necho "$*" >> {log}\n' + ("exit 1\n" if make_fails else "exit 0\n")
    )
    (bin_dir / "make").chmod(0o755)
    return repo, bin_dir


def _run_ci(tmp_path: Path, repo: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(bin_dir), "PYENV_ROOT": str(tmp_path / "pyenv"), "HOME": "/"}
    return subprocess.run(
        [BASH, repo / ".ci" / "run"], capture_output=True, text=True, env=env, timeout=30
    )


def _make_calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "make.log"
    return log.read_text().splitlines() if log.exists() else []


def test_ci_runs_the_suite_then_again_on_the_newest_python(tmp_path: Path) -> None:
    repo, bin_dir = _ci(tmp_path)
    newest = _stub(
        tmp_path / "pyenv" / "versions" / "3.13.0" / "bin", "python3.13", "Python 3.13.0"
    )
    result = _run_ci(tmp_path, repo, bin_dir)
    assert result.returncode == 0, result.stderr
    assert _make_calls(tmp_path) == ["test", f"test-newest PYTHON={newest}"]


def test_ci_says_in_one_line_why_it_runs_once(tmp_path: Path) -> None:
    repo, bin_dir = _ci(tmp_path)
    result = _run_ci(tmp_path, repo, bin_dir)
    assert result.returncode == 0, result.stderr
    assert _make_calls(tmp_path) == ["test"]
    assert result.stdout.splitlines() == [
        "ci: the suite runs on python3 only: no Python newer than the default python3 (3.11) "
        "on PATH or in pyenv"
    ]


def test_ci_stops_when_the_suite_fails(tmp_path: Path) -> None:
    repo, bin_dir = _ci(tmp_path, make_fails=True)
    _stub(bin_dir, "python3.13", "Python 3.13.0")
    assert _run_ci(tmp_path, repo, bin_dir).returncode != 0
    assert _make_calls(tmp_path) == ["test"]


# The Makefile: `make run` installs Sereno alone, the test targets add the extras, once.

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


#: What an outer make hands down (`make test-newest PYTHON=...` runs this suite inside one).
OUTER_MAKE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHON", "VENV", "NEWEST_VENV")


def _dry_run(venv: Path, target: str, *extra: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in OUTER_MAKE}
    result = subprocess.run(
        ["make", "-n", "-C", ROOT, f"VENV={venv}", *extra, target],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if not line.startswith("make")]


def _venv(tmp_path: Path, *stamps: str) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    for stamp in stamps:
        (venv / stamp).touch()
    return venv


def _installs(lines: list[str]) -> list[str]:
    return [line.split("pip install --quiet ")[1] for line in lines if "pip install" in line]


@needs_make
def test_make_run_installs_only_what_running_needs(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    lines = _dry_run(venv, "run")
    assert lines[0] == f"python3 -m venv {venv}"
    assert _installs(lines) == ["--upgrade pip", "-e '.[charts]'"]  # the report's chart too
    assert lines[-1] == f"{venv}/bin/sereno run"


@needs_make
@pytest.mark.parametrize("target", ["test", "smoke", "lint", "bench", "bench-served"])
def test_the_test_targets_install_the_extras(tmp_path: Path, target: str) -> None:
    lines = _dry_run(_venv(tmp_path, ".installed"), target)  # after `make run`
    assert _installs(lines) == ["--upgrade pip", "-e '.[charts,test]'"]


@needs_make
def test_make_run_after_make_test_installs_nothing(tmp_path: Path) -> None:
    venv = _venv(tmp_path, ".installed", ".installed-test")
    assert _dry_run(venv, "run") == [f"{venv}/bin/sereno run"]
    assert _installs(_dry_run(venv, "test")) == []


@needs_make
def test_make_test_newest_skips_the_fault_battery_in_its_own_venv(tmp_path: Path) -> None:
    newest = tmp_path / "newest"
    lines = _dry_run(
        tmp_path / "unused", "test-newest", "PYTHON=/opt/python3.13", f"NEWEST_VENV={newest}"
    )
    assert lines[0] == f"/opt/python3.13 -m venv {newest}"
    assert _installs(lines) == ["--upgrade pip", "-e '.[charts,test]'"]
    assert lines[-1] == f'{newest}/bin/python -m pytest -m "not faults"'
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert any(m.startswith("faults:") for m in config["markers"])  # the marker it deselects
