"""The fault battery, continued (see `test_faults`): Discord.

Kill -9 during a burst of gateway messages, messages posted while Sereno is down, then a
restart that must catch up through the channel's history.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest

from tests.acceptance.chat import COMPLAINT, GUIDANCE_WITHIN
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.fault_served import (
    RECOVER,
)
from tests.acceptance.faults import (
    CARDS,
    Tally,
    cases,
    kind,
    served,
    settle,
    tally_threads,
)
from tests.acceptance.served import START_WITHIN, until
from tests.fakes import discord_payloads as p
from tests.fakes.discord_api import FakeDiscord

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.faults]


# -- 5. Discord: kill -9 during a burst, then catch-up ---------------------------------------

DISCORD_LIVE, DISCORD_AWAY, DISCORD_AFTER = 40, 10, 10
DISCORD_KILL_AT = 15  # cases opened when the process is killed
DISCORD_PACE = 0.0  # seconds between two gateway messages (a burst: back to back)


_last_snowflake = 0


def snowflake_now() -> int:
    """A message id as Discord makes them (the wall clock), unique and increasing."""
    global _last_snowflake
    _last_snowflake = max(discord.utils.time_snowflake(datetime.now(UTC)), _last_snowflake + 1)
    return _last_snowflake


def post_while_away(fake: FakeDiscord, content: str, author: str, room: str) -> dict[str, Any]:
    """`author` posts while Sereno is down: stored (history has it), dispatched to no one."""
    return dict(fake.add_history(content, author=author, channel=room, message_id=snowflake_now()))


async def post_live(fake: FakeDiscord, content: str, author: str, room: str) -> dict[str, Any]:
    """`author` posts while Sereno is connected: stored, and its event sent down the gateway
    (as `FakeDiscord.user_message`, with the id Discord would give it now, and a socket
    dying under the dispatch is no error)."""
    w = fake.world
    data = p.message_create(
        snowflake_now(),
        w.channel_id(room),
        w.users[author],
        content,
        guild_id=w.guild_id,
        roles=w.role_ids(author),
    )
    fake.messages[int(data["id"])] = data
    w.channels[w.channel_id(room)]["last_message_id"] = data["id"]
    with contextlib.suppress(TimeoutError, ConnectionError, RuntimeError):
        await asyncio.wait_for(fake.dispatch("MESSAGE_CREATE", data), 2.0)
    return data


def tally_discord(
    what: str, chat: DiscordChat, db: Path, posted: list[tuple[int, str, str]]
) -> Tally:
    """Every message posted counts: Discord never redelivers an event to a new session."""
    threads = {mid: [kind(post.title) for post in chat.posts(mid)] for _, _, mid in posted}
    sent = [(n, room, mid, True) for n, room, mid in posted]
    t = tally_threads(what, sent, cases(db, "discord"), threads)
    t.acked_means = "posted (Discord does not redeliver; every one counts)"
    return t


async def test_discord_kill_9_during_a_burst_then_a_restart_catches_up_and_loses_nothing(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        chat = DiscordChat(fake)
        total = 1 + DISCORD_LIVE + DISCORD_AWAY + DISCORD_AFTER
        keys = [f"c{n:04d}" for n in range(total)]
        for key in keys:
            fake.world.add_user(key, f"customer-{key}")
        room, db = chat.new_room(), tmp_path / "db" / "x.db"
        config = {
            **chat.settings(),
            "SERENO_DB": str(db),
            "SERENO_LOG_LEVEL": "INFO",
            "SERENO_FIRST_RESPONSE": "1h",
        }
        chat.attach(served(tmp_path, config))
        posted: list[tuple[int, str, str]] = []
        how: dict[int, str] = {}
        try:
            await chat.start()
            warm = await post_live(fake, COMPLAINT, keys[0], room)
            await until(
                lambda: set(CARDS) <= {kind(x.title) for x in chat.posts(str(warm["id"]))},
                timeout=GUIDANCE_WITHIN + START_WITHIN,
                what="the warm-up complaint's guidance",
                served=chat.served,
            )
            killed: tuple[int, int] | None = None  # (cases opened, messages sent) at the kill

            def opened() -> int:
                return len(cases(db, "discord")) - 1  # not the warm-up

            async def kill() -> None:
                nonlocal killed
                assert chat.served.process is not None
                chat.served.process.kill()
                await chat.served.process.wait()
                killed = (opened(), len(posted))

            async def post(n: int, live: bool) -> None:
                text, key = f"{COMPLAINT} Ref {n}.", keys[n + 1]
                if live:
                    message = await post_live(fake, text, key, room)
                else:
                    message = post_while_away(fake, text, key, room)
                posted.append((n, room, str(message["id"])))
                how[n] = "live" if live else "while down"

            for n in range(DISCORD_LIVE):  # the burst: killed once DISCORD_KILL_AT are open
                if killed is None and opened() >= DISCORD_KILL_AT:
                    await kill()
                await post(n, live=killed is None)
                await asyncio.sleep(DISCORD_PACE)
            if killed is None:
                await until(
                    lambda: opened() >= DISCORD_KILL_AT,
                    timeout=GUIDANCE_WITHIN,
                    what=f"{DISCORD_KILL_AT} cases of the burst",
                    served=chat.served,
                )
                await kill()
            for n in range(DISCORD_LIVE, DISCORD_LIVE + DISCORD_AWAY):
                await post(n, live=False)
            await chat.start()  # the same database
            for n in range(DISCORD_LIVE + DISCORD_AWAY, total - 1):
                await post(n, live=True)
                await asyncio.sleep(DISCORD_PACE)
            tally = await settle(
                lambda: tally_discord(
                    f"Discord kill -9 in a burst of {DISCORD_LIVE}, {DISCORD_AWAY} posted while "
                    f"down, {DISCORD_AFTER} after the restart",
                    chat,
                    db,
                    posted,
                ),
                db,
                timeout=RECOVER,
                served=chat.served,
            )
        finally:
            await chat.served.close()
    lost = sorted(set(tally.lost_no_case) | set(tally.lost_no_guidance))
    assert killed is not None
    tally.notes.append(
        f"killed with {killed[0]} cases of the burst opened, {killed[1]} of its "
        f"{DISCORD_LIVE} messages sent ({killed[1] - killed[0]} sent but not opened yet)"
    )
    tally.notes.append(
        "lost by how they were posted: "
        + str({h: sum(1 for n in lost if how[n] == h) for h in ("live", "while down")})
    )
    history = [r for r in fake.requests("GET") if r.path == f"/channels/{room}/messages"]
    tally.notes.append(f"history reads (GET /channels/{room}/messages): {len(history)}")
    print(tally.report())  # the measurement, shown by pytest -rP when it passes
    assert tally.lost == 0 and tally.duplicate_posts <= 1, tally.report()
