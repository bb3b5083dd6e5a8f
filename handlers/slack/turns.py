"""Taking a burst in slices: at most a few incoming requests are kept per turn of the loop.

Every step of the inbox worker and of the outbox (a post's answer, a lookup's) waits
for a turn of the event loop. A burst of a thousand signed requests arriving at once
would fill each turn with their checks and writes, so the first post would go only
once the whole burst was kept. Here a request waits for a turn with room before its
signature is checked and it is written; the loop comes round between slices, and
posting interleaves with the rest of the burst. Nothing is acknowledged earlier than
before: a request is still answered only once it is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

#: Requests let through per turn of the loop: a turn then lasts a few milliseconds of
#: checking and writing, and the posts and the inbox worker go between turns.
PER_TURN = 8
#: While a burst waits, the inbox worker works one event at most this often (seconds).
LULL = 0.1


class Turns:
    """Lets at most `per_turn` callers through per turn of the running loop, in order."""

    def __init__(self, per_turn: int = PER_TURN) -> None:
        self.per_turn = per_turn
        self._used = 0
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._armed = False
        self._drained = asyncio.Event()

    async def wait(self) -> None:
        """Return in a turn that still has room (at once when this one has)."""
        if self._used < self.per_turn and not self._waiting:
            self._used += 1
            self._arm()
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        self._arm()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._used -= 1  # let through but gone (the client hung up): free its room
            raise

    @property
    def waiting(self) -> int:
        """How many requests wait for a turn (a burst is being taken)."""
        return len(self._waiting)

    async def lull(self, at_most: float = LULL) -> None:
        """Wait while requests wait for a turn, at most `at_most` seconds: the inbox worker
        waits here between events, so a burst is acknowledged before most of it is worked
        (its first events are worked at once, and their posts go out meanwhile)."""
        if self._waiting:
            self._drained.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(at_most):
                    await self._drained.wait()
        await asyncio.sleep(0)  # a turn for what is ready (the outbox) before the next event

    def _arm(self) -> None:
        if not self._armed:
            self._armed = True
            asyncio.get_running_loop().call_soon(self._next_turn)

    def _next_turn(self) -> None:
        self._armed = False
        self._used = 0
        while self._waiting and self._used < self.per_turn:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                self._used += 1
        if not self._waiting:
            self._drained.set()
        if self._waiting or self._used:
            self._arm()


def in_turns(turns: Turns) -> Middleware:
    """An aiohttp middleware: each request waits for room in a turn (`Turns`) first."""

    @web.middleware
    async def sliced(request: web.Request, handler: Handler) -> web.StreamResponse:
        await turns.wait()
        return await handler(request)

    return sliced
