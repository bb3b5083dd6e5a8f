"""The supervisor keeps every job running; the scheduler sleeps until the next due reminder."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.core.base.outbox import Fatal
from bot.supervisor import Job, Supervisor
from bot.wiring import App
from tests.conftest import complaint
from tests.support import FakeClock


async def _until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_failing_job_is_logged_once_and_restarted(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.supervisor.BACKOFF_FIRST", 0.01)
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(1)
        if len(runs) < 3:
            raise KeyError("odd payload")
        await asyncio.Event().wait()

    supervisor = Supervisor([Job("slack", flaky, "slack")])
    task = asyncio.create_task(supervisor.run())
    await _until(lambda: len(runs) == 3)
    supervisor.stop()
    assert await asyncio.wait_for(task, 5) == 0
    failures = [r for r in caplog.records if "slack failed" in r.getMessage()]
    assert len(failures) == 2 and "KeyError" in failures[0].getMessage()
    assert failures[0].exc_info and not failures[1].exc_info  # the traceback only once


async def test_a_fatal_error_stops_its_platform_and_only_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack_alive = asyncio.Event()
    cancelled: list[str] = []

    async def bad_token() -> None:
        await slack_alive.wait()  # every job is up, then the login is refused
        raise Fatal("DISCORD_BOT_TOKEN: rejected")

    async def forever(name: str) -> None:
        try:
            if name == "slack":
                slack_alive.set()
            await asyncio.Event().wait()
        finally:
            cancelled.append(name)

    supervisor = Supervisor(
        [
            Job("discord", bad_token, "discord"),
            Job("discord-outbox", lambda: forever("discord-outbox"), "discord"),
            Job("slack", lambda: forever("slack"), "slack"),
        ]
    )
    task = asyncio.create_task(supervisor.run())
    await _until(lambda: "discord-outbox" in cancelled)
    assert slack_alive.is_set() and "slack" not in cancelled and not task.done()
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "discord: DISCORD_BOT_TOKEN: rejected; discord stops, the other platforms keep running"
    ]
    supervisor.stop()
    assert await asyncio.wait_for(task, 5) == 0


async def test_when_no_platform_is_left_the_process_ends_with_1() -> None:
    async def bad_token() -> None:
        raise Fatal("SLACK_BOT_TOKEN: invalid_auth")

    async def scheduler() -> None:
        await asyncio.Event().wait()

    supervisor = Supervisor([Job("slack", bad_token, "slack"), Job("scheduler", scheduler)])
    assert await asyncio.wait_for(supervisor.run(), 5) == 1


async def test_the_scheduler_sleeps_until_the_next_due_reminder(app: App, clock: FakeClock) -> None:
    assert app.scheduler.seconds_to_next(30.0) == 30.0  # nothing pending: the cap
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    due = app.store.next_reminder_at()
    assert due is not None
    expected = (due - clock.now()).total_seconds()
    assert app.scheduler.seconds_to_next(10_000.0) == expected
    assert app.scheduler.seconds_to_next(30.0) == min(30.0, expected)


async def test_a_written_reminder_wakes_the_scheduler(app: App, clock: FakeClock) -> None:
    task = asyncio.create_task(app.scheduler.run(max_sleep=60.0))
    try:
        await asyncio.sleep(0.05)  # the scheduler is asleep, for up to a minute
        app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
        first = app.store.reminders_for(1)[0]
        clock.current = first.due_at  # the reminder falls due ...
        app.engine.notify()  # ... and any write wakes the scheduler, which pings at once
        await _until(lambda: app.store.get_reminder(first.id).status == "sent", timeout=2)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_on_stop_the_outbox_finishes_before_the_connection_closes() -> None:
    order: list[str] = []
    started = asyncio.Event()

    async def connection() -> None:
        try:
            started.set()
            await asyncio.Event().wait()
        finally:
            order.append("connection closed")

    async def outbox() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0.2)  # a send in flight, marked sent before the end
            order.append("outbox done")

    supervisor = Supervisor(
        [Job("slack", connection, "slack"), Job("slack-outbox", outbox, "slack", stop_first=True)]
    )
    task = asyncio.create_task(supervisor.run())
    await started.wait()
    supervisor.stop()
    assert await asyncio.wait_for(task, 5) == 0
    assert order == ["outbox done", "connection closed"]
