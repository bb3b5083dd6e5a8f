"""Discord catch-up when a message arrives right behind the new session's READY.

Sereno's cursor of a complaints channel moves with every message it keeps live, so the
catch-up of a restart must start from the cursor as it was when the new session began.
A customer who posts as Sereno comes back puts a MESSAGE_CREATE right behind READY, in
the same read of the socket: the complaints posted while Sereno was away must still be
opened, and that message too, each once.
"""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest

from tests.acceptance.chat import GUIDANCE_WITHIN, timing_settings
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import Served, until
from tests.fakes import discord_payloads as p
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.asyncio(loop_scope="session")
CUSTOMERS = ("ines", "marta", "pablo", "sofia")
COMPLAINT = "My order arrived broken and nobody answers my emails. I want a refund now."


def _snowflake(n: int) -> int:
    """The `n`th message id from now on, as Discord gives them (the wall clock)."""
    return discord.utils.time_snowflake(datetime.now(UTC)) + n


def _cases(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(*) FROM cases").fetchone()[0])


async def test_a_message_right_behind_ready_does_not_hide_what_was_posted_while_away(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        for customer in CUSTOMERS:
            fake.world.add_user(customer, customer.title())
        chat = DiscordChat(fake)
        room = chat.new_room()
        db = tmp_path / "x.db"
        chat.attach(
            Served(tmp_path, {**chat.settings(), **timing_settings(), "SERENO_DB": str(db)})
        )
        try:
            await chat.start()
            live = await fake.user_message(f"{COMPLAINT} (live)", author=CUSTOMERS[0], channel=room)
            await chat.wait_posts(str(live["id"]), count=3, timeout=GUIDANCE_WITHIN)
            assert await chat.served.stop() in (0, 143)

            away = [
                fake.add_history(
                    f"{COMPLAINT} (away {n})",
                    author=CUSTOMERS[n],
                    channel=room,
                    message_id=_snowflake(n),
                )
                for n in (1, 2)
            ]
            w = fake.world
            behind = p.message_create(
                _snowflake(10),
                w.channel_id(room),
                w.users[CUSTOMERS[3]],
                f"{COMPLAINT} (as Sereno came back)",
                guild_id=w.guild_id,
                roles=w.role_ids(CUSTOMERS[3]),
            )
            fake.messages[int(behind["id"])] = behind
            fake.behind_ready.append(behind)
            await chat.start()

            for message in (*away, behind):
                posts = await chat.wait_posts(
                    str(message["id"]), count=3, timeout=GUIDANCE_WITHIN * 2
                )
                assert posts[0].title.startswith("Case #"), [x.title for x in posts]
            await until(lambda: _cases(db) == 4, timeout=5, what="four cases", served=chat.served)
        finally:
            await chat.served.close()
