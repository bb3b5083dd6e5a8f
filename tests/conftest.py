"""Shared fixtures: a real SQLite file per test, a fake clock, the real detector."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.core.base.model import Actor, Incoming
from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App, build, shared_detector
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import USERS, Running, running, slack_settings
from tests.support import FakeClock


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk honours proxies and ignores NO_PROXY: tests talk to 127.0.0.1 only."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def detector() -> LanguageDetector:
    return shared_detector()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sereno.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERENO_")}
    return Settings.from_env({**env, "SERENO_DB": str(db_path)})


@pytest.fixture
def app(settings: Settings, clock: FakeClock, detector: LanguageDetector) -> Iterator[App]:
    built = build(settings, clock=clock, detector=detector)
    yield built
    built.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The fake Slack Web API with the usual directory (Discord's tests use their own)."""
    async with FakeSlack(users=USERS) as server:
        yield server


@pytest.fixture
async def slack(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> AsyncIterator[Running]:
    """Sereno's real bolt app over HTTP, against `fake`, on a real SQLite file."""
    async with running(slack_settings(db_path, fake), fake, detector) as r:
        yield r


AGENT = Actor("test", "U-ana", "ana", is_agent=True)
OTHER_AGENT = Actor("test", "U-luis", "luis", is_agent=True)
LEAD = Actor("test", "U-lea", "lea", is_agent=True, is_lead=True)  # may export every case
LUCIA = Actor("test", "U-lucia", "Lucía Pérez")
#: Another customer: one customer's second top-level message joins her open case there.
JOHN = Actor("test", "U-john", "John")


def complaint(
    text: str,
    message_id: str = "m-1",
    author: Actor = LUCIA,
    channel: str = "C1",
    event_id: str | None = None,
) -> Incoming:
    """A top-level complaint message."""
    return Incoming("test", channel, message_id, author, text, None, event_id)
