"""Is Sereno serving? The heartbeat the running process writes, and `sereno health`.

Socket Mode and Discord listen on no port, so a container's or a supervisor's health
check cannot ask the process. Instead the running process (every platform, and the
console) writes, every HEARTBEAT_EVERY seconds from its event loop, a small JSON file
next to the database, `<db>.heartbeat`:

    {"pid": 7, "time": "2026-12-02T10:00:00+00:00", "mode": "slack-socket+discord",
     "every": 5.0, "ready": {"storage": true, "slack": true, "discord": true},
     "healthz": null}

`sereno health` reads it: healthy (exit 0) when the beat is at most `max_age` seconds
old, the process that wrote it is alive, and storage and every platform are ready. In
Slack's HTTP mode the beat also names the `/healthz` address (`handlers.slack.health`),
and `sereno health` asks it too. Anything else: exit 1 and one line saying why.

A stuck event loop stops the beats, so the beat goes stale; a crash (SIGKILL) leaves a
beat whose writer is gone; a clean stop removes the beat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 5.0
MAX_AGE = 30.0  # six beats: a loaded machine may miss a few
HEALTHZ_WITHIN = 5.0
SUFFIX = ".heartbeat"
EXIT_UNHEALTHY = 1  # a health check treats every non-zero code alike; Docker reserves 2


def heartbeat_path(db_path: Path) -> Path:
    """Where the process serving `db_path` writes its heartbeat."""
    return db_path.with_name(db_path.name + SUFFIX)


def storage_ready(ping: Callable[[], object]) -> Callable[[], bool]:
    """A readiness check that runs `ping` (a trivial query) and is False on sqlite errors."""

    def ready() -> bool:
        try:
            ping()
        except sqlite3.Error:
            return False
        return True

    return ready


@dataclass
class Readiness:
    """What the process knows of itself: storage usable, each platform's client started."""

    storage: Callable[[], bool]
    platforms: Mapping[str, Callable[[], bool]] = field(default_factory=dict)

    def report(self) -> dict[str, bool]:
        """`{"storage": ..., "<platform>": ...}`, each True when ready."""
        return {"storage": self.storage(), **{k: bool(v()) for k, v in self.platforms.items()}}


def problem_in(ready: Mapping[str, object]) -> str | None:
    """Why a readiness report is not healthy, or None."""
    if not ready.get("storage"):
        return "storage is not open"
    waiting = [name for name, ok in ready.items() if name != "storage" and not ok]
    if waiting:
        return f"not ready: {', '.join(waiting)}"
    if len(ready) == 1:
        return "no platform to serve"
    return None


def write_heartbeat(path: Path, beat: Mapping[str, Any]) -> None:
    """Replace the heartbeat in one step, so a reader never sees half a file."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(beat), encoding="utf-8")
    os.replace(partial, path)


def read_heartbeat(path: Path) -> dict[str, Any] | None:
    """The heartbeat's contents; None when missing, {} when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


async def beat(
    path: Path,
    mode: str,
    readiness: Readiness,
    *,
    healthz: str | None = None,
    every: float = HEARTBEAT_EVERY,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Write the heartbeat now and every `every` seconds; remove it when cancelled.

    A write that fails (disk full, directory read-only) is logged once and tried again
    at the next beat: the health check then says the beat is stale, which is true."""
    failing = False
    try:
        while True:
            record = {
                "pid": os.getpid(),
                "time": now().isoformat(),
                "mode": mode,
                "every": every,
                "ready": readiness.report(),
                "healthz": healthz,
            }
            try:
                await asyncio.to_thread(write_heartbeat, path, record)
                failing = False
            except OSError as exc:
                if not failing:
                    log.warning("heartbeat: cannot write %s (%s); health checks fail", path, exc)
                failing = True
            await asyncio.sleep(every)
    finally:
        if (read_heartbeat(path) or {}).get("pid") == os.getpid():
            with contextlib.suppress(OSError):
                path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def diagnose(
    path: Path, now: datetime, max_age: float = MAX_AGE
) -> tuple[bool, str, dict[str, Any]]:
    """Whether the heartbeat at `path` says healthy; one line saying so or why not; the beat."""
    data = read_heartbeat(path)
    if data is None:
        return False, f"no heartbeat at {path}: is Sereno running on this database?", {}
    pid, written, mode, ready = (data.get(k) for k in ("pid", "time", "mode", "ready"))
    unreadable = (False, f"unreadable heartbeat at {path}", data)
    if not (isinstance(pid, int) and isinstance(written, str) and isinstance(ready, dict)):
        return unreadable
    try:
        age = (now - datetime.fromisoformat(written)).total_seconds()
    except (ValueError, TypeError):  # not a time, or one without its zone
        return unreadable
    if age > max_age:
        return False, f"heartbeat is {age:.0f} s old (limit {max_age:.0f} s): stuck or gone", data
    if not _alive(pid):
        return False, f"process {pid} that wrote the heartbeat is not running", data
    problem = problem_in(ready)
    if problem:
        return False, f"process {pid} ({mode}) is running but {problem}", data
    return True, f"healthy: process {pid} serving {mode}, heartbeat {age:.0f} s ago", data


def ask_healthz(url: str, timeout: float = HEALTHZ_WITHIN) -> str | None:
    """GET `url`; None when it answers 200, else one line saying what it answered."""
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with direct.open(url, timeout=timeout) as response:
            if response.status == 200:
                return None
            return f"{url} answered {response.status}"
    except urllib.error.HTTPError as exc:
        try:
            why = json.loads(exc.read()).get("why", "")
        except (ValueError, AttributeError, OSError):
            why = ""
        return f"{url} answered {exc.code}" + (f" ({why})" if why else "")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"{url} did not answer ({reason})"


def health(db_path: Path, max_age: float = MAX_AGE) -> int:
    """`sereno health`: 0 and one line when serving, 1 and one line saying why not."""
    ok, line, data = diagnose(heartbeat_path(db_path), datetime.now(UTC), max_age)
    url = data.get("healthz")
    if ok and isinstance(url, str):
        refused = ask_healthz(url)
        if refused:
            ok, line = False, refused
    print(f"sereno: {line}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else EXIT_UNHEALTHY
