"""`sereno run` with both tokens: Slack and Discord in one process and one event loop."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import aiohttp

from bot.serve import serve_platforms
from bot.settings import Settings
from tests.fakes import slack_payloads as sp
from tests.fakes.discord_api import running_fake_discord
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import SECRET, USERS
from tests.support import free_port


async def _post_when_listening(url: str, raw: bytes, headers: dict[str, str]) -> int:
    for _ in range(200):
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(url, data=raw, headers=headers) as response,
            ):
                return response.status
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise TimeoutError(url)


async def test_slack_and_discord_share_one_loop_and_one_database(tmp_path: Path) -> None:
    port = free_port()
    async with FakeSlack(users=USERS) as slack, running_fake_discord() as discord_fake:
        w = discord_fake.world
        settings = Settings.from_env(
            {
                "SERENO_DB": str(tmp_path / "both.db"),
                "SLACK_BOT_TOKEN": "xoxb-test",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": slack.base_url,
                "SERENO_SLACK_CHANNELS": "C1",
                "SERENO_SLACK_AGENTS": "U-ana",
                "SERENO_SLACK_HOST": "127.0.0.1",
                "SERENO_SLACK_PORT": str(port),
                "SERENO_SLACK_POST_INTERVAL": "0s",
                "DISCORD_BOT_TOKEN": discord_fake.token,
                "DISCORD_API_URL": discord_fake.api_url,
                "DISCORD_GATEWAY_URL": discord_fake.gateway_url,
                "SERENO_DISCORD_CHANNELS": str(w.channel_id("support")),
                "SERENO_DISCORD_READY_TIMEOUT": "50ms",
            }
        )
        assert settings.platforms == ("slack", "discord")
        running = asyncio.create_task(
            serve_platforms(
                settings,
                {"slack": {"http": True}, "discord": {}},
            )
        )
        try:
            await discord_fake.wait_until_live(timeout=10)
            raw, headers = sp.json_request(
                SECRET,
                sp.event_body(
                    sp.message_event("C1", "U-lucia", "My order 5521 arrived broken!", sp.next_ts())
                ),
            )
            assert (
                await _post_when_listening(f"http://127.0.0.1:{port}/slack/events", raw, headers)
                == 200
            )
            msg = await discord_fake.user_message("Mi pedido 48213 no ha llegado!!")
            await slack.wait_for("chat.postMessage", count=3, ok=True, timeout=10)
            await discord_fake.wait_for(
                "POST", f"/channels/{msg['id']}/messages", count=3, timeout=10
            )
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
        slack_title = slack.calls("chat.postMessage")[0].params["text"].split(" · ")[0]
        discord_header = discord_fake.requests("POST", f"/channels/{msg['id']}/messages")[0]
        discord_title = discord_header.json["embeds"][0]["title"].split(" · ")[0]
        assert {slack_title, discord_title} == {"Case #1", "Case #2"}  # one shared database
