"""Signed requests checked first (issue 10, item 4).

Junk goes to a real aiohttp server built from `web_app(ingress, secret)`, with Sereno serving
FakeSlack: unsigned, forged or stale requests get 401, signed ones of no Slack shape
400, each with one warning line and no traceback; signed events still work, so bolt
still reads the body the gate read first.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDict

from bot.core.base.ports import LanguageDetector
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import Running, running, slack_settings
from tests.slack_requests import (
    JSON,
    Headers,
    as_form,
    as_json,
    event,
    loud,
    send,
    signed,
)

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.fixture
async def slack(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Running]:
    caplog.set_level(logging.INFO)
    async with running(slack_settings(db_path, fake), fake, detector) as r:
        yield r


def _unsigned() -> dict[str, tuple[bytes, Headers]]:
    now = int(time.time())
    good = event()
    unsigned = CIMultiDict({"Content-Type": JSON})
    no_v0 = signed(good)
    no_v0["X-Slack-Signature"] = no_v0["X-Slack-Signature"][3:]
    latin = signed(good)
    latin["X-Slack-Signature"] = "v0=\xe9t\xe9"
    return {
        "[1], no headers": (b"[1]", unsigned),
        "null, a timestamp only": (b"null", CIMultiDict({"X-Slack-Request-Timestamp": "1"})),
        "100k-deep arrays, a signature only": (DEEP, CIMultiDict({"X-Slack-Signature": "v0=0"})),
        "non-UTF-8 bytes": (b'{"type": "\xff"}', unsigned),
        "a non-numeric timestamp, unsigned": (
            good,
            CIMultiDict({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}),
        ),
        "another secret": (good, signed(good, secret="not-the-secret")),
        "a body changed after signing": (good + b" ", signed(good)),
        "a signature without v0=": (good, no_v0),
        "a non-ASCII signature": (good, latin),
        "stale by 310 s": (good, signed(good, ts=str(now - 310))),
        "310 s in the future": (good, signed(good, ts=str(now + 310))),
    }


def _malformed() -> dict[str, tuple[bytes, Headers]]:
    def payload(body: Any) -> tuple[bytes, Headers]:
        return as_form({"payload": json.dumps(body)})

    click = sp.block_action_payload("sereno:claim", "1", "U-ana", "C1", "1.2", None, "http://x")
    nested: list[Any] = []
    for _ in range(70):
        nested = [nested]
    good = event()
    twice = signed(good)
    twice.add("X-Slack-Signature", twice["X-Slack-Signature"])
    return {
        "invalid JSON": as_json(b'{"type": "event_callback", "event": {'),
        "[1]": as_json(b"[1]"),
        "null": as_json(b"null"),
        "a number": as_json(b"42"),
        "100k-deep arrays": as_json(DEEP),
        "100k-deep objects": as_json(b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        "70-deep arrays in an event": as_json(event(blocks=nested)),
        "an empty body": as_json(b""),
        "an object without type": as_json(b"{}"),
        "event_callback without event": as_json(b'{"type": "event_callback"}'),
        "an event that is a string": as_json(b'{"type": "event_callback", "event": "x"}'),
        "authorizations as a string": as_json(event({"authorizations": "ab"})),
        "a team that is a number": as_json(event({"team": 5})),
        "a channel that is a number": as_json(event(channel=5)),
        "a user that is an object": as_json(event(user={})),
        "text that is a list": as_json(event(text=["hi"])),
        "non-UTF-8 JSON": as_json(b'{"type": "\xff"}'),
        "a non-numeric timestamp": (good, signed(good, ts="soon")),
        "a timestamp in exponent form": (good, signed(good, ts="1e9")),
        "a Latin-1 charset": (good, signed(good, JSON + "; charset=latin-1")),
        "the signature given twice": (good, twice),
        "a form without payload": as_form(b"a=b"),
        "a form naming payload without one": as_form(b"a=payload"),
        "payload that is not JSON": as_form(b"payload=nope"),
        "payload [1]": payload([1]),
        "payload null": payload(None),
        "a click without actions": payload({**click, "actions": []}),
        "a click by a user id string": payload({**click, "user": "U-ana"}),
        "a click without response_url": payload({**click, "response_url": None}),
        "a command without user": as_form({"command": "/complaint", "text": "list"}),
    }


async def test_unsigned_forged_and_stale_requests_get_401_and_one_line(
    slack: Running, caplog: pytest.LogCaptureFixture
) -> None:
    failures = []
    for name, (raw, headers) in _unsigned().items():
        status, records = await send(slack, caplog, raw, headers)
        if status != 401 or len(records) != 1 or loud(records):
            failures.append((name, status, [r.getMessage() for r in records]))
    assert not failures
    assert slack.app.store.db["cases"].count == 0
    assert not slack.fake.calls("auth.test")  # bolt never saw them: it asks auth.test first


async def test_signed_but_malformed_requests_get_400_and_one_line(
    slack: Running, caplog: pytest.LogCaptureFixture
) -> None:
    failures = []
    for name, (raw, headers) in _malformed().items():
        status, records = await send(slack, caplog, raw, headers)
        if status != 400 or len(records) != 1 or loud(records):
            failures.append((name, status, [r.getMessage() for r in records]))
    assert not failures
    assert slack.app.store.db["cases"].count == 0


async def test_a_body_over_a_megabyte_gets_413_and_one_line(
    slack: Running, caplog: pytest.LogCaptureFixture
) -> None:
    raw = event(text="x" * 1_100_000)
    status, records = await send(slack, caplog, raw, signed(raw))
    assert status == 413 and len(records) == 1 and not loud(records)


async def test_signed_requests_still_reach_bolt_with_their_body(
    slack: Running, caplog: pytest.LogCaptureFixture
) -> None:
    challenge = as_json(b'{"type": "url_verification", "challenge": "c-42", "token": "t"}')
    status, records = await send(slack, caplog, *challenge)
    assert status == 200 and not records
    status, records = await send(slack, caplog, *as_form({"ssl_check": "1", "token": "t"}))
    assert status == 200 and not records
    raw, headers = as_json(event(text="My order 5521 arrived broken. I want a refund!"))
    lower = CIMultiDict((k.lower(), v) for k, v in headers.items())  # header case is free
    status, records = await send(slack, caplog, raw, lower)
    assert status == 200 and not records
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)
    await slack.delivered()
    # a command's form and a click's payload go through bolt's own verification too
    assert "#1" in await slack.command("list", "U-ana")
    header_ts = str(slack.fake.calls("chat.postMessage", ok=True)[0].response["ts"])
    assert "#1" in await slack.click("sereno:claim", "1", "U-ana", header_ts)
    async with aiohttp.ClientSession() as session, session.get(slack.url) as response:
        assert response.status == 405  # aiohttp's answer; no body read, nothing logged
    assert not loud(caplog.records) and not [r for r in caplog.records if r.levelno >= 30]
