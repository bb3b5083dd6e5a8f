"""Who can read a Discord complaints channel (issue 11, item 1): the real discord.py client
against FakeDiscord, judged from the guild's roles and the channels' permission overwrites.

A channel customers can read, with no staff-only place for its cases (no
SERENO_DISCORD_STAFF_CHANNEL, and Sereno lacks Create Private Threads there: the fake's
default), gets no case, no thread and no post; the log says so once and the lead hears
of it once by direct message (tests/discord_adapter/test_staff_place.py has the cases
that get a staff place). A channel hidden from @everyone and
from every role but the agents' is guided as always, and so is one declared internal.
A channel made public after a case opened gets nothing more: the next card is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.core.base.case import EventKind
from bot.core.base.ports import LanguageDetector
from bot.settings import Settings, SettingsError
from bot.wiring import App
from tests.discord_harness import (
    ENGLISH,
    eventually,
    guidance,
    kinds,
    open_complaint,
    sereno,
    step_message,
)
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_api import FakeDiscord, RecordedRequest

GUARD = "bot.core.cases.audience"


def _lead_dms(fake: FakeDiscord) -> list[RecordedRequest]:
    """Direct messages Sereno sent (to the lead: no other DM is set up here)."""
    posts = fake.requests("POST", "/messages")
    return [r for r in posts if int(r.path.split("/")[2]) in fake.dm_channels]


def _worked(app: App) -> int:
    """Gateway events Sereno has finished working."""
    sql = "SELECT count(*) FROM inbox WHERE platform = 'discord' AND state = 'done'"
    return int(app.store.db.execute(sql).fetchone()[0])  # type: ignore[attr-defined]


async def _forum_post(fake: FakeDiscord, text: str) -> int:
    """A customer opens a post in the forum #escalations: THREAD_CREATE, then its starter."""
    w = fake.world
    post_id = fake.ids.next()
    forum = w.channel_id("escalations")
    thread = w.add_channel(dp.thread(post_id, w.guild_id, forum, w.user_id("customer"), "Refund"))
    await fake.dispatch("THREAD_CREATE", dp.thread_create(thread))
    starter = dp.message_create(
        post_id, post_id, w.users["customer"], text, guild_id=w.guild_id, roles=[]
    )
    fake.messages[post_id] = starter
    await fake.dispatch("MESSAGE_CREATE", starter)
    return post_id


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == GUARD]


def _with_lead(settings_for: Callable[..., Settings], fake: FakeDiscord, **extra: str) -> Settings:
    return settings_for(SERENO_DISCORD_LEAD=str(fake.world.user_id("owner")), **extra)


async def _refused(fake: FakeDiscord, app: App, channel: str, dms: int = 1) -> dict:
    """A customer complains in `channel`; wait until the lead was told; nothing else."""
    threads = len(fake.requests("POST", "/threads"))
    msg = await fake.user_message(ENGLISH, channel=channel)
    await eventually(lambda: len(_lead_dms(fake)) >= dms)
    assert app.store.find_case_by_thread("discord", msg["id"]) is None
    assert len(fake.requests("POST", "/threads")) == threads
    for where in (msg["id"], fake.world.channel_id(channel)):
        path = f"/channels/{where}/messages"
        assert [r for r in fake.requests("POST", path) if r.path == path] == []
    return msg


async def test_a_channel_everyone_can_view_gets_nothing_and_the_lead_is_told_once(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    general = str(fake.world.channel_id("general"))  # no overwrites: @everyone views it
    caplog.set_level(logging.INFO)
    async with sereno(
        fake, _with_lead(settings_for, fake, SERENO_DISCORD_CHANNELS=general), detector
    ) as app:
        await _refused(fake, app, "general")
        again = await fake.user_message("And again, still broken!!!", channel="general")
        await eventually(lambda: _worked(app) == 2)
        assert app.store.find_case_by_thread("discord", again["id"]) is None
        assert list(app.store.iter_pending_outbox("discord")) == []
    [line] = _refusals(caplog)
    assert general in line and "@everyone can view it" in line
    assert "SERENO_DISCORD_INTERNAL_CHANNELS" in line
    assert "Sereno lacks Create Private Threads" in line and "SERENO_DISCORD_STAFF_CHANNEL" in line
    [dm] = _lead_dms(fake)
    embed = dm.json["embeds"][0]
    assert general in embed["title"] and "@everyone can view it" in embed["description"]
    assert "SERENO_DISCORD_INTERNAL_CHANNELS" in embed["description"]
    assert fake.requests("POST", "/threads") == []


@pytest.mark.parametrize("agent_role", [True, False], ids=["agent-role", "manage-messages"])
async def test_a_channel_a_customers_role_can_view_is_refused(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
    agent_role: bool,
) -> None:
    w = fake.world
    w.add_role("Members", permissions=dp.MEMBER_PERMISSIONS)
    w.member_roles["customer"].append("Members")
    support = w.channel("support")
    support["permission_overwrites"].append(
        dp.overwrite(w.role_id("Members"), allow=dp.VIEW_CHANNEL)
    )
    extra = {"SERENO_DISCORD_AGENT_ROLE": str(w.role_id("Agents"))} if agent_role else {}
    async with sereno(fake, _with_lead(settings_for, fake, **extra), detector) as app:
        await _refused(fake, app, "support")
    [line] = _refusals(caplog)
    assert "role @Members can view it" in line


async def test_staff_roles_do_not_make_a_channel_public(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """@everyone denied; the agents, Sereno (its role and itself), a bot's role and admins
    may view."""
    w = fake.world
    w.add_role("Admins", permissions=dp.ADMINISTRATOR)  # sees every channel anyway
    support = w.channel("support")
    support["permission_overwrites"] += [
        dp.overwrite(w.role_id("Helper"), allow=dp.VIEW_CHANNEL),  # a bot's managed role
        dp.overwrite(w.user_id("bot"), is_role=False, allow=dp.VIEW_CHANNEL),
    ]
    caplog.set_level(logging.INFO)
    async with sereno(fake, _with_lead(settings_for, fake), detector) as app:
        await open_complaint(fake, app)  # a thread, the header, the first step, a suggestion
        post = await _forum_post(fake, ENGLISH)
        await guidance(fake, post, count=3)
    assert _refusals(caplog) == []
    verdicts = [r.getMessage() for r in caplog.records if r.name == "handlers.discord.visibility"]
    assert len(verdicts) == 2 and all("is for the team" in v for v in verdicts), verdicts


async def test_a_member_who_is_not_staff_makes_a_channel_public(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = fake.world
    casey = dp.overwrite(w.user_id("customer"), is_role=False, allow=dp.VIEW_CHANNEL)
    w.channel("support")["permission_overwrites"].append(casey)
    async with sereno(fake, _with_lead(settings_for, fake), detector) as app:
        await _refused(fake, app, "support")
    [line] = _refusals(caplog)
    # Sereno reads no member list (no privileged intent): a member it does not know might
    # be a customer; the operator can declare the channel internal
    assert f"member {w.user_id('customer')}, not known to be staff, can view it" in line


async def test_a_channel_declared_internal_is_guided_whatever_the_roles_say(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    general = str(fake.world.channel_id("general"))
    settings = _with_lead(
        settings_for,
        fake,
        SERENO_DISCORD_CHANNELS=general,
        SERENO_DISCORD_INTERNAL_CHANNELS=general,
    )
    caplog.set_level(logging.INFO)
    async with sereno(fake, settings, detector):
        msg = await fake.user_message(ENGLISH, channel="general")
        titles = await guidance(fake, msg["id"])
    assert titles[0].startswith("Case #1")
    assert _refusals(caplog) == [] and _lead_dms(fake) == []
    [verdict] = [r.getMessage() for r in caplog.records if r.name == "handlers.discord.visibility"]
    assert "is for the team (declared internal in SERENO_DISCORD_INTERNAL_CHANNELS)" in verdict


async def test_start_up_says_who_can_read_each_complaint_channel(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = fake.world
    channels = [str(w.channel_id(n)) for n in ("general", "support")] + ["999"]
    caplog.set_level(logging.INFO)
    async with sereno(fake, settings_for(SERENO_DISCORD_CHANNELS=",".join(channels)), detector):
        await eventually(lambda: _verdicts(caplog) if len(_verdicts(caplog)) == 3 else None)
    general, support, unknown = _verdicts(caplog)
    assert general.startswith(
        f"Discord: customers can read complaints channel #general ({channels[0]}) "
        "(@everyone can view it): Sereno opens no case and posts nothing there"
    )
    assert support == (
        f"Discord: complaints channel #support ({channels[1]}) is for the team "
        "(only the agents and staff roles can view it)"
    )
    assert unknown.startswith("Discord: customers can read complaints channel 999 (Sereno cannot")


def _verdicts(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "handlers.discord.visibility"]


async def test_a_channel_made_public_after_a_case_opened_gets_no_more_guidance(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, _with_lead(settings_for, fake), detector) as app:
        msg, case_id = await open_complaint(fake, app)
        thread = f"/channels/{msg['id']}/messages"
        posted = len(fake.requests("POST", thread))
        await fake.update_channel("support", permission_overwrites=[])  # an admin opens it up
        await fake.react(
            step_message(app, case_id), "✅", user="agent"
        )  # the next step would follow
        await eventually(lambda: EventKind.DELIVERY_FAILED in kinds(app, case_id))
        [dm] = await fake.wait_for(lambda r: r in _lead_dms(fake), timeout=10)
        assert f"#{case_id}" in dm.json["embeds"][0]["title"]
        assert "@everyone can view it" in dm.json["embeds"][0]["description"]
        await eventually(lambda: not list(app.store.iter_pending_outbox("discord")))
        assert len(fake.requests("POST", thread)) == posted  # nothing more where customers read
        assert fake.requests("PATCH", thread) == []
        # and a new complaint there opens nothing
        await _refused(fake, app, "support", dms=2)


async def test_a_role_change_is_followed_at_the_next_complaint(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    """No agent role set: moderators (Manage Messages) are agents; once an admin takes
    Manage Messages from their role, its members are not agents, and they can view."""
    w = fake.world
    w.add_role("Moderators", permissions=dp.MEMBER_PERMISSIONS | dp.MANAGE_MESSAGES)
    allowed = dp.overwrite(w.role_id("Moderators"), allow=dp.VIEW_CHANNEL)
    w.channel("support")["permission_overwrites"].append(allowed)
    async with sereno(fake, _with_lead(settings_for, fake), detector) as app:
        await open_complaint(fake, app)
        await fake.update_role("Moderators", permissions=str(dp.MEMBER_PERMISSIONS))
        await _refused(fake, app, "support")


def test_a_channel_declared_internal_must_be_a_complaints_channel(
    settings_for: Callable[..., Settings],
) -> None:
    with pytest.raises(SettingsError) as refused:
        settings_for(SERENO_DISCORD_INTERNAL_CHANNELS="123")
    assert str(refused.value) == (
        "SERENO_DISCORD_INTERNAL_CHANNELS: 123 is not in SERENO_DISCORD_CHANNELS"
    )
