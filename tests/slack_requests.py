"""Requests as Slack sends them, and as it never would, for the signing tests."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from multidict import CIMultiDict

from tests.fakes import slack_payloads as sp
from tests.slack_harness import SECRET, Running

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
Headers = CIMultiDict[str]


def signed(
    raw: bytes, content_type: str = JSON, *, ts: str | None = None, secret: str = SECRET
) -> Headers:
    """Headers as Slack signs them, for any timestamp text."""
    stamp = str(int(time.time())) if ts is None else ts
    base = b"v0:" + stamp.encode() + b":" + raw
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return CIMultiDict(
        {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": f"v0={digest}",
        }
    )


async def send(
    slack: Running, caplog: pytest.LogCaptureFixture, raw: bytes, headers: Headers
) -> tuple[int, list[logging.LogRecord]]:
    """The status, and what was logged while the request was answered."""
    before = len(caplog.records)
    async with (
        aiohttp.ClientSession() as session,
        session.post(slack.url, data=raw, headers=headers) as response,
    ):
        await response.read()
        return response.status, caplog.records[before:]


def loud(records: list[logging.LogRecord]) -> list[str]:
    """Why these records break "at most one line, no traceback" (empty when they don't)."""
    problems = [f"{len(records)} records"] if len(records) > 1 else []
    for r in records:
        if r.exc_info or r.stack_info or "Traceback" in r.getMessage():
            problems.append(f"traceback: {r.getMessage()[:80]}")
    return problems


def answering(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """The records of the gate and bolt; listeners of earlier events may log meanwhile."""
    return [r for r in records if r.name.startswith(("handlers.slack.signing", "slack_bolt"))]


def event(top: dict[str, Any] | None = None, **changes: Any) -> bytes:
    """A signed-able message event, its event fields (and top-level ones) changed."""
    body = sp.event_body(sp.message_event("C1", "U-lucia", "My order is broken!!"))
    body["event"].update(changes)
    body.update(top or {})
    return json.dumps(body).encode()


def as_json(raw: bytes) -> tuple[bytes, Headers]:
    return raw, signed(raw)


def as_form(fields: dict[str, str] | bytes) -> tuple[bytes, Headers]:
    raw = fields if isinstance(fields, bytes) else urlencode(fields).encode()
    return raw, signed(raw, FORM)
