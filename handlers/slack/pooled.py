"""A Slack Web API client that keeps its connections open between calls.

slack_sdk's `AsyncWebClient` without a `session` opens an aiohttp session, and so a
new TCP connection, for every call, and closes it after: in a burst that is most of
the cost of a post. This client makes one session on first use, in the running event
loop (a session belongs to its loop), and hands it to every call, and to bolt's
per-request clients, which copy `session` from the app's client.

Its `api_call` sends a plain JSON call (chat.postMessage, chat.update) as slack_sdk's does,
byte for byte, without slack_sdk's per-call work: the request and retry-state objects, and
the debug strings it formats on every call (its logger's own level is NOTSET, which it takes
for debug), the whole message among them. slack_sdk's own path still serves every other
call, and every call while debug logging is on or retry handlers other than its default
(a dropped connection tried once more) are set.
"""

from __future__ import annotations

import asyncio
import logging
from json import dumps, loads
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.web.internal_utils import _build_unexpected_body_error_message, _get_url


class PooledWebClient(AsyncWebClient):
    """`AsyncWebClient` with one kept-alive aiohttp session per event loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pool: aiohttp.ClientSession | None = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
        self._urls: dict[tuple[str, str], str] = {}  # (base_url, method): its URL
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def session(self) -> aiohttp.ClientSession | None:
        """The session of the running loop, made on first use (None outside a loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._pool
        if self._pool is None or self._pool.closed or self._pool_loop not in (None, loop):
            # the call's own timeout: slack_sdk reads it from the session it is given
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            self._pool = aiohttp.ClientSession(timeout=timeout)
        self._pool_loop = loop
        return self._pool

    @session.setter
    def session(self, value: aiohttp.ClientSession | None) -> None:
        self._pool, self._pool_loop = value, None

    async def close(self) -> None:
        """Close the kept connections (a later call opens them again)."""
        pool, loop, self._pool = self._pool, self._pool_loop, None
        if pool is not None and not pool.closed and loop in (None, asyncio.get_running_loop()):
            await pool.close()

    async def api_call(  # type: ignore[override]
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: Any = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: Any = None,
    ) -> AsyncSlackResponse:
        """slack_sdk's `api_call`; a plain JSON POST (what `chat_postMessage` and
        `chat_update` make) goes out on `_post_json`, the same request without the work."""
        if (
            json is None
            or http_verb != "POST"
            or files is not None
            or data is not None
            or params is not None
            or headers
            or auth is not None
            or self._logger.isEnabledFor(logging.DEBUG)
            or any(type(h) is not AsyncConnectionErrorRetryHandler for h in self.retry_handlers)
        ):
            return await super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )
        return await self._post_json(api_method, json)

    async def _post_json(self, method: str, body: dict[str, Any]) -> AsyncSlackResponse:
        url = self._urls.get((self.base_url, method))
        if url is None:
            url = self._urls[self.base_url, method] = _get_url(self.base_url, method)
        for key, value in self.default_params.items():
            body.setdefault(key, value)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(self.headers)
        headers["Content-Type"] = "application/json;charset=utf-8"
        data = dumps(body).encode()  # as aiohttp encodes `json=`: the same bytes
        state: RetryState | None = None
        while True:
            try:
                return await self._post_once(url, data, headers, body)
            except Exception as exc:  # slack_sdk's handlers judge every error, as in api_call
                state = state or RetryState()
                request = HttpRequest(method="POST", url=url, headers=headers, data=data)
                if not await self._retry(state, request, exc):
                    raise

    async def _retry(self, state: RetryState, request: HttpRequest, error: Exception) -> bool:
        for handler in self.retry_handlers:
            if await handler.can_retry_async(state=state, request=request, error=error):
                await handler.prepare_for_next_attempt_async(
                    state=state, request=request, error=error
                )
                return True
        return False

    async def _post_once(
        self, url: str, data: bytes, headers: dict[str, str], body: dict[str, Any]
    ) -> AsyncSlackResponse:
        session = self.session
        assert session is not None  # a call runs in a loop
        extra: dict[str, Any] = {}
        if self.ssl is not None:
            extra["ssl"] = self.ssl
        if self.proxy:
            extra["proxy"] = self.proxy
        async with session.post(url, data=data, headers=headers, **extra) as res:
            answer: Any
            if res.content_type == "application/json":
                raw = await res.read()
                try:
                    answer = loads(raw) if raw.strip() else None
                except ValueError as exc:  # what slack_sdk says of a body that is not JSON
                    text = raw.decode(errors="replace")
                    raise SlackApiError(_build_unexpected_body_error_message(text), res) from exc
            elif res.content_type == "text/plain":
                answer = await res.text()
            else:
                try:
                    answer = await res.json()
                except aiohttp.ContentTypeError:
                    answer = {}
            return AsyncSlackResponse(
                client=self,
                http_verb="POST",
                api_url=url,
                req_args={"headers": headers, "json": body},
                data=answer,
                headers=res.headers,  # type: ignore[arg-type]
                status_code=res.status,
            ).validate()
