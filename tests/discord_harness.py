"""A running Sereno-on-Discord for tests: the real discord.py client against FakeDiscord,
a real SQLite file; helpers to wait for guidance, open complaints and run commands.

The fixtures (``fake``, ``settings_for``, ``app``) are in tests/discord_adapter/conftest.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.core.base.case import EventKind
from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App, build
from handlers.discord.runtime import serve
from tests.fakes.discord_api import FakeDiscord, RecordedRequest
from tests.support import FakeClock, eventually, wait_delivered

SPANISH = (
    "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! "
    "Si no me devuelven el dinero no vuelvo a comprar."
)
ENGLISH = (
    "My order 48213 arrived broken and nobody answers my emails. "
    "This is unacceptable, I want a refund now!"
)


def discord_settings(fake: FakeDiscord, db_path: Path, **extra: str) -> Settings:
    """Settings as an operator would write them in .env, pointed at the fake."""
    w = fake.world
    channels = f"{w.channel_id('support')},{w.channel_id('escalations')}"
    return Settings.from_env(
        {
            "SERENO_DB": str(db_path),
            "DISCORD_BOT_TOKEN": fake.token,
            "DISCORD_API_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "SERENO_DISCORD_CHANNELS": channels,
            "SERENO_DISCORD_READY_TIMEOUT": "50ms",
            **extra,
        }
    )


@contextlib.asynccontextmanager
async def sereno(
    fake: FakeDiscord, settings: Settings, detector: LanguageDetector
) -> AsyncIterator[App]:
    """Run `serve(app)` until the block ends, as `sereno discord` would."""
    app = build(settings, clock=FakeClock(), detector=detector)
    starts = len(fake.requests("PUT", "/commands"))
    task = asyncio.create_task(serve(app))
    try:
        await fake.wait_for("PUT", "/commands", count=starts + 1, timeout=15)
        await fake.wait_until_live(timeout=15)
        yield app
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        app.close()


def titles(posts: list[RecordedRequest]) -> list[str]:
    return [p.json["embeds"][0]["title"] for p in posts if p.json and p.json.get("embeds")]


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row["components"]]


async def guidance(fake: FakeDiscord, thread_id: int | str, count: int = 3) -> list[str]:
    """Wait for `count` posts in a thread; their embed titles."""
    posts = await fake.wait_for("POST", f"/channels/{thread_id}/messages", count=count, timeout=10)
    return titles(posts)


def step_message(app: App, case_id: int, index: int = 0) -> str:
    """The Discord id of the `index`-th step message of a case."""
    steps = [
        i
        for i in app.store.outbox_for_case(case_id)
        if i.card.kind == "step" and i.platform_message_id
    ]
    return steps[index].platform_message_id  # type: ignore[return-value]


def kinds(app: App, case_id: int) -> list[EventKind]:
    return [e.kind for e in app.store.events(case_id)]


async def open_complaint(
    fake: FakeDiscord, app: App, text: str = ENGLISH, author: str = "customer"
) -> tuple[dict, int]:
    """A customer complains in #support; returns the message and the case id, guidance out.
    (A second complaint of one customer joins their open case: give it another `author`.)"""
    msg = await fake.user_message(text, author=author)
    await guidance(fake, msg["id"])
    case = await eventually(lambda: app.store.find_case_by_thread("discord", msg["id"]))
    await wait_delivered(app.store, "discord")  # each post's id is known, not only the fake's
    return msg, case.id


async def command(
    fake: FakeDiscord,
    sub: str,
    options: dict[str, Any] | None = None,
    *,
    focused: str | None = None,
    user: str = "agent",
    channel: int | str = "support",
) -> dict:
    """Invoke `/complaint <sub>`; the JSON of its interaction callback."""
    sent = await fake.invoke_command(
        "complaint", options or {}, subcommand=sub, focused=focused, user=user, channel=channel
    )
    [callback] = await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    return callback.json
