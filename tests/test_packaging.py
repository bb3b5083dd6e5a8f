"""The `sereno` command protects itself from packages that share its top-level names.

Each test makes a throwaway venv (no pip, offline) whose site-packages reach Sereno through a
.pth file, as an editable install does, with this interpreter's libraries after it; a fake
`storage` (the package index has a real one) is put in, as pip would install it."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

import sereno_main

ROOT = Path(__file__).resolve().parent.parent
RUN_ENTRY = "import sys, sereno_main; sys.exit(sereno_main.main())"  # as the console script


def _throwaway_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A plain venv reaching Sereno's checkout and this interpreter's libraries."""
    home = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(home)
    python = home / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    site = Path(purelib)
    libraries = sysconfig.get_paths()["purelib"]
    (site / "sereno.pth").write_text(f"{ROOT}\n{libraries}\n")
    return python, site


def _install_fake_storage(site: Path, *, files: bool = True) -> None:
    """What `pip install storage` leaves: the package and its dist-info."""
    if files:
        (site / "storage").mkdir()
        (site / "storage" / "__init__.py").write_text("NOT_SERENO = True\n")
    info = site / "storage-0.9.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: storage\nVersion: 0.9\n")
    (info / "RECORD").write_text("storage/__init__.py,,\nstorage-0.9.dist-info/METADATA,,\n")
    (info / "top_level.txt").write_text("storage\n")


def _sereno(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-c", RUN_ENTRY, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
        timeout=30,
    )


def test_without_a_clash_sereno_runs(tmp_path: Path) -> None:
    python, _ = _throwaway_venv(tmp_path)
    done = _sereno(python, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "usage: sereno" in done.stdout


def test_a_package_shadowing_storage_stops_sereno_with_one_line(tmp_path: Path) -> None:
    python, site = _throwaway_venv(tmp_path)
    _install_fake_storage(site)
    done = _sereno(python, "--help", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "'storage'" in lines[0] and str(site / "storage") in lines[0]
    assert "pipx" in lines[0] and "Docker" in lines[0] and "make run" in lines[0]


def test_a_package_merged_into_sereno_s_folder_is_named(tmp_path: Path) -> None:
    """pip installs the other `storage` over Sereno's own folder: its metadata tells."""
    python, site = _throwaway_venv(tmp_path)
    _install_fake_storage(site, files=False)
    done = _sereno(python, "run", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [done.stderr.strip()]
    assert "installed package storage also provides 'storage'" in done.stderr


def test_a_shadowed_bot_is_caught_too(tmp_path: Path) -> None:
    python, site = _throwaway_venv(tmp_path)
    (site / "bot.py").write_text("raise SystemExit('the other bot ran')\n")
    done = _sereno(python, "--help", cwd=tmp_path)
    assert done.returncode == 2
    assert "'bot' is imported from" in done.stderr and "other bot ran" not in done.stderr


def test_the_check_passes_here() -> None:
    assert sereno_main.clash() is None


@pytest.mark.parametrize("name", sereno_main.OWN_PACKAGES)
def test_the_check_imports_none_of_sereno_s_packages(name: str) -> None:
    code = "import sys, sereno_main; sereno_main.clash(); print(sorted(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert f"'{name}'" not in done.stdout


def test_the_sereno_command_is_the_entry_module() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["sereno"] == "sereno_main:main"
    assert "sereno_main" in project["tool"]["setuptools"]["py-modules"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
