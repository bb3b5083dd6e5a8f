"""What Slack hears when Sereno cannot keep what it sends (a locked or full database):
events are not acknowledged, so Slack sends them again; a person's command or button
gets a polite line at once. Real bolt and slack_sdk against FakeSlack, a real SQLite
file held locked by another connection."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.base.ports import LanguageDetector
from bot.wiring import build
from handlers.slack.ingress import UNAVAILABLE_TEXT
from handlers.slack.runner import SlackRuntime
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import SECRET, Running, slack_settings
from tests.support import eventually

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."


@contextlib.contextmanager
def locked(db: Path) -> Iterator[None]:
    """Another process holds the database's write lock."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_an_event_sereno_cannot_keep_gets_503_and_its_retry_opens_the_case(
    slack: Running, db_path: Path
) -> None:
    event = sp.message_event("C1", "U-lucia", EN, sp.next_ts())
    with locked(db_path):
        raw, headers = sp.json_request(SECRET, sp.event_body(event, "Ev-locked"))
        status, _ = await slack.post(raw, headers)
    assert status == 503
    assert slack.app.store.db["cases"].count == 0
    raw, headers = sp.json_request(SECRET, sp.event_body(event, "Ev-locked"))
    headers["X-Slack-Retry-Num"] = "1"
    assert (await slack.post(raw, headers))[0] == 200  # Slack's retry, once it is free
    await eventually(lambda: slack.app.store.db["cases"].count == 1)


async def test_a_command_sereno_cannot_keep_gets_a_polite_line_at_once(
    slack: Running, db_path: Path
) -> None:
    form = sp.slash_command_form("/complaint", "list", "U-ana", "C1", slack.fake.response_url())
    with locked(db_path):
        status, body = await slack.post(*sp.form_request(SECRET, form))
    assert status == 200
    answer = json.loads(body)
    assert answer == {"response_type": "ephemeral", "text": UNAVAILABLE_TEXT}
    assert "Traceback" not in body and slack.fake.calls("respond") == []


async def test_socket_mode_leaves_an_event_it_cannot_keep_unacknowledged(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> None:
    app = build(slack_settings(db_path, fake, SLACK_APP_TOKEN="xapp-1-test"), detector=detector)
    runtime = SlackRuntime(app, socket_mode=True)
    runtime.start_drainer()
    handler = runtime.socket_handler()
    try:
        await handler.connect_async()
        body = sp.event_body(sp.message_event("C1", "U-lucia", EN, sp.next_ts()), "Ev-sock")
        with locked(db_path):
            envelope = await fake.push_envelope("events_api", body)
            await eventually(lambda: "cannot keep events" in caplog.text, timeout=5)
        assert envelope not in fake.acks  # Slack will deliver it again
        form = sp.slash_command_form("/complaint", "list", "U-ana", "C1", fake.response_url())
        with locked(db_path):
            ack = await fake.wait_ack(await fake.push_envelope("slash_commands", form))
        assert ack["payload"]["text"] == UNAVAILABLE_TEXT
        again = await fake.push_envelope("events_api", body, retry_attempt=1)
        await fake.wait_ack(again)
        await eventually(lambda: app.store.db["cases"].count == 1)
    finally:
        await handler.close_async()
        await runtime.stop()
        app.close()
