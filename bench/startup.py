"""Benchmark: start-up and idle memory, against the minimal Bolt app of `bench.served`.

In each round, in turn (the order alternating): `sereno slack --http` from spawn to its
port accepting connections, the Bolt app (AsyncApp on aiohttp, one reply per message) the
same, and `sereno console` from spawn to its answer to `/help` on a pipe. After each is up,
its resident memory (VmRSS) is read once it is idle: no CPU used for half a second.
Every process runs against the same fake Slack on 127.0.0.1 and a database of its own.
Sereno's bytecode is brought up to date first, as installing it does (pip compiles what it
installs, as it did Bolt's): in a checkout where PYTHONDONTWRITEBYTECODE is set, every
module edited since its last compile was otherwise compiled again at every start.
Run alone: `python -m bench.suite --only startup`.
"""

from __future__ import annotations

import asyncio
import compileall
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import apps, served
from bench.table import Row, limit_row, median, ratio_row
from tests.fakes.slack_api import FakeSlack
from tests.support import free_port

ROUNDS, QUICK_ROUNDS = 5, 1
START_LIMIT = 1.5
RSS_LIMIT_MB = 80.0
IDLE_FOR = 0.5  # seconds without CPU: the process is idle
IDLE_WAIT = 15.0  # at most this long for it
CONSOLE_TIMEOUT = 90.0
ROOT = Path(__file__).resolve().parent.parent
#: What of the checkout Sereno runs: its packages and its entry module.
SOURCES = ("bot", "handlers", "playbooks", "storage")


def compile_sereno(root: Path = ROOT) -> bool:
    """Write the bytecode of every Sereno module whose source changed; True when all compiled."""
    done = compileall.compile_file(root / "sereno_main.py", quiet=2)
    for name in SOURCES:
        done = compileall.compile_dir(root / name, quiet=2) and done
    return bool(done)


def sereno_command() -> list[str]:
    """The installed `sereno` script beside this Python, else `python -m bot`."""
    script = Path(sys.executable).parent / "sereno"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def start_slack_http(fake: FakeSlack, tmp: Path) -> apps.Served:
    """`sereno slack --http` on a free port, configured by the environment."""
    port = free_port()
    env = apps.base_env(fake, port) | {
        "SERENO_SLACK_CHANNELS": apps.CHANNEL,
        "SERENO_SLACK_AGENTS": "*",
        "SERENO_DB": str(tmp / f"slack-{port}.db"),
    }
    argv = [*sereno_command(), "slack", "--http", "--host", "127.0.0.1", "--port", str(port)]
    return apps.spawn("sereno-slack", argv, env, tmp, port)


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def idle_rss(pid: int) -> float:
    """VmRSS once the process has used no CPU for IDLE_FOR seconds (or after IDLE_WAIT)."""
    deadline = time.monotonic() + IDLE_WAIT
    last = apps.cpu_seconds(pid)
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        now = apps.cpu_seconds(pid)
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since >= IDLE_FOR:
            break
    return rss_mb(pid)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, and kill if it does not go."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def served_start(
    start: Callable[[FakeSlack, Path], apps.Served], fake: FakeSlack, tmp: Path
) -> tuple[float, float, float]:
    """Seconds from spawn to listening, idle MB after, and CPU seconds used to listen."""
    began = time.monotonic()
    app = start(fake, tmp)
    try:
        await apps.wait_listening(app)
        took = time.monotonic() - began
        cpu = apps.cpu_seconds(app.process.pid)
        return took, await idle_rss(app.process.pid), cpu
    finally:
        stop(app.process)


async def console_start(tmp: Path) -> tuple[float, float, float]:
    """Seconds from spawn to the console's first answer (to /help), idle MB after, and CPU
    seconds used until the answer."""
    drop = ("SERENO_", "SLACK_", "DISCORD_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    db = tmp / f"console-{time.monotonic_ns()}.db"
    began = time.monotonic()
    process = subprocess.Popen(
        [*sereno_command(), "console", "--db", str(db)],
        env=env, cwd=tmp, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"/help\n")
        process.stdin.flush()
        fd = process.stdout.fileno()
        answer = await asyncio.wait_for(asyncio.to_thread(os.read, fd, 1), CONSOLE_TIMEOUT)
        if not answer:
            raise RuntimeError("sereno console exited before answering /help")
        took = time.monotonic() - began
        cpu = apps.cpu_seconds(process.pid)
        return took, await idle_rss(process.pid), cpu
    finally:
        if process.stdin:
            process.stdin.close()
        stop(process)


async def measure(rounds: int) -> dict[str, list[float]]:
    """Start-up seconds and idle MB of each, `rounds` times, interleaved."""
    out: dict[str, list[float]] = {}
    compile_sereno()

    def keep(name: str, figures: tuple[float, float, float]) -> None:
        for unit, value in zip(("s", "mb", "cpu"), figures, strict=True):
            out.setdefault(f"{name}_{unit}", []).append(value)

    async with FakeSlack(users=served.CUSTOMERS) as fake:
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(rounds):
                order = ["slack", "bolt", "console"]
                for name in order if n % 2 == 0 else order[::-1]:
                    if name == "console":
                        keep(name, await console_start(Path(tmp)))
                    else:
                        start = start_slack_http if name == "slack" else apps.start_reference
                        keep(name, await served_start(start, fake, Path(tmp)))
    return out


def rows(quick: bool = False) -> list[Row]:
    """Start-up and idle memory rows."""
    m = {k: median(v) for k, v in asyncio.run(measure(QUICK_ROUNDS if quick else ROUNDS)).items()}
    bolt_mb = f"Bolt {m['bolt_mb']:.0f} MB"
    return [
        ratio_row(
            "startup", "start-up: `sereno slack --http` listening",
            m["slack_s"], m["bolt_s"], "s", START_LIMIT, "Bolt ",
        ),
        ratio_row(
            "startup_cpu", "start-up CPU (utime + stime until listening; steadier under load)",
            m["slack_cpu"], m["bolt_cpu"], "s", None, "Bolt ",
        ),
        limit_row(
            "startup_rss", "idle RSS of `sereno slack --http`", m["slack_mb"], "MB",
            RSS_LIMIT_MB, bolt_mb, m["slack_mb"] / m["bolt_mb"],
        ),
        ratio_row(
            "console_start", "console cold start (spawn → its answer to /help)",
            m["console_s"], m["bolt_s"], "s", START_LIMIT, "Bolt listening ",
        ),
        limit_row(
            "console_rss", "idle RSS of `sereno console`", m["console_mb"], "MB",
            RSS_LIMIT_MB, bolt_mb, m["console_mb"] / m["bolt_mb"],
        ),
    ]  # fmt: skip
