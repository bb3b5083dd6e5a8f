"""Slack and Discord served by one `sereno run`: Discord failing, at startup or later, for
good or for a while, never stops Slack (issue 9, items 1 and 7)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.acceptance.chat import COMPLAINT
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import START_WITHIN, Served, stays, until
from tests.acceptance.slack_chat import USERS, SlackChat
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
NO_RETRY = 1.5  # a stopped platform is watched this long for a retry (a first backoff)
QUIET = 0.5


@contextlib.asynccontextmanager
async def both(tmp_path: Path, **overrides: str) -> AsyncIterator[tuple[SlackChat, DiscordChat]]:
    """`sereno run` with Slack over HTTP and Discord configured, serving Slack."""
    async with FakeSlack(users=USERS) as slack_fake, FakeDiscord() as discord_fake:
        slack, discord = SlackChat(slack_fake, socket_mode=False), DiscordChat(discord_fake)
        config = {**slack.settings(), **discord.settings(), "SERENO_DB": str(tmp_path / "x.db")}
        served = Served(tmp_path, {**config, **overrides})
        slack.attach(served)
        discord.attach(served)
        try:
            await slack.start()
            yield slack, discord
        finally:
            await served.close()


async def slack_keeps_answering(slack: SlackChat) -> None:
    """A complaint in Slack gets its guidance and a command its answer."""
    thread = await slack.complain()
    shown = await slack.command(thread.room, "show", thread.case)
    assert shown.startswith(f"Case #{thread.case} · ") and COMPLAINT in shown


async def test_a_rejected_discord_token_does_not_stop_slack(tmp_path: Path) -> None:
    async with both(tmp_path, DISCORD_BOT_TOKEN="not-the-token") as (slack, discord):
        logins = "/users/@me"
        await until(
            lambda: [r for r in discord.fake.requests("GET", logins) if r.status == 401],
            timeout=START_WITHIN,
            what="Discord refusing the token",
            served=slack.served,
        )
        await slack_keeps_answering(slack)
        await stays(  # a fatal error stops that platform; it is not retried in a loop
            lambda: len(discord.fake.requests("GET", logins)) == 1,
            seconds=NO_RETRY,
            what=lambda: f"one login attempt: {len(discord.fake.requests('GET', logins))}",
            served=slack.served,
        )
        assert "DISCORD_BOT_TOKEN" in slack.served.stderr()


async def test_discord_closing_the_gateway_with_4004_does_not_stop_slack(tmp_path: Path) -> None:
    async with both(tmp_path) as (slack, discord):
        await discord.wait_ready(0)
        await discord.complain()  # both platforms work first
        await discord.fake.drop_connection(4004)  # Discord: authentication failed
        await slack_keeps_answering(slack)
        await stays(
            lambda: discord.connections() == 1,
            seconds=NO_RETRY,
            what=lambda: f"no new gateway session after 4004: {discord.connections()}",
            served=slack.served,
        )


async def test_discord_going_away_does_not_stop_slack(tmp_path: Path) -> None:
    async with both(tmp_path) as (slack, discord):
        await discord.wait_ready(0)
        await discord.complain()
        await discord.fake.close()  # Discord's servers unreachable from now on
        await slack_keeps_answering(slack)
        await stays(lambda: slack.served.running, seconds=QUIET, what="sereno run running")
