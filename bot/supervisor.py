"""One supervisor for the served process: every job runs, and keeps running.

A job is a named coroutine that should run until the process stops: a
platform's connection, its outbox drainer, the reminder scheduler, the
retention job. The supervisor

- restarts a job that fails, with capped exponential backoff, logging each
  failure once with the job's name (the traceback only the first time);
- stops a job's whole group (its platform) with one line when the job raises
  `Fatal` (a revoked token, a refused intent), leaving the other groups alone;
- ends when every platform group has stopped, or when asked to stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core.base.outbox import Fatal

log = logging.getLogger(__name__)

BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
HEALTHY_AFTER = 60.0  # a job that ran this long starts its backoff afresh
CORE = "core"
# SIGTERM to exit within 5 s: outboxes first (sends in flight get 3 s), then the rest.
FIRST_STOP_WITHIN = 3.2
STOP_WITHIN = 1.5


@dataclass(frozen=True)
class Job:
    """A long-running piece of the served process."""

    name: str
    run: Callable[[], Awaitable[None]]
    group: str = CORE  # the platform it belongs to, or "core"
    #: Stopped before the others on shutdown (an outbox: its sends in flight finish
    #: while the platform's connection is still open, so they are marked sent).
    stop_first: bool = False
    #: For a platform's connection job: whether its client has started (connected, or
    #: listening), for the heartbeat and /healthz (`bot.health`). None: not a connection.
    ready: Callable[[], bool] | None = None


class Supervisor:
    """Runs jobs until stopped; see the module docstring for the rules."""

    def __init__(self, jobs: list[Job], backoff_cap: float = BACKOFF_CAP) -> None:
        self._jobs = jobs
        self._backoff_cap = backoff_cap
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._stopped_groups: set[str] = set()
        self._stop = asyncio.Event()
        self.fatal: list[str] = []

    def stop(self) -> None:
        """Ask every job to end (SIGTERM, SIGINT)."""
        self._stop.set()

    async def run(self) -> int:
        """Run every job; 0 after a requested stop, 1 when every platform stopped."""
        for job in self._jobs:
            self._tasks[job.name] = asyncio.create_task(self._keep(job), name=job.name)
        try:
            await self._stop.wait()
        finally:
            first = [self._tasks[j.name] for j in self._jobs if j.stop_first]
            await self._cancel(first, FIRST_STOP_WITHIN)
            await self._cancel([t for t in self._tasks.values() if t not in first], STOP_WITHIN)
        return 1 if self.fatal and not self._live_platforms() else 0

    def _live_platforms(self) -> set[str]:
        groups = {job.group for job in self._jobs if job.group != CORE}
        return groups - self._stopped_groups

    async def _keep(self, job: Job) -> None:
        delay, failures = BACKOFF_FIRST, 0
        while True:
            started = time.monotonic()
            try:
                await job.run()
                log.warning("%s ended by itself; starting it again", job.name)
            except asyncio.CancelledError:
                raise
            except Fatal as exc:
                self._stop_group(job, exc)
                return
            except Exception as exc:
                if time.monotonic() - started >= HEALTHY_AFTER:
                    delay, failures = BACKOFF_FIRST, 0
                failures += 1
                log.error(
                    "%s failed (%s: %s); restarting in %.0fs",
                    job.name,
                    type(exc).__name__,
                    exc,
                    delay,
                    exc_info=failures == 1,
                )
            await asyncio.sleep(delay)
            delay = min(self._backoff_cap, delay * 2)

    def _stop_group(self, job: Job, exc: Fatal) -> None:
        self.fatal.append(f"{job.name}: {exc}")
        self._stopped_groups.add(job.group)
        others = job.group != CORE and self._live_platforms()
        rest = "the other platforms keep running" if others else "nothing else to serve"
        log.error("%s: %s; %s stops, %s", job.name, exc, job.group, rest)
        mates = [
            self._tasks[j.name]
            for j in self._jobs
            if j.group == job.group and j.name != job.name and j.name in self._tasks
        ]
        for task in mates:
            task.cancel()
        if job.group != CORE and not self._live_platforms():
            self._stop.set()

    @staticmethod
    async def _cancel(tasks: list[asyncio.Task[None]], within: float) -> None:
        for task in tasks:
            task.cancel()
        _, late = await asyncio.wait(tasks, timeout=within) if tasks else (set(), set())
        for task in late:
            log.warning("%s did not stop within %.1fs; leaving it", task.get_name(), within)
        for task in tasks:
            if task.done() and not task.cancelled():
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    task.result()
