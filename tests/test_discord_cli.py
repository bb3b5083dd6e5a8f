"""An outside harness drives `python -m bot discord` by environment variables alone."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.discord_api import FakeDiscord

ROOT = Path(__file__).resolve().parent.parent
COMPLAINT = "My order 48213 arrived broken and nobody answers my emails. I want a refund now!!!"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:  # no patching: the child process knows only its env
        yield server


async def test_sereno_discord_is_driven_by_env_vars(fake: FakeDiscord, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERENO_", "DISCORD_"))}
    env.update(
        {
            "DISCORD_BOT_TOKEN": fake.token,
            "DISCORD_API_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "SERENO_DB": str(tmp_path / "harness.db"),
            "SERENO_DISCORD_CHANNELS": str(fake.world.channel_id("support")),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        }
    )
    log = tmp_path / "sereno.log"
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "discord",
            env=env,
            cwd=tmp_path,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        await fake.wait_until_live(timeout=15)
        msg = await fake.user_message(COMPLAINT)
        support = fake.world.channel_id("support")
        await fake.wait_for("POST", f"/channels/{support}/messages/{msg['id']}/threads", timeout=10)
        posts = await fake.wait_for("POST", f"/channels/{msg['id']}/messages", count=3, timeout=10)
        assert posts[0].headers["Authorization"] == f"Bot {fake.token}"
        assert posts[0].json["embeds"][0]["title"].startswith("Case #1")
        assert fake.intents is not None and fake.intents & (1 << 15)  # Message Content
    except BaseException:
        print(log.read_text(errors="replace"))
        raise
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 10)
