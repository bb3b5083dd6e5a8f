"""FakeDiscord's private threads against the real discord.py client: Create Private
Threads is required, ``invitable`` is kept, members added are recorded, and
`visible_to` says what each member of the world can read of what the bot posted."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest

from tests.fakes import discord_payloads as dp
from tests.fakes.discord_access import CREATE_PRIVATE_THREADS, MANAGE_THREADS
from tests.fakes.discord_api import FakeDiscord, running_fake_discord
from tests.test_fake_discord import Bot


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as server:
        yield server


async def _connected(fake: FakeDiscord) -> Bot:
    client = Bot()
    await client.login(fake.token)
    client.runner = asyncio.create_task(client.connect())  # type: ignore[attr-defined]
    await asyncio.wait_for(client.wait_until_ready(), 3)
    return client


async def _closed(client: Bot) -> None:
    await client.close()
    await asyncio.wait_for(client.runner, 2)  # type: ignore[attr-defined]


def _grant(fake: FakeDiscord, role: str, permission: int) -> None:
    found = fake.world.roles[role]
    found["permissions"] = str(int(found["permissions"]) | permission)


def _general(client: discord.Client, fake: FakeDiscord) -> discord.TextChannel:
    channel = client.get_channel(fake.world.channel_id("general"))
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_a_private_thread_needs_create_private_threads(fake: FakeDiscord) -> None:
    client = await _connected(fake)
    try:
        with pytest.raises(discord.Forbidden) as refused:
            await _general(client, fake).create_thread(
                name="Case #1", type=discord.ChannelType.private_thread, invitable=False
            )
        assert refused.value.code == 50013
        assert [c for c in fake.world.channels.values() if c["type"] == dp.PRIVATE_THREAD] == []
    finally:
        await _closed(client)


async def test_a_private_thread_is_read_by_its_members_and_manage_threads(
    fake: FakeDiscord,
) -> None:
    w = fake.world
    _grant(fake, "Sereno", CREATE_PRIVATE_THREADS)
    w.add_role("Leads", permissions=dp.MEMBER_PERMISSIONS | MANAGE_THREADS)
    w.add_user("lead", "lee", roles=["Leads"])
    client = await _connected(fake)
    try:
        general = _general(client, fake)
        thread = await general.create_thread(
            name="Case #1", type=discord.ChannelType.private_thread, invitable=False
        )
        assert w.channel(thread.id)["thread_metadata"]["invitable"] is False
        await client.http.add_user_to_thread(thread.id, w.user_id("agent"))
        inside = await thread.send("For the team")
        outside = await general.send("For everyone")
    finally:
        await _closed(client)
    assert w.thread_members[thread.id] == {w.user_id("bot"), w.user_id("agent")}
    ids = {key: {int(m["id"]) for m in fake.visible_to(key)} for key in w.users}
    assert ids["customer"] == {outside.id}  # @everyone views #general, not the thread
    assert ids["agent"] == {outside.id, inside.id}  # added to the thread
    assert ids["lead"] == {outside.id, inside.id}  # Manage Threads
    assert ids["owner"] == {outside.id, inside.id}  # the guild's owner sees everything


async def test_visible_to_follows_overwrites(fake: FakeDiscord) -> None:
    client = await _connected(fake)
    try:
        support = client.get_channel(fake.world.channel_id("support"))
        assert isinstance(support, discord.TextChannel)
        hidden = await support.send("Staff only")
    finally:
        await _closed(client)
    assert fake.visible_to("customer") == []
    assert [int(m["id"]) for m in fake.visible_to("agent")] == [hidden.id]
