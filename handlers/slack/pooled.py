"""A Slack Web API client that keeps its connections open between calls.

slack_sdk's `AsyncWebClient` without a `session` opens an aiohttp session, and so a
new TCP connection, for every call, and closes it after: in a burst that is most of
the cost of a post. This client makes one session on first use, in the running event
loop (a session belongs to its loop), and hands it to every call, and to bolt's
per-request clients, which copy `session` from the app's client.

Its `api_call` sends a plain call (a JSON POST: chat.postMessage, chat.update; or query
parameters alone: users.info, conversations.info) as slack_sdk's does, byte for byte,
answered and retried by the same handlers, without slack_sdk's per-call work: its passes
over the arguments, its request and response objects for handlers that look only at
errors, and the debug strings it builds when its logger's own level is unset. slack_sdk's
own path still serves files, form data, extra headers, and every call while debug logging
is on.
"""

from __future__ import annotations

import asyncio
import logging
from json import dumps, loads
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

try:  # slack_sdk's own helpers, some private: the plain path says and builds what it does
    from slack_sdk.web.deprecation import show_deprecation_warning_if_any
    from slack_sdk.web.internal_utils import (
        _build_unexpected_body_error_message,
        _get_url,
        convert_bool_to_0_or_1,
    )
except ImportError:  # a slack_sdk that moved them: every call takes slack_sdk's own path
    PLAIN_PATH = False
else:
    PLAIN_PATH = True

#: At most this many tries of one call, whatever its retry handlers say (as slack_sdk).
MAX_TRIES = 100
#: slack_sdk's own retry handlers: each retries an error or an answer of HTTP 429, 500 or 503.
STATUS_HANDLERS = (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)


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
        """slack_sdk's `api_call`. A JSON POST (chat_postMessage, chat_update) or a call of
        query parameters alone (users_info, conversations_info) goes out on `_send_plain`:
        the same request, answered and retried the same way, without the work."""
        plain = files is None and data is None and not headers and auth is None
        if (
            PLAIN_PATH
            and plain
            and (json is None) != (params is None)
            and (json is None or http_verb == "POST")
            and not self._logger.isEnabledFor(logging.DEBUG)
        ):
            return await self._send_plain(api_method, http_verb, json, params)
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

    async def _send_plain(
        self,
        method: str,
        verb: str,
        body: dict[str, Any] | None,
        params: dict[str, Any] | None,
    ) -> AsyncSlackResponse:
        url = self._urls.get((self.base_url, method))
        if url is None:  # a method's first call (Python shows a warning once anyway)
            show_deprecation_warning_if_any(method)
            url = self._urls[self.base_url, method] = _get_url(self.base_url, method)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(self.headers)
        data: bytes | None = None
        if body is not None:
            for key, value in self.default_params.items():
                body.setdefault(key, value)
            headers["Content-Type"] = "application/json;charset=utf-8"
            data = dumps(body).encode()  # as aiohttp encodes `json=`: the same bytes
        if params is not None:
            params = {k: v for k, v in params.items() if v is not None}
            for key, value in self.default_params.items():
                params.setdefault(key, value)
            params = convert_bool_to_0_or_1(params)
        request = Request(verb, url, headers, data, params, body)
        state = RetryState()
        # an answer is shown to the handlers as slack_sdk does, unless they are slack_sdk's own,
        # which retry none below HTTP 400 (they look for 429, 500 and 503)
        judged = any(type(h) not in STATUS_HANDLERS for h in self.retry_handlers)
        for attempt in range(1, MAX_TRIES + 1):
            state.next_attempt_requested = False
            try:
                answer, status, answer_headers = await self._send_once(request)
            except Exception as exc:  # slack_sdk's handlers judge every error, as in api_call
                if attempt < MAX_TRIES and await self._retry(
                    state, request.for_handlers(), error=exc
                ):
                    continue
                raise
            if (judged or status >= 400) and attempt < MAX_TRIES:
                seen = HttpResponse(
                    status_code=status,
                    headers=answer_headers,  # type: ignore[arg-type]
                    **({"body": answer} if isinstance(answer, dict) else {"data": answer}),
                )
                if await self._retry(state, request.for_handlers(), response=seen):
                    continue
            break
        return AsyncSlackResponse(
            client=self,
            http_verb=verb,
            api_url=url,
            req_args={"headers": headers, "json": body, "params": params},
            data=answer,
            headers=answer_headers,  # type: ignore[arg-type]
            status_code=status,
        ).validate()

    async def _retry(
        self,
        state: RetryState,
        request: HttpRequest,
        error: Exception | None = None,
        response: HttpResponse | None = None,
    ) -> bool:
        """Whether a retry handler takes it (having waited as it says), as slack_sdk asks."""
        for handler in self.retry_handlers:
            if await handler.can_retry_async(
                state=state, request=request, response=response, error=error
            ):
                await handler.prepare_for_next_attempt_async(
                    state=state, request=request, response=response, error=error
                )
                return True
        return False

    async def _send_once(self, request: Request) -> tuple[Any, int, Any]:
        """One try: (the answer as slack_sdk reads it, the HTTP status, the headers)."""
        session = self.session
        assert session is not None  # a call runs in a loop
        extra: dict[str, Any] = {}
        if self.ssl is not None:
            extra["ssl"] = self.ssl
        if self.proxy:
            extra["proxy"] = self.proxy
        async with session.request(
            request.verb,
            request.url,
            params=request.params,
            data=request.data,
            headers=request.headers,
            **extra,
        ) as res:
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
            return answer, res.status, res.headers


class Request:
    """A plain call's request, and slack_sdk's view of it for retry handlers (made once,
    when a handler is asked)."""

    __slots__ = ("_seen", "body", "data", "headers", "params", "url", "verb")

    def __init__(
        self,
        verb: str,
        url: str,
        headers: dict[str, str],
        data: bytes | None,
        params: dict[str, Any] | None,
        body: dict[str, Any] | None,
    ) -> None:
        self.verb, self.url, self.headers = verb, url, headers
        self.data, self.params, self.body = data, params, body
        self._seen: HttpRequest | None = None

    def for_handlers(self) -> HttpRequest:
        if self._seen is None:
            self._seen = HttpRequest(
                method=self.verb,
                url=self.url,
                headers=self.headers,
                body_params=self.params,
                data=self.data,
            )
        return self._seen
