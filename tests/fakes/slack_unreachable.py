"""Slack unreachable: the fake's listening socket closed, then open again on the same port.

While `FakeSlack` refuses connections, every new connection to its port is refused
(``ECONNREFUSED``: nothing listens) and the connections already open, kept alive by a
client's pool, are closed, so no request reaches the fake and none is recorded. Socket
Mode websockets are closed too. `accept_connections` listens again on the same port, so
the URLs handed out before (``base_url``, response URLs) work again.

    async with unreachable(fake):       # or: await unreachable_for(fake, 30)
        ...                             # Slack is down

These reach into `FakeSlack`'s aiohttp runner; they live apart from `slack_api` so the
fake's lifecycle there stays as it is.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from .slack_api import FakeSlack


def _runner(fake: FakeSlack) -> web.AppRunner:
    runner = fake._runner
    assert runner is not None, "the fake is not started"
    return runner


def refusing(fake: FakeSlack) -> bool:
    """True while nothing listens on the fake's port."""
    return not _runner(fake).sites


async def refuse_connections(fake: FakeSlack) -> None:
    """Stop listening on the fake's port and drop every open connection and websocket."""
    runner = _runner(fake)
    for site in list(runner.sites):
        await site.stop()
    server = runner.server
    for handler in server.connections if server is not None else []:
        handler.force_close()
    for ws in list(fake._sockets):
        with contextlib.suppress(Exception):
            await ws.close(code=1006, message=b"fake slack unreachable")


async def accept_connections(fake: FakeSlack) -> None:
    """Listen again on the same port as before (no-op if already listening)."""
    runner = _runner(fake)
    if runner.sites:
        return
    site = web.TCPSite(runner, "127.0.0.1", fake.port)
    await site.start()


@contextlib.asynccontextmanager
async def unreachable(fake: FakeSlack) -> AsyncIterator[FakeSlack]:
    """Connections refused inside the block, accepted again after it (even on error)."""
    await refuse_connections(fake)
    try:
        yield fake
    finally:
        await accept_connections(fake)


async def unreachable_for(fake: FakeSlack, seconds: float) -> None:
    """Refuse connections for `seconds`, then listen again on the same port."""
    async with unreachable(fake):
        await asyncio.sleep(seconds)
