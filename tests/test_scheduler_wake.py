"""The scheduler, woken by every write of the engine, takes the write lock only when a
reminder is due: a burst of new cases (each one a wake-up) costs it one look-up each."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.core.base.model import Actor
from bot.wiring import App
from tests.conftest import complaint
from tests.support import FakeClock


def count_locks(app: App) -> list[int]:
    """Count the scheduler's write transactions on `app`'s store."""
    taken = [0]
    lock = app.store.write_lock

    @contextmanager
    def counted() -> Iterator[Any]:
        taken[0] += 1
        with lock() as held:
            yield held

    app.store.write_lock = counted  # type: ignore[method-assign]
    return taken


async def pings(app: App) -> int:
    return app.store.db.execute("SELECT count(*) FROM outbox WHERE kind = 'ping'").fetchone()[0]


async def test_wake_ups_with_nothing_due_take_no_write_lock_and_a_due_reminder_is_pinged(
    app: App, clock: FakeClock
) -> None:
    taken = count_locks(app)
    task = asyncio.create_task(app.scheduler.run(max_sleep=30.0))
    try:
        for n in range(5):  # each new case wakes the scheduler; its reminders are not due
            who = Actor("test", f"U-{n}", f"Customer {n}")
            app.engine.open_case(complaint(f"My order {n} never arrived!", f"m-{n}", who))
            await asyncio.sleep(0.02)
        assert taken[0] == 0
        assert await pings(app) == 0
        clock.advance(days=3)  # every first-response reminder is due now
        app.engine.notify()
        for _ in range(200):  # bounded: 4 s at most
            if await pings(app):
                break
            await asyncio.sleep(0.02)
        assert await pings(app) >= 1
        assert taken[0] >= 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
