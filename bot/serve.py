"""The served process: every platform, its outbox, the reminders and retention, supervised.

One process, one event loop, one database. `serve_platforms` builds the App,
asks each configured platform for its jobs, adds the scheduler, the
retention job, the database check and the heartbeat (`bot.health`), and runs them
all under one `Supervisor` until SIGTERM/SIGINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from typing import Any

from bot.core.delivery.inbox_report import damage_reporter
from bot.health import Readiness, beat, heartbeat_path, storage_ready
from bot.settings import Settings
from bot.supervisor import Job, Supervisor
from bot.wiring import App, build, warm_up
from storage.checkpoint import checkpoint_when_quiet
from storage.db import watch_integrity

log = logging.getLogger(__name__)

RETENTION_INTERVAL = 24 * 3600.0
INBOX_TRIM_INTERVAL = 3600.0
INTEGRITY_FIRST_AFTER = 1.0  # the platforms connect first; then PRAGMA quick_check, off the loop
INTEGRITY_INTERVAL = 24 * 3600.0
SCHEDULER_MAX_SLEEP = 30.0
WARM_UP_WAIT = 10.0  # at most this long for the platforms to serve before warming up anyway
WARM_UP_POLL = 0.05


def _platform_jobs(name: str, app: App, opts: dict[str, Any]) -> list[Job]:
    if name == "slack":
        from handlers.slack.runner import jobs as slack_jobs

        return slack_jobs(app, **opts)
    if name == "discord":
        from handlers.discord.runtime import jobs as discord_jobs

        return discord_jobs(app)
    raise ValueError(f"unknown platform {name}")


async def _retention(settings: Settings) -> None:
    """Apply SERENO_RETENTION_DAYS at start-up, then once a day."""
    from bot.records_cli import apply_retention

    while True:
        forgotten = await asyncio.to_thread(apply_retention, settings)
        if forgotten:
            log.info("retention: forgot the customers of %s closed case(s)", forgotten)
        await asyncio.sleep(RETENTION_INTERVAL)


async def _trim_inbox(app: App) -> None:
    """Drop raw payloads of events worked over a day ago, and their rows after 8 days."""
    from bot.core.delivery.inbox import KEEP_PAYLOAD, KEEP_ROW

    while True:
        now = app.engine.clock.now()
        trimmed, dropped = app.store.inbox_trim(now - KEEP_PAYLOAD, now - KEEP_ROW)
        if trimmed or dropped:
            log.info("inbox: dropped %d payload(s) and %d old row(s)", trimmed, dropped)
        await asyncio.sleep(INBOX_TRIM_INTERVAL)


async def _checkpoint(app: App) -> None:
    """The log copied into the file in quiet moments, off the loop (`storage.checkpoint`)."""
    await checkpoint_when_quiet(app.store.db, app.settings.db_path, app.engine.on_outbox)


def _leads(settings: Settings) -> dict[str, str | None]:
    """Each platform's lead, when the lead is one person (a direct message can reach them)."""
    slack, discord = settings.slack_lead, settings.discord_lead
    return {
        "slack": slack if slack and slack[0] in "UW" else None,
        "discord": discord if discord and discord.isdigit() else None,
    }


async def _warm_up(app: App, jobs: list[Job]) -> None:
    """Once the platforms serve, load what the first complaint would wait for (`warm_up`),
    on a thread so events keep being taken; then nothing, until the process stops."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WARM_UP_WAIT
    ready = [job.ready for job in jobs if job.ready is not None]
    while not all(check() for check in ready) and loop.time() < deadline:
        await asyncio.sleep(WARM_UP_POLL)
    await asyncio.to_thread(warm_up, app)
    await asyncio.Event().wait()  # a job that returns is started again


def core_jobs(app: App) -> list[Job]:
    """The jobs every served process runs, whatever the platforms (retention when set)."""
    retention = [Job("retention", lambda: _retention(app.settings))]
    return [
        Job("scheduler", lambda: app.scheduler.run(max_sleep=SCHEDULER_MAX_SLEEP)),
        Job("inbox-trim", lambda: _trim_inbox(app)),
        Job("checkpoint", lambda: _checkpoint(app)),
        *(retention if app.settings.retention_days is not None else []),
        Job(
            "database-check",
            lambda: watch_integrity(
                app.settings.db_path,
                INTEGRITY_FIRST_AFTER,
                INTEGRITY_INTERVAL,
                damage_reporter(app.engine, _leads(app.settings)),
            ),
        ),
    ]


def serving_mode(settings: Settings, platforms: dict[str, dict[str, Any]]) -> str:
    """How the heartbeat names what runs: `slack-socket`, `slack-http`, `discord`, joined by +."""
    names = []
    for name, opts in platforms.items():
        if name == "slack":
            socket = bool(settings.slack_app_token) and not opts.get("http")
            names.append("slack-socket" if socket else "slack-http")
        else:
            names.append(name)
    return "+".join(names)


def healthz_url(settings: Settings, mode: str) -> str | None:
    """Where `sereno health` asks Slack's /healthz, in HTTP mode (from the same host)."""
    if "slack-http" not in mode.split("+"):
        return None
    host = settings.slack_host
    host = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.slack_port}/healthz"


def heartbeat_job(app: App, mode: str, jobs: list[Job]) -> Job:
    """The heartbeat next to the database: storage, and each platform's connection job."""
    readiness = Readiness(
        storage_ready(lambda: app.store.db.execute("select 1")),
        {job.group: job.ready for job in jobs if job.ready is not None},
    )
    path = heartbeat_path(app.settings.db_path)
    url = healthz_url(app.settings, mode)
    return Job("heartbeat", lambda: beat(path, mode, readiness, healthz=url))


def _collect_from_now_on() -> None:
    """The collector back on (`sereno` turns it off while starting). What start-up built
    lives as long as the process: frozen, later collections do not walk it again."""
    gc.enable()
    gc.freeze()


async def serve_platforms(settings: Settings, platforms: dict[str, dict[str, Any]]) -> int:
    """Serve the given platforms until SIGTERM/SIGINT (0) or until none is left (1)."""
    app: App = build(settings)
    try:
        jobs = [job for name, opts in platforms.items() for job in _platform_jobs(name, app, opts)]
        beating = heartbeat_job(app, serving_mode(settings, platforms), jobs)
        warming = Job("warm-up", lambda: _warm_up(app, jobs))
        supervisor = Supervisor([*jobs, *core_jobs(app), beating, warming])
        _collect_from_now_on()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, supervisor.stop)
        log.info("Sereno running on %s", ", ".join(platforms))
        try:
            return await supervisor.run()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
    finally:
        app.close()
