"""slack_sdk's Web API clients build each call's debug lines (the whole request and answer)
whenever their logger's own level is unset or DEBUG: `configure_logging` gives it the level
of SERENO_LOG_SDK, so they are built only when asked for, and then still logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.__main__ import SDK_LOGGERS, SLACK_CLIENT_LOGGERS, configure_logging
from bot.settings import Settings
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging changes process-wide levels: put them back."""
    names = ["", *SDK_LOGGERS, *SLACK_CLIENT_LOGGERS]
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _configured(tmp_path: Path, sdk_level: str) -> None:
    env = {"SERENO_DB": str(tmp_path / "x.db"), "SERENO_LOG_LEVEL": "DEBUG"}
    configure_logging(Settings.from_env(env | {"SERENO_LOG_SDK": sdk_level}))


@pytest.mark.parametrize(("sdk_level", "debug_lines"), [("WARNING", False), ("debug", True)])
async def test_the_slack_client_builds_debug_lines_only_when_asked(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    restored_logging: None,
    sdk_level: str,
    debug_lines: bool,
) -> None:
    _configured(tmp_path, sdk_level)
    caplog.set_level(logging.DEBUG, logger="")
    async with FakeSlack(users={"U1": "ana"}) as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        # slack_sdk's own test before it formats the lines: the client logger's own level
        assert (client.logger.level <= logging.DEBUG) is debug_lines
        await client.chat_postMessage(channel="C1", text="hello")
        await client.users_info(user="U1")
    sent = [r for r in caplog.records if r.getMessage().startswith("Sending a request")]
    assert len(sent) == (2 if debug_lines else 0)
