"""At start-up Sereno says, in one line, when its pings on Discord would notify no one."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from tests.discord_harness import eventually, sereno
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_api import FakeDiscord

NOT_MENTIONABLE = (
    "the agents' role @Agents (SERENO_DISCORD_AGENT_ROLE) is not mentionable and Sereno lacks "
    "Mention Everyone in #support, #escalations; turn on 'Allow anyone to @mention this role'"
)
CASES = {
    "no agent role": ({}, {}, "SERENO_DISCORD_AGENT_ROLE is not set, so pings mention no role"),
    "a role nobody may mention": ({"Agents": {}}, {}, NOT_MENTIONABLE),
    "a mentionable role": ({"Agents": {"mentionable": True}}, {}, None),
    "Sereno holds Mention Everyone": ({"Agents": {}, "Sereno": {"everyone": True}}, {}, None),
    "a role of another server": (
        {},
        {"SERENO_DISCORD_AGENT_ROLE": "42"},
        "SERENO_DISCORD_AGENT_ROLE 42 is not a role in any server Sereno is in",
    ),
    "a lead role nobody may mention": (
        {"Agents": {"mentionable": True}, "Helper": {}},
        {},
        "the lead role @Helper (SERENO_DISCORD_LEAD) is not mentionable",
    ),
}


@pytest.mark.parametrize("roles, env, warning", CASES.values(), ids=CASES)
async def test_start_up_warns_once_when_pings_would_notify_no_one(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
    roles: dict[str, dict],
    env: dict[str, str],
    warning: str | None,
) -> None:
    w = fake.world
    settings = {"SERENO_DISCORD_AGENT_ROLE": str(w.role_id("Agents"))} if "Agents" in roles else {}
    if "Helper" in roles:
        settings["SERENO_DISCORD_LEAD"] = f"role:{w.role_id('Helper')}"
    for name, change in roles.items():
        w.roles[name]["mentionable"] = change.get("mentionable", False)
        if change.get("everyone"):
            w.roles[name]["permissions"] = str(w.permissions("bot") | dp.MENTION_EVERYONE)
    caplog.set_level(logging.INFO)
    async with sereno(fake, settings_for(**settings, **env), detector):
        await eventually(lambda: _connected(caplog), timeout=10)
    # on_ready logs "connected as" and checks the pings in one go, with no await between
    found = [r.getMessage() for r in caplog.records if r.name == "handlers.discord.startup"]
    if warning is None:
        assert found == []
        return
    [line] = found
    assert line.startswith("Discord: pings would notify no one: ") and warning in line
    assert [r.levelname for r in caplog.records if r.name == "handlers.discord.startup"] == [
        "WARNING"
    ]


def _connected(caplog: pytest.LogCaptureFixture) -> bool:
    return any("connected as" in r.getMessage() for r in caplog.records)


async def test_the_warning_names_a_few_channels_and_counts_the_rest(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
) -> None:
    w = fake.world
    names = ("general", "support", "agents", "escalations")
    env = {
        "SERENO_DISCORD_AGENT_ROLE": str(w.role_id("Agents")),
        "SERENO_DISCORD_CHANNELS": ",".join(str(w.channel_id(n)) for n in names),
    }
    caplog.set_level(logging.INFO)
    async with sereno(fake, settings_for(**env), detector):
        await eventually(lambda: _connected(caplog), timeout=10)
    [line] = [r.getMessage() for r in caplog.records if r.name == "handlers.discord.startup"]
    assert "lacks Mention Everyone in #general, #support, #agents and 1 more; " in line
