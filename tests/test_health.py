"""`sereno health` answers from the heartbeat the running process writes next to its
database (issue 12 item 4); the served processes themselves are in
tests/acceptance/test_health.py."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.health import (
    MAX_AGE,
    Readiness,
    ask_healthz,
    beat,
    diagnose,
    heartbeat_path,
    problem_in,
    write_heartbeat,
)
from bot.serve import healthz_url, serving_mode
from bot.settings import Settings
from handlers.slack.health import healthz_first

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
SEEN_WITHIN = 10.0


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _beat(**changes: object) -> dict[str, object]:
    good: dict[str, object] = {
        "pid": os.getpid(),
        "time": (NOW - timedelta(seconds=4)).isoformat(),
        "mode": "slack-socket+discord",
        "every": 5.0,
        "ready": {"storage": True, "slack": True, "discord": True},
        "healthz": None,
    }
    return {**good, **changes}


def test_the_heartbeat_sits_next_to_the_database(tmp_path: Path) -> None:
    assert heartbeat_path(tmp_path / "sereno.db") == tmp_path / "sereno.db.heartbeat"


def test_a_fresh_heartbeat_of_a_live_ready_process_is_healthy(tmp_path: Path) -> None:
    path = tmp_path / "x.db.heartbeat"
    write_heartbeat(path, _beat())
    ok, line, _ = diagnose(path, NOW)
    assert ok, line
    assert line == f"healthy: process {os.getpid()} serving slack-socket+discord, heartbeat 4 s ago"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        (None, "no heartbeat at"),
        ({"time": "yesterday"}, "unreadable heartbeat"),
        ({"time": "2026-12-02T10:00:00"}, "unreadable heartbeat"),  # no zone
        ({"pid": "1"}, "unreadable heartbeat"),
        ({"ready": None}, "unreadable heartbeat"),
        ({"time": (NOW - timedelta(seconds=MAX_AGE + 15)).isoformat()}, "is 45 s old"),
        ({"pid": "dead"}, "that wrote the heartbeat is not running"),
        ({"ready": {"storage": False, "slack": True}}, "storage is not open"),
        ({"ready": {"storage": True, "discord": False}}, "not ready: discord"),
        ({"ready": {"storage": True}}, "no platform to serve"),
    ],
)
def test_otherwise_one_line_says_why(
    tmp_path: Path, changes: dict[str, object] | None, why: str
) -> None:
    path = tmp_path / "x.db.heartbeat"
    if changes is not None:
        given = _beat(**changes)
        if given["pid"] == "dead":
            given["pid"] = _dead_pid()
        path.write_text(json.dumps(given))
    ok, line, _ = diagnose(path, NOW)
    assert not ok
    assert why in line and "\n" not in line, line


def test_half_a_file_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.db.heartbeat"
    path.write_text('{"pid": 1, "ti')
    assert diagnose(path, NOW)[:2] == (False, f"unreadable heartbeat at {path}")


def test_max_age_is_the_callers_to_choose(tmp_path: Path) -> None:
    path = tmp_path / "x.db.heartbeat"
    write_heartbeat(path, _beat())
    assert not diagnose(path, NOW, max_age=3)[0]
    assert diagnose(path, NOW, max_age=5)[0]


def test_what_is_not_ready_is_named() -> None:
    assert problem_in({"storage": True, "slack": True}) is None
    assert problem_in({"storage": True, "slack": False, "discord": False}) == (
        "not ready: slack, discord"
    )


async def test_the_beat_is_rewritten_and_removed_when_stopped(tmp_path: Path) -> None:
    path = tmp_path / "x.db.heartbeat"
    connected = False
    readiness = Readiness(lambda: True, {"discord": lambda: connected})
    times = iter(NOW + timedelta(seconds=n) for n in range(10_000))
    task = asyncio.create_task(
        beat(path, "discord", readiness, every=0.01, now=lambda: next(times))
    )

    async def seen(check: object) -> dict[str, object]:
        async def poll() -> dict[str, object]:
            while True:
                if path.exists():
                    data = json.loads(path.read_text())
                    if check(data):  # type: ignore[operator]
                        return data
                await asyncio.sleep(0.005)

        return await asyncio.wait_for(poll(), SEEN_WITHIN)

    first = await seen(lambda d: True)
    assert first["pid"] == os.getpid() and first["mode"] == "discord"
    assert first["ready"] == {"storage": True, "discord": False}
    connected = True
    later = await seen(lambda d: d["ready"]["discord"])
    assert later["time"] > first["time"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not path.exists()
    assert not list(tmp_path.iterdir())  # no partial file left either


def test_modes_and_the_healthz_address_follow_the_settings() -> None:
    base = {
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "s",
        "SERENO_SLACK_CHANNELS": "C1",
        "SERENO_SLACK_AGENTS": "U1",
        "SERENO_SLACK_PORT": "3999",
    }
    http = Settings.from_env(base)
    socket = Settings.from_env({**base, "SLACK_APP_TOKEN": "xapp-1"})
    assert serving_mode(http, {"slack": {}}) == "slack-http"
    assert serving_mode(socket, {"slack": {}, "discord": {}}) == "slack-socket+discord"
    assert serving_mode(socket, {"slack": {"http": True}}) == "slack-http"  # sereno slack --http
    assert healthz_url(http, "slack-http") == "http://127.0.0.1:3999/healthz"
    assert healthz_url(socket, "slack-socket+discord") is None
    ipv6 = Settings.from_env({**base, "SERENO_SLACK_HOST": "::1"})
    assert healthz_url(ipv6, "slack-http") == "http://[::1]:3999/healthz"


async def test_healthz_answers_before_the_signature_gate() -> None:
    why: list[str | None] = ["Slack has not answered auth.test yet"]

    @web.middleware
    async def refuse_all(request: web.Request, handler: object) -> web.StreamResponse:
        return web.Response(status=401)

    application = web.Application(middlewares=[healthz_first(lambda: why[0]), refuse_all])
    async with TestClient(TestServer(application)) as client:
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"status": "starting", "why": why[0]}
        why[0] = None
        response = await client.get("/healthz")
        assert (response.status, await response.json()) == (
            200,
            {"status": "ok", "platform": "slack"},
        )
        assert (await client.head("/healthz")).status == 200
        assert (await client.post("/healthz")).status == 401  # only GET/HEAD skip the gate
        url = str(client.make_url("/healthz"))
        assert await asyncio.to_thread(ask_healthz, url) is None
        why[0] = "storage is not open"
        answer = await asyncio.to_thread(ask_healthz, url)
        assert answer == f"{url} answered 503 (storage is not open)"


def _sereno_health(db: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "health", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**base, "SERENO_DB": str(db), "PYTHONPATH": str(ROOT), **env},
        timeout=60,
    )


def test_sereno_health_exits_1_with_one_line_when_nothing_runs(tmp_path: Path) -> None:
    done = _sereno_health(tmp_path / "x.db", tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith(f"sereno: no heartbeat at {tmp_path / 'x.db.heartbeat'}")
    assert len(done.stderr.splitlines()) == 1


def test_sereno_health_exits_0_on_a_fresh_beat_and_honours_max_age(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    write_heartbeat(
        heartbeat_path(db),
        _beat(time=(datetime.now(UTC) - timedelta(seconds=3)).isoformat(), mode="discord"),
    )
    done = _sereno_health(db, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"sereno: healthy: process {os.getpid()} serving discord")
    stale = _sereno_health(db, tmp_path, "--max-age", "1")
    assert stale.returncode == 1 and "s old (limit 1 s)" in stale.stderr, stale.stderr


def test_bad_settings_make_sereno_health_exit_1_not_2(tmp_path: Path) -> None:
    """Docker reserves exit code 2 of a health check; a bad setting is just unhealthy."""
    done = _sereno_health(tmp_path / "x.db", tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert done.returncode == 1
    assert done.stderr.startswith("sereno: SERENO_SLACK_CHANNELS:")


def test_run_no_console_stops_with_one_line_when_no_token_is_set(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--no-console"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"sereno: {_no_platform()}"]
    assert not (tmp_path / "sereno.db").exists()


def _no_platform() -> str:
    from bot.__main__ import NO_PLATFORM

    return NO_PLATFORM
