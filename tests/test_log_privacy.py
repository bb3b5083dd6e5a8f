"""Privacy in logs (issue 10, item 8): SDK loggers follow SERENO_LOG_SDK, so a served
Sereno at SERENO_LOG_LEVEL=DEBUG logs no customer's words; forget-customer says that
earlier copies still hold them.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.__main__ import SDK_LOGGERS, SLACK_CLIENT_LOGGERS, configure_logging
from bot.core.base.model import Actor
from bot.records_cli import forget
from bot.settings import Settings
from bot.wiring import App
from tests.conftest import complaint
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.support import free_port
from tests.test_storage_trust import RUN_WITHIN, SECRET, SERVED, damaged_database, sereno

CUSTOMER = "Zelda Quortz"
WORDS = "Order 5521 arrived CRACKED and nobody answers!!! I want a refund or I'm posting it."
USERS = {"U-zelda": CUSTOMER, "U-ana": "ana"}


def test_forgetting_a_customer_says_earlier_copies_still_hold_their_data(
    app: App, settings: Settings
) -> None:
    author = Actor("test", "U-zelda", CUSTOMER)
    assert app.engine.open_case(complaint(WORDS, "m-1", author=author)) is not None
    out = io.StringIO()
    assert forget(settings, "test:U-zelda", yes=True, out=out) == 0
    said = out.getvalue().splitlines()
    assert said[0] == "Forgot test:U-zelda in 1 case. Counts and durations are kept."
    assert said[1:] == [
        "Exports, reports and backups made before now still hold their data: "
        "delete those copies too."
    ]


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging changes process-wide levels: put them back."""
    names = ["", *SDK_LOGGERS, *SLACK_CLIENT_LOGGERS]
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.parametrize(("sdk_level", "logged"), [("WARNING", False), ("debug", True)])
async def test_the_slack_client_logs_request_bodies_only_when_asked(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    restored_logging: None,
    sdk_level: str,
    logged: bool,
) -> None:
    settings = Settings.from_env(
        {"SERENO_DB": str(tmp_path / "x.db"), "SERENO_LOG_LEVEL": "DEBUG"}
        | {"SERENO_LOG_SDK": sdk_level}
    )
    configure_logging(settings)  # what main() does
    caplog.set_level(logging.DEBUG, logger="")
    async with FakeSlack(users=USERS) as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        await client.chat_postMessage(channel="C1", text=WORDS)
        await client.users_info(user="U-zelda")
    seen = "\n".join(record.getMessage() for record in caplog.records)
    assert ("CRACKED" in seen) is logged and (CUSTOMER in seen) is logged


async def _wait_listening(port: int, process: subprocess.Popen[bytes], within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        assert process.poll() is None, "sereno slack --http stopped"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            assert time.monotonic() < deadline, "sereno slack --http did not start listening"
            await asyncio.sleep(0.1)
        else:
            writer.close()
            return


async def _wait_for_line(log: Path, needle: str, within: float) -> str:
    deadline = time.monotonic() + within
    while True:
        found = [line for line in log.read_text(errors="replace").splitlines() if needle in line]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no '{needle}' in the log within {within}s"
        await asyncio.sleep(0.1)


async def test_served_at_debug_checks_the_database_backs_up_and_logs_no_customer_words(
    tmp_path: Path,
) -> None:
    damaged_database(tmp_path / "served.db")
    port, log = free_port(), tmp_path / "stderr.log"
    async with FakeSlack(users=USERS) as fake:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **SERVED}
        env |= {"SLACK_API_URL": fake.base_url, "SERENO_DB": "served.db"}
        env |= {"SERENO_LOG_LEVEL": "DEBUG", "SERENO_SLACK_POST_INTERVAL": "0s"}
        args = ["slack", "--http", "--host", "127.0.0.1", "--port", str(port)]
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                env=env,
                cwd=tmp_path,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            await _wait_listening(port, process, RUN_WITHIN)
            raw, headers = sp.json_request(
                SECRET, sp.event_body(sp.message_event("C1", "U-zelda", WORDS, sp.next_ts()))
            )
            url = f"http://127.0.0.1:{port}/slack/events"
            async with (
                aiohttp.ClientSession() as session,
                session.post(url, data=raw, headers=headers) as response,
            ):
                assert response.status == 200
            await fake.wait_for("chat.postMessage", count=3, ok=True, timeout=RUN_WITHIN)
            damage = await _wait_for_line(log, "database check:", RUN_WITHIN)
            assert " ERROR storage.db: " in damage and "is damaged" in damage
            made = await asyncio.to_thread(
                sereno, tmp_path, "backup", "while-serving.db", SERENO_DB="served.db"
            )
            assert made.returncode == 0 and made.stdout.endswith(", 1 case.\n"), made.stderr
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    text = log.read_text(errors="replace")
    assert "DEBUG" in text  # Sereno's own debug lines are there ...
    for private in (CUSTOMER, "Quortz", "CRACKED", WORDS):  # ... the customer's words are not
        assert private not in text, f"{private!r} in the log:\n{text[-3000:]}"
