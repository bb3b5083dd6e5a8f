"""Socket Mode with the real client, and `sereno slack --http` driven from outside."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.core.base.ports import LanguageDetector
from bot.wiring import build
from handlers.slack.runner import SlackRuntime
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import SECRET, USERS, slack_settings
from tests.support import free_port

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(users=USERS) as server:
        yield server


async def test_socket_mode_end_to_end(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    settings = slack_settings(db_path, fake, SLACK_APP_TOKEN="xapp-1-test")
    app = build(settings, detector=detector)
    runtime = SlackRuntime(app, socket_mode=True)
    runtime.start_drainer()
    handler = runtime.socket_handler()
    try:
        await handler.connect_async()
        ts = sp.next_ts()
        body = sp.event_body(sp.message_event("C1", "U-lucia", EN, ts), "Ev-socket-1")
        first = await fake.push_envelope("events_api", body)
        await fake.wait_ack(first)
        await fake.wait_for("chat.postMessage", count=3, ok=True)
        # Socket Mode redelivers without retry fields: storage de-duplicates.
        again = await fake.push_envelope("events_api", body, retry_attempt=None)
        await fake.wait_ack(again)
        form = sp.slash_command_form("/complaint", "claim #1", "U-ana", "C1", fake.response_url())
        await fake.wait_ack(await fake.push_envelope("slash_commands", form))
        await fake.wait_for("respond", count=1)
        assert "assigned to ana" in fake.calls("respond")[-1].params["text"]
        await asyncio.sleep(0.2)
        assert app.store.db["cases"].count == 1
        assert [c.params["thread_ts"] for c in fake.calls("chat.postMessage")] == [ts] * 3
    finally:
        await handler.close_async()
        await runtime.stop()
        app.close()


async def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise TimeoutError("sereno slack did not start listening")


async def test_an_outside_harness_drives_sereno_slack_http(fake: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERENO_", "SLACK_"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.base_url,
            "SERENO_DB": str(tmp_path / "h.db"),
            "SERENO_SLACK_CHANNELS": "C1",
            "SERENO_SLACK_AGENTS": "U-ana",
        }
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "slack",
            "--http",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await _wait_listening(port, process)
        url = f"http://127.0.0.1:{port}/slack/events"
        ts = sp.next_ts()
        raw, headers = sp.json_request(
            SECRET, sp.event_body(sp.message_event("C1", "U-lucia", EN, ts))
        )
        forged_raw, forged = sp.json_request(
            "nope", sp.event_body(sp.message_event("C1", "U-lucia", EN))
        )
        async with aiohttp.ClientSession() as session:
            async with session.post(url, data=forged_raw, headers=forged) as response:
                assert response.status == 401
            async with session.post(url, data=raw, headers=headers) as response:
                assert response.status == 200
        posts = await fake.wait_for("chat.postMessage", count=3, ok=True, timeout=20)
        assert {c.params["thread_ts"] for c in posts} == {ts}
        assert posts[0].token == "xoxb-test"
    finally:
        process.terminate()
        process.wait(timeout=10)
