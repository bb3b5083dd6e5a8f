"""TOML files parsed once per content: the data kept as JSON beside the file, for the next start.

tomllib is pure Python: the reading rules (~85 KB) and the default playbook took ~28 ms
of every start to parse, where JSON of the same data reads in ~1 ms. The cache holds the
parsed data only, never code, and every start validates it as if freshly parsed. It is
used only when it names the file's exact content (SHA-256) and this Python (tomllib's
version), when the file and its folder are this user's (or root's) and nobody else can
write them; anything else (missing, corrupt, stale, foreign, a folder Sereno may not
write) is ignored and the TOML parsed as before. The folder is the file's `__pycache__`, as for
Python's own bytecode: whoever may change the cache may change the TOML beside it. Only
the files shipped in this package are kept so: Sereno writes nothing into a team's
playbook folder. The data is no secret (it ships with Sereno): others may read it, so an
image built as root can prepare it for the user it runs as (`python -m
playbooks.toml_cache`, in the Dockerfile).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

FOLDER = "__pycache__"
SHIPPED = Path(__file__).resolve().parent
FORMAT = 1
#: Bits that let someone else change a file or folder.
OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH
#: The one owner trusted besides the reader: root, who built the image (and owns the code).
TRUSTED_OWNER = 0


def cache_path(path: Path) -> Path:
    """Where the parsed data of `path` is kept."""
    return path.parent / FOLDER / f"{path.name}.json"


def load(path: Path, *, keep: bool | None = None) -> dict[str, Any]:
    """Parse the TOML file at `path`, from the cache when it holds this very content; `keep`
    (by default: for the files shipped with Sereno) reads and writes the cache.

    Raises what `tomllib.load` raises (OSError, UnicodeDecodeError, TOMLDecodeError)."""
    raw = path.read_bytes()
    if not (shipped(path) if keep is None else keep):
        return tomllib.loads(raw.decode("utf-8"))
    key = _key(raw)
    cached = _read(cache_path(path), key)
    if cached is not None:
        return cached
    data = tomllib.loads(raw.decode("utf-8"))
    _write(cache_path(path), key, data)
    return data


def shipped(path: Path) -> bool:
    """Whether `path` is one of the files shipped in this package."""
    try:
        return path.resolve().parent == SHIPPED
    except OSError:
        return False


def _key(raw: bytes) -> str:
    return f"{FORMAT}:{sys.version}:{hashlib.sha256(raw).hexdigest()}"


def _private(info: os.stat_result) -> bool:
    """This user's or root's (an image built as root), and nobody else may write it."""
    return info.st_uid in (os.geteuid(), TRUSTED_OWNER) and not info.st_mode & OTHERS_WRITE


def _read(cache: Path, key: str) -> dict[str, Any] | None:
    try:
        if not _private(cache.parent.stat()):
            return None
        fd = os.open(cache, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or not _private(info):
                return None
            kept = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None
    data = kept.get("data")
    return data if isinstance(data, dict) else None


def _write(cache: Path, key: str, data: dict[str, Any]) -> None:
    """Keep the data for the next start, when it can be (a failure only costs the gain)."""
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):  # dates and times have no JSON form: parse them each time
        return
    try:
        cache.parent.mkdir(mode=0o755, exist_ok=True)
        if not _private(cache.parent.stat()):
            return
        fd, temporary = tempfile.mkstemp(dir=cache.parent, prefix=".toml-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(temporary, 0o644)
            os.replace(temporary, cache)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return


def prepare(folder: Path = SHIPPED) -> list[Path]:
    """Parse every TOML file of `folder` into its cache now; the caches written."""
    for path in sorted(folder.glob("*.toml")):
        load(path, keep=True)
    return [p for p in sorted(folder.glob("*.toml")) if cache_path(p).exists()]


if __name__ == "__main__":
    for written in prepare():
        print(cache_path(written))
