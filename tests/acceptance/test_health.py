"""Health checks of the running process (issue 12 item 4), as a team's container or
service manager runs them: Slack's `GET /healthz` in HTTP mode, and `sereno health`
(from the heartbeat next to the database) in Socket Mode, on Discord and in the console,
each against a real `sereno` subprocess and the fake platforms."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import START_WITHIN, STOP_WITHIN, Served, listening, served_env
from tests.acceptance.slack_chat import USERS, SlackChat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
ROOT = Path(__file__).resolve().parents[2]
BEAT_EVERY = 5.0  # bot.health.HEARTBEAT_EVERY
#: A live process's beat is at most BEAT_EVERY old (plus a loaded machine's lag); a
#: frozen one's passes this soon after.
FROZEN_AFTER = BEAT_EVERY + 3.0
HEALTH_RUNS_WITHIN = 60.0


async def healthz(port: int) -> tuple[int, dict[str, object]]:
    """GET /healthz on Sereno's Events API port: the status and the JSON body."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, await response.json()


async def sereno_health(served: Served, *args: str) -> tuple[int, str]:
    """`sereno health` with the served process's settings: its exit code and its output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "health",
        *args,
        cwd=served.workdir,
        env={**served_env(served.config), "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), HEALTH_RUNS_WITHIN)
    assert process.returncode is not None
    return process.returncode, out.decode().strip()


async def health_until(served: Served, want: int, *args: str, timeout: float = START_WITHIN) -> str:
    """Run `sereno health` until it exits `want` (0, or non-zero for any other); its line.
    Fails after `timeout` s, or at once when the served process died."""
    deadline = time.monotonic() + timeout
    while True:
        code, line = await sereno_health(served, *args)
        if (code == 0) == (want == 0):
            assert len(line.splitlines()) == 1, line
            return line
        if want == 0:
            served.check_alive()
        if time.monotonic() >= deadline:
            raise AssertionError(f"sereno health still says {code}: {line}\n{served.tail()}")
        await asyncio.sleep(0.2)


async def test_healthz_answers_503_until_slack_answers_then_200(tmp_path: Path) -> None:
    async with FakeSlack(users=USERS) as fake:
        fake.fail_next("auth.test", status=500, times=10_000)  # Slack down at start
        slack = SlackChat(fake, socket_mode=False)
        served = Served(tmp_path, {**slack.settings(), "SERENO_DB": str(tmp_path / "x.db")})
        slack.attach(served)
        try:
            await served.start()
            await listening(slack.port, served)
            status, body = await healthz(slack.port)
            assert (status, body["status"]) == (503, "starting")
            assert body["why"] == "Slack has not answered auth.test yet"
            line = await health_until(served, 1)
            assert line.endswith("(slack-http) is running but not ready: slack"), line

            fake.heal("auth.test")  # Slack is back: Sereno asks again on its own

            async def answers_200() -> None:
                while (await healthz(slack.port))[0] != 200:
                    served.check_alive()
                    await asyncio.sleep(0.1)

            await asyncio.wait_for(answers_200(), START_WITHIN)
            assert await healthz(slack.port) == (200, {"status": "ok", "platform": "slack"})
            line = await health_until(served, 0)
            assert line.startswith("sereno: healthy: process ") and "slack-http" in line, line
        finally:
            await served.close()


async def test_sereno_health_follows_socket_mode_and_discord(tmp_path: Path) -> None:
    async with FakeSlack(users=USERS) as slack_fake, FakeDiscord() as discord_fake:
        slack, discord = SlackChat(slack_fake, socket_mode=True), DiscordChat(discord_fake)
        config = {**slack.settings(), **discord.settings(), "SERENO_DB": str(tmp_path / "x.db")}
        served = Served(tmp_path, config)
        slack.attach(served)
        discord.attach(served)
        try:
            code, line = await sereno_health(served)
            assert code == 1 and line.startswith("sereno: no heartbeat at "), line
            await slack.start()
            await discord.wait_ready(0)
            line = await health_until(served, 0)
            assert line.startswith(f"sereno: healthy: process {served.process.pid} ")  # type: ignore[union-attr]
            assert "serving slack-socket+discord" in line, line
            assert await served.stop() in (0, 143)
            code, line = await sereno_health(served)
            assert code == 1 and line.startswith("sereno: no heartbeat at "), line
        finally:
            await served.close()


async def test_a_frozen_then_a_crashed_discord_process_is_unhealthy(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        discord = DiscordChat(fake)
        served = Served(tmp_path, {**discord.settings(), "SERENO_DB": str(tmp_path / "x.db")})
        discord.attach(served)
        try:
            await discord.start()
            await health_until(served, 0)
            process = served.process
            assert process is not None
            process.send_signal(signal.SIGSTOP)  # alive, but its event loop does nothing
            try:
                stale = str(FROZEN_AFTER)
                line = await health_until(served, 1, "--max-age", stale, timeout=START_WITHIN)
                assert "s old (limit 8 s): stuck or gone" in line, line
            finally:
                process.send_signal(signal.SIGCONT)
            await health_until(served, 0, "--max-age", stale)  # beating again
            await served.kill()  # SIGKILL: the heartbeat stays, its writer is gone
            code, line = await sereno_health(served)
            assert code == 1 and f"process {process.pid} that wrote" in line, line
        finally:
            await served.close()


async def test_the_console_beats_too(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    config = {"SERENO_DB": str(db)}
    served = Served(tmp_path, config)
    env = {**served_env(config), "PYTHONPATH": str(ROOT)}
    console = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "console",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_WITHIN
        while True:
            code, line = await sereno_health(served)
            if code == 0:
                break
            assert console.returncode is None, "the console ended"
            assert time.monotonic() < deadline, line
            await asyncio.sleep(0.2)
        assert line.startswith(f"sereno: healthy: process {console.pid} serving console, "), line
        assert console.stdin is not None
        console.stdin.close()  # end of input: the console ends, and so does its beat
        assert await asyncio.wait_for(console.wait(), STOP_WITHIN) == 0
        assert not (tmp_path / "x.db.heartbeat").exists()
    finally:
        if console.returncode is None:
            os.kill(console.pid, signal.SIGKILL)
            await console.wait()
