"""The parsed-TOML cache of the shipped playbook files (playbooks/toml_cache.py): used only
for the very content of the file, by this Python, when nobody else can write it."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest

from playbooks import toml_cache
from playbooks.rules import RULES_FILE

TOML = 'name = "rules"\nwords = ["ya basta", "never again"]\n[nested]\nlimit = 3\nratio = 0.5\n'
DATA = {"name": "rules", "words": ["ya basta", "never again"], "nested": {"limit": 3, "ratio": 0.5}}


@pytest.fixture
def file(tmp_path: Path) -> Path:
    path = tmp_path / "reading.toml"
    path.write_text(TOML, encoding="utf-8")
    return path


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every TOML parse from here on (the cache's hits parse nothing)."""
    seen: list[str] = []
    real = tomllib.loads

    def counted(text: str) -> dict[str, Any]:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(toml_cache.tomllib, "loads", counted)
    return seen


def test_the_second_load_reads_the_cache(file: Path, parses: list[str]) -> None:
    assert toml_cache.load(file, keep=True) == DATA
    assert toml_cache.load(file, keep=True) == DATA
    assert len(parses) == 1
    assert toml_cache.cache_path(file).stat().st_mode & 0o777 == 0o644  # data, no secret


def test_changed_content_is_parsed_again(file: Path, parses: list[str]) -> None:
    toml_cache.load(file, keep=True)
    file.write_text(TOML.replace("limit = 3", "limit = 4"), encoding="utf-8")
    assert toml_cache.load(file, keep=True)["nested"]["limit"] == 4
    assert len(parses) == 2


@pytest.mark.parametrize(
    "kept", [b"\x00garbage", b"[1, 2]", b'{"key": "1:other python:abc", "data": {}}', b""]
)
def test_a_corrupt_or_stale_cache_is_ignored_and_replaced(
    file: Path, parses: list[str], kept: bytes
) -> None:
    cache = toml_cache.cache_path(file)
    cache.parent.mkdir(mode=0o700)
    cache.write_bytes(kept)
    cache.chmod(0o600)
    assert toml_cache.load(file, keep=True) == DATA
    assert toml_cache.load(file, keep=True) == DATA
    assert len(parses) == 1  # the second load used the cache written by the first


def test_another_python_s_cache_is_not_used(
    file: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    toml_cache.load(file, keep=True)
    monkeypatch.setattr(toml_cache.sys, "version", "3.99.0 (another tomllib)")
    toml_cache.load(file, keep=True)
    assert len(parses) == 2


@pytest.mark.parametrize("opened", ["file", "folder"])
def test_a_cache_others_can_write_is_not_used(file: Path, parses: list[str], opened: str) -> None:
    toml_cache.load(file, keep=True)
    cache = toml_cache.cache_path(file)
    (cache if opened == "file" else cache.parent).chmod(0o666 if opened == "file" else 0o777)
    assert toml_cache.load(file, keep=True) == DATA
    assert len(parses) == 2


def test_a_cache_another_user_owns_is_not_used(
    file: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    toml_cache.load(file, keep=True)  # written by whoever runs the test
    monkeypatch.setattr(toml_cache, "TRUSTED_OWNER", -1)  # nobody owns a file as -1
    monkeypatch.setattr(toml_cache.os, "geteuid", lambda: os.getuid() + 1)  # someone else reads
    assert toml_cache.load(file, keep=True) == DATA
    assert len(parses) == 2


def test_a_link_in_place_of_the_cache_is_not_followed(
    file: Path, parses: list[str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"key": "x", "data": {"name": "planted"}}))
    cache = toml_cache.cache_path(file)
    cache.parent.mkdir(mode=0o700)
    cache.symlink_to(elsewhere)
    assert toml_cache.load(file, keep=True) == DATA
    assert len(parses) == 1


def test_dates_are_never_kept(tmp_path: Path, parses: list[str]) -> None:
    path = tmp_path / "dated.toml"
    path.write_text("since = 2026-12-03\n", encoding="utf-8")
    for _ in range(2):
        assert str(toml_cache.load(path, keep=True)["since"]) == "2026-12-03"
    assert len(parses) == 2 and not toml_cache.cache_path(path).exists()


def test_a_folder_it_cannot_write_costs_only_the_gain(file: Path, parses: list[str]) -> None:
    toml_cache.cache_path(file).parent.write_text("not a folder")
    assert toml_cache.load(file, keep=True) == DATA
    assert toml_cache.load(file, keep=True) == DATA
    assert len(parses) == 2


def test_a_team_s_files_are_parsed_each_time_and_nothing_is_written_beside_them(
    file: Path,
) -> None:
    assert not toml_cache.shipped(file)
    assert toml_cache.load(file) == DATA
    assert os.listdir(file.parent) == ["reading.toml"]


def test_the_shipped_rules_read_the_same_from_the_cache() -> None:
    assert toml_cache.shipped(RULES_FILE)
    parsed = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    assert toml_cache.load(RULES_FILE) == parsed
    assert toml_cache.load(RULES_FILE) == parsed  # from the cache, wherever it can be kept


def test_a_cache_root_prepared_serves_another_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The image: `python -m playbooks.toml_cache` at build time (root), read by uid 10001.
    Whoever runs the test plays root: the files are theirs, and the reader is 10001."""
    monkeypatch.setattr(toml_cache, "TRUSTED_OWNER", os.geteuid())
    for name in ("reading.toml", "default.toml"):
        (tmp_path / name).write_text(TOML, encoding="utf-8")
    assert toml_cache.prepare(tmp_path) == [tmp_path / "default.toml", tmp_path / "reading.toml"]
    monkeypatch.setattr(toml_cache.os, "geteuid", lambda: 10001)
    seen: list[str] = []
    monkeypatch.setattr(toml_cache.tomllib, "loads", lambda text: seen.append(text) or {})
    assert toml_cache.load(tmp_path / "reading.toml", keep=True) == DATA
    assert seen == []
