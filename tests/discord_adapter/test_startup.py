"""Starting Sereno on Discord: a rejected token or a missing intent stops it with one line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.core.ports import LanguageDetector
from bot.settings import Settings, SettingsError
from bot.wiring import build
from handlers.discord import serve
from tests.fakes.discord_api import FakeDiscord
from tests.support import FakeClock


async def test_a_rejected_token_stops_startup_with_one_line(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    app = build(settings_for(DISCORD_BOT_TOKEN="not-the-token"), FakeClock(), detector)
    try:
        with pytest.raises(SettingsError, match=r"^DISCORD_BOT_TOKEN: Discord rejected"):
            await asyncio.wait_for(serve(app), 5)
    finally:
        app.close()


async def test_a_missing_message_content_intent_is_explained(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    app = build(settings_for(), FakeClock(), detector)
    task = asyncio.create_task(serve(app))
    try:
        await fake.wait_until_live(timeout=5)
        assert fake.intents is not None and fake.intents & (1 << 15)  # Message Content
        await fake.drop_connection(4014)  # Discord: disallowed intents
        with pytest.raises(SettingsError, match="Message Content Intent"):
            await asyncio.wait_for(task, 5)
    finally:
        app.close()
