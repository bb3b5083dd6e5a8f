"""FakeDiscord: Discord's REST API v10 and gateway on 127.0.0.1, for running the real discord.py.

One aiohttp server serves REST at ``http://127.0.0.1:P/api/v10`` and the gateway at
``ws://127.0.0.1:P/gateway``. Every REST call is recorded; faults can be injected.

`FakeDiscord` keeps the state, lifecycle, request log and fault injection here and mixes in:

* `discord_gateway`            the gateway, server side
* `discord_actions`            members of the world posting, reacting, running commands
* `discord_rest`               REST routing and the user, application and command routes
* `discord_rest_channels`      channel, message, thread list and reaction routes
* `discord_rest_threads`       starting threads, thread members, what a member can read
* `discord_rest_interactions`  interaction callbacks, follow-ups and webhook messages

Every write is first checked against Discord's documented limits (`discord_limits`): what
Discord refuses is answered 400 / 50035 with an ``errors`` tree, as Discord does. Each
message records whom it would notify (`discord_mentions`), honouring ``allowed_mentions``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from aiohttp import web

from . import discord_payloads as p
from .discord_actions import ActionsMixin
from .discord_gateway import GatewayMixin, GatewaySession
from .discord_records import (
    ALREADY_ACKNOWLEDGED,
    ERRORS,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    Fault,
    RecordedFile,
    RecordedRequest,
)
from .discord_rest import DROP, Handler, RestMixin
from .discord_rest_channels import ChannelRoutesMixin
from .discord_rest_interactions import InteractionRoutesMixin
from .discord_rest_threads import ThreadRoutesMixin

__all__ = [
    "ALREADY_ACKNOWLEDGED",
    "DROP",
    "ERRORS",
    "UNKNOWN_CHANNEL",
    "UNKNOWN_INTERACTION",
    "UNKNOWN_MESSAGE",
    "UNKNOWN_WEBHOOK",
    "FakeDiscord",
    "Fault",
    "GatewaySession",
    "Handler",
    "RecordedFile",
    "RecordedRequest",
    "running_fake_discord",
]


class FakeDiscord(
    GatewayMixin,
    ActionsMixin,
    RestMixin,
    ChannelRoutesMixin,
    ThreadRoutesMixin,
    InteractionRoutesMixin,
):
    """A tiny Discord: one guild (``world``), REST + gateway, request log and fault injection."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        world: p.World | None = None,
        heartbeat_interval_ms: int = 500,
        echo: bool = True,
    ) -> None:
        self.token = token
        self.world = world or p.World()
        self.ids = self.world.ids
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.echo = echo  # dispatch MESSAGE_CREATE etc. for the bot's own REST writes
        self.recorded: list[RecordedRequest] = []
        self.gateway_frames: list[dict] = []
        self.behind_ready: list[dict] = []  # MESSAGE_CREATEs sent right after the next READY
        self.messages: dict[int, dict] = {}
        self.dm_channels: dict[int, dict] = {}  # direct-message channels the bot opened
        self.reactions: dict[tuple[int, str], list[int]] = {}
        self.commands: dict[int | None, list[dict]] = {}
        self.interactions: dict[int, dict] = {}
        self.faults: list[Fault] = []
        self.session: GatewaySession | None = None
        self.connections = 0
        self._delivered = 0  # last sequence number written to the current socket
        self._ws: web.WebSocketResponse | None = None
        self._live = asyncio.Event()
        self._send_lock = asyncio.Lock()
        self._changed = asyncio.Condition()
        self._counter = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes = self._route_table()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close(code=1001, message=b"fake shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` and READY's ``resume_gateway_url``."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def patch_discord_py(self) -> Iterator[FakeDiscord]:
        """Point discord.py's REST base and default gateway here; restore them afterwards."""
        import discord.gateway
        import discord.http
        import yarl

        route, ws = discord.http.Route, discord.gateway.DiscordWebSocket
        old = route.BASE, ws.DEFAULT_GATEWAY
        route.BASE, ws.DEFAULT_GATEWAY = self.api_url, yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            route.BASE, ws.DEFAULT_GATEWAY = old

    # -- request log -----------------------------------------------------------------------

    def requests(
        self, method: str | None = None, path_contains: str | None = None
    ) -> list[RecordedRequest]:
        """Recorded REST requests, oldest first, optionally filtered."""
        return [r for r in self.recorded if _matches(r, method, path_contains)]

    async def wait_for(
        self,
        predicate: Callable[[RecordedRequest], bool] | str | None = None,
        path_contains: str | None = None,
        *,
        method: str | None = None,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[RecordedRequest]:
        """Wait until ``count`` recorded requests match; ``wait_for("POST", "/messages")``
        or ``wait_for(lambda r: ...)``. Returns the matches."""
        if isinstance(predicate, str):
            method, predicate = predicate, None

        def found() -> list[RecordedRequest]:
            hits = [r for r in self.requests(method, path_contains) if r.status]
            return [r for r in hits if predicate is None or predicate(r)]

        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(found()) >= count), timeout
                )
            except TimeoutError:
                seen = [f"{r.method} {r.path} -> {r.status}" for r in self.recorded]
                raise TimeoutError(
                    f"wanted {count} x {method or '*'} {path_contains or ''}; saw {seen}"
                ) from None
        return found()

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        *,
        retry_after: float = 0.1,
        times: int = 1,
        is_global: bool = False,
        body: dict | None = None,
    ) -> Fault:
        """Answer the next ``times`` requests matching (``re.search``) with an error.

        429 carries ``Via`` (else discord.py assumes a Cloudflare ban) and ``retry_after``.
        Status 0 (``DROP``) closes the connection unanswered, as a network failure does
        (aiohttp retries an idempotent request once on a fresh connection: use ``times=2``).
        """
        headers: dict[str, str] = {}
        if status == 429:
            body = body or {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            }
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Scope": "global" if is_global else "user",
            }
            if is_global:
                headers["X-RateLimit-Global"] = "true"
        fault = Fault(
            method.upper(),
            re.compile(path_regex),
            status,
            body or ERRORS.get(status, {"message": "error", "code": 0}),
            headers,
            times,
        )
        self.faults.append(fault)
        return fault


def _matches(rec: RecordedRequest, method: str | None, path_contains: str | None) -> bool:
    return (method is None or rec.method == method.upper()) and (
        path_contains is None or path_contains in rec.path
    )


@contextlib.asynccontextmanager
async def running_fake_discord(**kwargs: Any) -> AsyncIterator[FakeDiscord]:
    """Start a FakeDiscord and point discord.py at it for the duration."""
    async with FakeDiscord(**kwargs) as fake:
        with fake.patch_discord_py():
            yield fake
