"""`sereno run` as a team starts it: a subprocess configured by environment variables only.

`Served` starts the process in its own working directory (so no ``.env`` is read), with an
environment built from scratch (PATH, HOME and Sereno's own settings; no proxies), sends
its stderr to a file per run for failure messages, stops it with SIGTERM (it must be gone
within 5 s) or kills it with SIGKILL, and starts it again on the same database.

`until` and `stays` are the only ways these tests wait: polls with a deadline, failing at
once, with the process's stderr, when the process died.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
STOP_WITHIN = 5.0  # issue 9, item 1: SIGTERM shuts down cleanly within 5 s
START_WITHIN = 20.0  # generous: two cores shared with other work
POLL = 0.01
SETTING_PREFIXES = ("SERENO_", "SLACK_", "DISCORD_")
CLEAN_EXITS = (0, 128 + signal.SIGTERM)  # not -15: that is death by the signal, unhandled


def served_env(config: dict[str, str]) -> dict[str, str]:
    """PATH, HOME and the given Sereno settings; nothing else from this process."""
    foreign = sorted(k for k in config if not k.startswith(SETTING_PREFIXES))
    assert not foreign, f"not a Sereno setting: {foreign}"
    home = os.environ.get("HOME", "/tmp")
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, **config}


class ProcessDied(AssertionError):
    """The served process ended while a test expected it to be running."""


@dataclass
class Served:
    """At most one `sereno run` process at a time, on one working directory and database."""

    workdir: Path
    config: dict[str, str]
    process: asyncio.subprocess.Process | None = None
    runs: int = 0

    @property
    def db(self) -> Path:
        return Path(self.config["SERENO_DB"])

    @property
    def log(self) -> Path:
        return self.workdir / f"stderr-{self.runs}.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> None:
        """Start `python -m bot run` (the `sereno run` command) in the working directory."""
        assert not self.running, "already running"
        self.runs += 1
        with self.log.open("wb") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.workdir,
                env=served_env(self.config),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )

    async def stop(self) -> int:
        """SIGTERM; fail unless the process is gone within STOP_WITHIN s. Its exit code."""
        process = self._live_process()
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(process.wait(), STOP_WITHIN)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise AssertionError(
                f"sereno run still running {STOP_WITHIN}s after SIGTERM\n{self.tail()}"
            ) from None
        assert time.monotonic() - started <= STOP_WITHIN
        return code

    async def kill(self) -> None:
        """SIGKILL: a crash, with no chance to finish anything."""
        process = self._live_process()
        process.kill()
        await process.wait()

    async def close(self) -> None:
        """End the process however it goes (fixture teardown)."""
        if not self.running:
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), STOP_WITHIN)
        except TimeoutError:
            await self.kill()

    def check_alive(self) -> None:
        """Raise ProcessDied, with the stderr tail, if the process is not running."""
        if not self.running:
            code = None if self.process is None else self.process.returncode
            raise ProcessDied(f"sereno run is not running (exit code {code})\n{self.tail()}")

    def stderr(self) -> str:
        """Everything the current run wrote to stderr so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 40) -> str:
        """The last lines of this run's stderr, for failure messages."""
        text = "\n".join(self.stderr().splitlines()[-lines:])
        return f"--- stderr of run {self.runs} ({self.log}) ---\n{text}"

    def _live_process(self) -> asyncio.subprocess.Process:
        self.check_alive()
        assert self.process is not None
        return self.process


async def until(
    check: Callable[[], T],
    *,
    timeout: float,
    what: str | Callable[[], str],
    served: Served | None = None,
) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if served is not None:
            served.check_alive()
        if time.monotonic() >= deadline:
            detail = what() if callable(what) else what
            tail = f"\n{served.tail()}" if served is not None else ""
            raise AssertionError(f"waited {timeout}s for {detail}{tail}")
        await asyncio.sleep(POLL)


async def stays(
    check: Callable[[], bool],
    *,
    seconds: float,
    what: str | Callable[[], str],
    served: Served | None = None,
) -> None:
    """Poll `check` for `seconds`; fail as soon as it stops holding."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            detail = what() if callable(what) else what
            raise AssertionError(f"no longer true: {detail}")
        if served is not None:
            served.check_alive()
        await asyncio.sleep(POLL)
    assert check(), what() if callable(what) else what


async def listening(port: int, served: Served, timeout: float = START_WITHIN) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while True:
        served.check_alive()
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() >= deadline:
                raise AssertionError(f"nothing listens on {port}\n{served.tail()}") from None
            await asyncio.sleep(0.05)
        else:
            writer.close()
            await writer.wait_closed()
            return


def case_opened_at(db: Path, case: int) -> datetime:
    """When the served process opened case `case` (read-only look at its database)."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT opened_at FROM cases WHERE id = ?", (case,)).fetchone()
    assert row is not None, f"no case #{case} in {db}"
    return datetime.fromisoformat(row[0])


def wall_time(monotonic: float) -> float:
    """A `time.monotonic()` reading of this process as a wall-clock timestamp."""
    return monotonic + (time.time() - time.monotonic())
