"""The two apps `bench.served` and `bench.startup` run: how they are started and watched.

Both are subprocesses in Slack's HTTP mode, configured by the environment only, posting
to the project's fake Slack on 127.0.0.1. The reference is a tiny Bolt app written here
(AsyncApp on aiohttp) that posts one reply in the thread of each message.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.slack_api import PROXY_ENV_VARS, FakeSlack
from tests.support import free_port

SECRET = "bench-signing-secret"
CHANNEL = "C1"
START_TIMEOUT = 90.0

REFERENCE_APP = """
import os
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])


@app.event("message")
async def on_message(event, client):
    await client.chat_postMessage(
        channel=event["channel"], thread_ts=event["ts"], text="Thanks, we are looking into it."
    )


app.start(port=int(os.environ["PORT"]), path="/slack/events", host="127.0.0.1")
"""


@dataclass
class Served:
    """A served process under test and where it listens."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"


def base_env(fake: FakeSlack, port: int) -> dict[str, str]:
    drop = ("SERENO_", "SLACK_", "DISCORD_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    for name in PROXY_ENV_VARS:  # slack_sdk ignores NO_PROXY
        env.pop(name, None)
    env.update(
        {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
            "PORT": str(port),
        }
    )
    return env


def spawn(name: str, argv: list[str], env: dict[str, str], tmp: Path, port: int) -> Served:
    log = tmp / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, env=env, cwd=tmp, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    return Served(name, process, port, log)


def start_reference(fake: FakeSlack, tmp: Path) -> Served:
    """The minimal Bolt app: one reply in the thread per message."""
    port = free_port()
    script = tmp / "reference_app.py"
    script.write_text(REFERENCE_APP, encoding="utf-8")
    return spawn("reference", [sys.executable, str(script)], base_env(fake, port), tmp, port)


async def wait_listening(served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if served.process.poll() is not None:
            raise RuntimeError(f"{served.name} exited:\n{served.log.read_text()[-2000:]}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", served.port)
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{served.name} not listening after {START_TIMEOUT}s") from None
            await asyncio.sleep(0.005)  # start-up is a row of its own: a fine grain
        else:
            writer.close()
            return


@contextlib.asynccontextmanager
async def serving(
    start: Callable[[FakeSlack, Path], Served], fake: FakeSlack, tmp: Path
) -> AsyncIterator[Served]:
    """Start a served process, wait until it listens, stop it at the end."""
    served = start(fake, tmp)
    try:
        await wait_listening(served)
        yield served
    finally:
        served.process.terminate()
        try:
            served.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
