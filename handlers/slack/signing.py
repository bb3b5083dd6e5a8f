"""The gate in front of bolt over HTTP: Slack's signature and timestamp are checked on
the raw bytes before anything parses them, then the body's shape (`envelope`).

Unsigned, forged or stale requests get 401; signed ones Slack would never send get
400; either way one warning line, no traceback. The body is read and parsed once
here; the handler finds the parsed body under `request[BODY]`.
"""

from __future__ import annotations

import codecs
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from handlers.slack.envelope import Malformed, parse

log = logging.getLogger(__name__)
MAX_AGE = 300  # seconds: Slack's rule, and bolt's
SIGNATURE = "X-Slack-Signature"
BODY = web.RequestKey("sereno_slack_body", dict)
TIMESTAMP = "X-Slack-Request-Timestamp"
_SINGLE = (SIGNATURE, TIMESTAMP, "Content-Type")
_SECONDS = re.compile(r"[0-9]{1,12}")


class Refused(Exception):
    """Why a request does not reach bolt: its HTTP status and a reason for the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def expected_signature(secret: str, timestamp: str, raw: bytes) -> str:
    """`v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the signing secret."""
    base = b"v0:" + timestamp.encode("utf-8", "surrogateescape") + b":" + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: str, headers: Mapping[str, str], raw: bytes, now: float) -> None:
    """Refuse (401) a request Slack did not sign lately, (400) one with a bad timestamp."""
    signature, timestamp = headers.get(SIGNATURE), headers.get(TIMESTAMP)
    if not signature or timestamp is None:
        raise Refused(401, "not signed")
    try:
        expected = expected_signature(secret, timestamp, raw).encode()
        given = signature.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise Refused(401, "bad signature") from None
    if not hmac.compare_digest(expected, given):
        raise Refused(401, "bad signature")
    if not _SECONDS.fullmatch(timestamp):
        raise Refused(400, "timestamp is not a number of seconds")
    if abs(int(now) - int(timestamp)) > MAX_AGE:  # as bolt counts: whole seconds
        raise Refused(401, "stale timestamp")


def _check_charset(request: web.Request) -> None:
    """Bolt decodes with the charset the request names; Slack signs UTF-8."""
    charset = request.charset
    if charset is None:
        return
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        name = charset
    if name != "utf-8":
        raise Refused(400, "charset is not UTF-8")


async def _admit(request: web.Request, secret: str, now: float) -> dict[str, Any]:
    for name in _SINGLE:
        if len(request.headers.getall(name, ())) > 1:
            raise Refused(400, f"{name} given twice")
    try:
        raw = await request.read()  # aiohttp keeps the bytes for request.text() in bolt
    except web.HTTPRequestEntityTooLarge:
        raise Refused(413, "body too large") from None
    verify(secret, request.headers, raw, now)
    _check_charset(request)
    content_type = request.headers.get("Content-Type")
    try:
        return parse(raw, content_type.split(";")[0] if content_type else None)
    except Malformed as exc:
        raise Refused(400, str(exc)) from None


def signed_only(secret: str, clock: Callable[[], float] = time.time) -> Middleware:
    """An aiohttp middleware that lets only signed, well-formed Slack requests through."""

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.match_info.http_exception is not None:
            return await handler(request)  # aiohttp's own 404/405: no body is read
        try:
            request[BODY] = await _admit(request, secret, clock())
        except Refused as refused:
            log.warning(
                "Slack: refused a request from %s (%d: %s)",
                request.remote,
                refused.status,
                refused.reason,
            )
            return web.json_response({"error": refused.reason}, status=refused.status)
        return await handler(request)

    return gate
