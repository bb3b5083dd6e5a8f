"""The fake Slack's HTTP side: request parsing and recording, faults and rate mode, and
dispatch of ``/api/<method>`` and ``/respond/<id>`` requests."""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .slack_files import FILE_HANDLERS
from .slack_history import HISTORY_HANDLERS, RateLimitedError
from .slack_views import ViewsMixin
from .slack_web_methods import WEB_API_HANDLERS

# Params that slack_sdk sends JSON-encoded inside form data; decoded when recording.
_JSON_PARAMS = frozenset({"blocks", "attachments", "view", "files", "metadata", "users"})


@dataclass
class Call:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage"), or "respond" / "upload"
    params: dict[str, Any]  # query + JSON body or form fields; JSON-in-form fields decoded
    headers: dict[str, str]
    time: float  # time.monotonic() when received
    http_method: str = "POST"
    path: str = ""
    status: int = 200  # HTTP status the fake answered with
    response: dict[str, Any] = field(default_factory=dict)  # the JSON body it answered with
    text: str | None = None  # the body it answered with instead, when that was not JSON

    @property
    def ok(self) -> bool:
        if self.text is not None:  # a proxy's page: no client can read an answer in it
            return False
        return self.status == 200 and bool(self.response.get("ok", True))

    @property
    def token(self) -> str | None:
        auth = next((v for k, v in self.headers.items() if k.lower() == "authorization"), "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        return self.params.get("token")


@dataclass(eq=False)  # faults are told apart by identity in the queue
class _Fault:
    status: int
    retry_after: float | None
    error: str | None
    times: int
    channel: str | None = None  # only calls with this ``channel`` param (None: any call)
    until: float | None = None  # every matching call until this time.monotonic(), not `times`
    body: str | None = None  # answer this instead of Slack's JSON (a proxy's page)
    content_type: str = "text/html"  # of `body`


_API_HANDLERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    **WEB_API_HANDLERS,
    "views.open": ViewsMixin._views_open,
    **FILE_HANDLERS,
    **HISTORY_HANDLERS,
}


class HttpMixin:
    """`FakeSlack`'s HTTP plumbing; the state it uses is set up in `FakeSlack`."""

    def fail_for(
        self,
        method: str,
        seconds: float,
        status: int = 500,
        *,
        error: str | None = None,
        channel: str | None = None,
        retry_after: float | None = None,
        body: str | None = None,
        content_type: str = "text/html",
    ) -> None:
        """An outage: answer every call of `method` (to `channel`, if given) with a failure
        for the next `seconds`, then as usual again (see `FakeSlack.fail_next`; `body`: a
        non-JSON page instead of Slack's error, as a proxy in front of Slack answers)."""
        until = time.monotonic() + seconds
        fault = _Fault(status, retry_after, error, 0, channel, until, body, content_type)
        self._faults[method].append(fault)

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Fault | None:
        """The first pending fault for this call (oldest first), used up if counted."""
        queue = self._faults.get(method)
        if not queue:
            return None
        now, channel = time.monotonic(), str(params.get("channel", ""))
        for fault in list(queue):
            if fault.until is not None and now >= fault.until:
                queue.remove(fault)  # the outage is over
                continue
            if fault.channel is not None and fault.channel != channel:
                continue
            if fault.until is None:
                fault.times -= 1
                if fault.times <= 0:
                    queue.remove(fault)
            return fault
        return None

    def _check_rate(self, channel: str, now: float) -> float | None:
        """None if allowed (and counted), else seconds until allowed."""
        if self._rate_limit is None:
            return None
        hits = self._rate_hits[channel]
        while hits and now - hits[0] >= self._rate_window:
            hits.popleft()
        if len(hits) >= self._rate_limit:
            return self._rate_window - (now - hits[0])
        hits.append(now)
        return None

    async def _parse(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            ctype = request.content_type
            if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        params[key] = {"filename": value.filename, "content": value.file.read()}
                    else:
                        params[key] = value
            else:
                raw = await request.read()
                if raw:
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        params["_raw"] = raw
                    else:
                        if isinstance(body, dict):
                            params.update(body)
                        else:
                            params["_json"] = body
        for key in _JSON_PARAMS & params.keys():
            value = params[key]
            if isinstance(value, str) and value[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    def _record(self, method: str, request: web.Request, params: dict[str, Any]) -> Call:
        call = Call(
            method=method,
            params=params,
            headers=dict(request.headers),
            time=time.monotonic(),
            http_method=request.method,
            path=request.path,
        )
        self.records.append(call)
        return call

    @staticmethod
    def _answer(
        call: Call, body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        call.status = status
        call.response = body
        return web.json_response(body, status=status, headers=headers)

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._parse(request)
        call = self._record(method, request, params)

        fault = self._take_fault(method, params)
        if fault is not None:
            headers = {}
            if fault.retry_after is not None and fault.status == 429:
                headers["Retry-After"] = _fmt_seconds(fault.retry_after)
            default_error = {429: "ratelimited", 200: "fatal_error"}.get(
                fault.status, "internal_error"
            )
            if fault.body is not None:
                call.status, call.text = fault.status, fault.body
                return web.Response(
                    text=fault.body,
                    status=fault.status,
                    content_type=fault.content_type,
                    headers=headers,
                )
            return self._answer(
                call, {"ok": False, "error": fault.error or default_error}, fault.status, headers
            )

        if method == "chat.postMessage" and self._rate_limit is not None:
            wait = self._check_rate(str(params.get("channel", "")), call.time)
            if wait is not None:
                self.rate_limited_count += 1
                retry = self._rate_retry_after
                if retry is None:
                    retry = max(1, math.ceil(wait))
                return self._answer(
                    call,
                    {"ok": False, "error": "ratelimited"},
                    429,
                    {"Retry-After": _fmt_seconds(retry)},
                )

        handler = _API_HANDLERS.get(method)
        try:
            body = handler(self, params) if handler else {"ok": True}
        except RateLimitedError as limited:
            return self._answer(
                call,
                {"ok": False, "error": "ratelimited"},
                429,
                {"Retry-After": _fmt_seconds(limited.retry_after)},
            )
        return self._answer(call, body)

    async def _handle_respond(self, request: web.Request) -> web.Response:
        params = await self._parse(request)
        call = self._record("respond", request, params)
        return self._answer(call, {"ok": True})


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
