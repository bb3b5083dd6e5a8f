"""A Slack Web API client that keeps its connections open between calls.

slack_sdk's `AsyncWebClient` without a `session` opens an aiohttp session, and so a
new TCP connection, for every call, and closes it after: in a burst that is most of
the cost of a post. This client makes one session on first use, in the running event
loop (a session belongs to its loop), and hands it to every call, and to bolt's
per-request clients, which copy `session` from the app's client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient


class PooledWebClient(AsyncWebClient):
    """`AsyncWebClient` with one kept-alive aiohttp session per event loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pool: aiohttp.ClientSession | None = None
        self._pool_loop: asyncio.AbstractEventLoop | None = None
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
