"""Fixtures for the Discord adapter tests: a FakeDiscord, settings pointed at it, and
Sereno serving it (``app`` replaces the core ``app`` of tests/conftest.py here)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App
from tests.discord_harness import discord_settings, sereno
from tests.fakes.discord_api import FakeDiscord, running_fake_discord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No unclosed aiohttp sessions, no exception escaping an event handler."""
    yield
    gc.collect()  # aiohttp reports unclosed sessions from __del__
    bad = ("Unclosed", "Ignoring exception", "outbox loop failed")
    assert not [r.getMessage() for r in caplog.records if r.getMessage().startswith(bad)]


@pytest.fixture
def settings_for(fake: FakeDiscord, db_path: Path) -> Callable[..., Settings]:
    return lambda **extra: discord_settings(fake, db_path, **extra)


@pytest.fixture
async def app(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> AsyncIterator[App]:
    async with sereno(fake, settings_for(), detector) as running:
        yield running
