"""Starting Sereno on Discord: a rejected token or a missing intent stops it with one line;
a failed command sync is one line and Sereno keeps serving complaints without commands."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import pytest

from bot.core.base.model import StepState
from bot.core.base.ports import LanguageDetector
from bot.settings import Settings, SettingsError
from bot.wiring import App, build
from handlers.discord.runtime import serve
from tests.discord_harness import eventually, open_complaint, step_message
from tests.fakes.discord_api import DROP, FakeDiscord
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


# -- a failed command sync: one line, and everything but /complaint keeps working -----------

TOO_MANY_CHOICES = {
    "message": "Invalid Form Body",
    "code": 50035,
    "errors": {
        "0": {
            "options": {
                "0": {
                    "options": {
                        "0": {
                            "choices": {
                                "_errors": [
                                    {
                                        "code": "BASE_TYPE_MAX_LENGTH",
                                        "message": "Must be 25 or fewer in length.",
                                    }
                                ]
                            }
                        }
                    }
                }
            }
        }
    },
}
SYNC_FAILURES = {
    "400 invalid form body": (400, {"body": TOO_MANY_CHOICES}, "answered 400 (code 50035)"),
    "403 missing scope": (403, {}, "applications.commands scope"),
    "503 unavailable": (503, {}, "answered 503 (tried again at the next start)"),
    "429 for two minutes": (429, {"retry_after": 120.0}, "rate-limited it for 120s"),
    "network failure": (DROP, {"times": 2}, "could not be reached (ServerDisconnectedError"),
}


@contextlib.asynccontextmanager
async def serving(
    fake: FakeDiscord, settings: Settings, detector: LanguageDetector
) -> AsyncIterator[App]:
    """`serve(app)` until the block ends, once the gateway is live (the sync may have failed)."""
    app = build(settings, FakeClock(), detector)
    task = asyncio.create_task(serve(app))
    try:
        await fake.wait_until_live(timeout=15)
        yield app
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        app.close()


@pytest.mark.parametrize("status, fault, why", SYNC_FAILURES.values(), ids=SYNC_FAILURES)
async def test_a_failed_command_sync_is_one_line_and_complaints_still_work(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
    status: int,
    fault: dict,
    why: str,
) -> None:
    refused = fake.fail_next("PUT", r"/applications/\d+/commands$", status, **fault)
    async with serving(fake, settings_for(), detector) as app:
        assert refused.hits >= 1 and fake.commands == {}
        msg, case_id = await open_complaint(fake, app)  # its thread, header, step, suggestion
        assert fake.world.channel(msg["id"])["name"].startswith("Case #1")
        await fake.react(step_message(app, case_id), "✅", user="agent")
        await eventually(lambda: app.store.steps(case_id)[0].state is StepState.DONE, timeout=10)
        header = app.store.outbox_for_case(case_id)[0].platform_message_id
        clicked = await fake.click(f"sereno:claim|{case_id}", header, user="agent")
        [claimed] = await fake.wait_for("POST", f"/interactions/{clicked['id']}/", timeout=10)
        assert claimed.json["data"]["content"] == f"#{case_id} is now assigned to Alex."
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["handlers.discord.startup"]
    [line] = errors
    assert line.exc_info is None and "\n" not in line.getMessage()
    assert line.getMessage().startswith("Discord: /complaint is not registered: ")
    assert why in line.getMessage() and "complaints, reactions and buttons still work" in (
        line.getMessage()
    )


async def test_the_refusal_says_what_discord_refused(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.fail_next("PUT", r"/guilds/\d+/commands$", 400, body=TOO_MANY_CHOICES)
    settings = settings_for(DISCORD_GUILD_ID=str(fake.world.guild_id))
    async with serving(fake, settings, detector):
        await fake.wait_for(lambda r: r.status == 400, timeout=10)
    [line] = [r.getMessage() for r in caplog.records if r.name == "handlers.discord.startup"]
    assert "Invalid Form Body; In 0.options.0.options.0.choices: Must be 25 or fewer" in line
