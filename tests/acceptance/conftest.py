"""One served `sereno run` process per platform for the whole session, each against its
own fake; a test asks for ``chat`` and is parametrized over ``platform`` (see
`chat.every_platform` and `chat.core_verb`). Every scenario uses its own channel and case,
so tests stay independent while sharing a process; a test that crashes or stops the
process leaves it for the next test to start again."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.acceptance.chat import Chat, timing_settings
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import Served
from tests.acceptance.slack_chat import USERS, SlackChat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.slack_api import FakeSlack


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Chat]:
    """A fake platform and `sereno run` serving it (started once, restarted by tests)."""
    name: str = request.param
    workdir = tmp_path_factory.mktemp(name)
    async with contextlib.AsyncExitStack() as stack:
        driver: Chat
        if name == "discord":
            driver = DiscordChat(await stack.enter_async_context(FakeDiscord()))
        else:
            fake = await stack.enter_async_context(FakeSlack(users=USERS))
            driver = SlackChat(fake, socket_mode=name == "slack-socket")
        config = {**driver.settings(), **timing_settings(), "SERENO_DB": str(workdir / "x.db")}
        driver.attach(Served(workdir, config))
        stack.push_async_callback(driver.served.close)
        await driver.start()
        yield driver


@pytest_asyncio.fixture(loop_scope="session")
async def chat(platform: Chat) -> Chat:
    """The platform, with its process running."""
    await platform.ensure_running()
    return platform
