"""Running chat platforms together: one process, one event loop, one database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.settings import Settings
from bot.wiring import App, build

log = logging.getLogger(__name__)

Server = Callable[..., Awaitable[None]]
SCHEDULER_INTERVAL = 15.0
RETENTION_INTERVAL = 24 * 3600.0


def _server(name: str) -> Server:
    if name == "slack":
        from handlers.slack.runner import serve as serve_slack

        return serve_slack
    if name == "discord":
        from handlers.discord import serve as serve_discord

        return serve_discord
    raise ValueError(f"unknown platform {name}")


async def _retention(settings: Settings) -> None:
    """Apply SERENO_RETENTION_DAYS once a day (and at startup)."""
    from bot.records_cli import apply_retention

    while settings.retention_days is not None:
        forgotten = await asyncio.to_thread(apply_retention, settings)
        if forgotten:
            log.info("retention: forgot the customers of %s closed case(s)", forgotten)
        await asyncio.sleep(RETENTION_INTERVAL)


async def serve_platforms(settings: Settings, platforms: dict[str, dict[str, Any]]) -> None:
    """Start every named platform on one App and run until one stops or fails."""
    app: App = build(settings)
    try:
        tasks = [
            asyncio.create_task(_server(name)(app, **opts), name=name)
            for name, opts in platforms.items()
        ]
        log.info("Sereno running on %s", ", ".join(platforms))
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in pending:
            task.cancel()
        for task in done:
            task.result()
    finally:
        app.close()
