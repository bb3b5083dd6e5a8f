"""Who is an agent on Discord is said at start-up in one line, and a lead role's members
(SERENO_DISCORD_LEAD=role:ID) may export every case while other agents may not."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from tests.discord_harness import eventually, open_complaint, sereno
from tests.fakes import discord_payloads as p
from tests.fakes.discord_api import FakeDiscord


def said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "handlers.discord.people"]


@pytest.mark.parametrize("with_role", [True, False], ids=["agent role", "no agent role"])
async def test_start_up_says_which_rule_makes_someone_an_agent(
    fake: FakeDiscord,
    settings_for: Callable[..., Settings],
    detector: LanguageDetector,
    caplog: pytest.LogCaptureFixture,
    with_role: bool,
) -> None:
    role = str(fake.world.role_id("Agents"))
    env = {"SERENO_DISCORD_AGENT_ROLE": role} if with_role else {}
    caplog.set_level(logging.INFO)
    async with sereno(fake, settings_for(**env), detector):
        [line] = await eventually(lambda: said(caplog), timeout=10)
    if with_role:
        assert line == (
            f"Discord: agents are the members of the role @Agents ({role}) "
            "(SERENO_DISCORD_AGENT_ROLE)"
        )
    else:
        assert line.startswith("Discord: agents are the members with Manage Messages, as ")
        assert "SERENO_DISCORD_AGENT_ROLE is not set" in line and "\n" not in line


async def _export_all(fake: FakeDiscord, user: str) -> str:
    """`/complaint records export format:csv` outside a case; the answer the user sees."""
    data = p.command_data(
        "complaint",
        command_id=int(fake.command("complaint")["id"]),
        options={"format": "csv"},
        subcommand="export",
        group="records",
    )
    before = len(fake.requests("POST", f"/webhooks/{fake.world.application_id}/"))
    await fake._interact(p.CHAT_INPUT, data, user, "support")
    answers = await fake.wait_for(
        "POST", f"/webhooks/{fake.world.application_id}/", count=before + 1
    )
    return str(answers[-1].json["content"])


async def test_members_of_the_lead_role_export_every_case_other_agents_do_not(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    w = fake.world
    w.add_role("Leads")
    w.member_roles["owner"].append("Leads")
    settings = settings_for(
        SERENO_DISCORD_AGENT_ROLE=str(w.role_id("Agents")),
        SERENO_DISCORD_LEAD=f"role:{w.role_id('Leads')}",
    )
    async with sereno(fake, settings, detector) as app:
        await open_complaint(fake, app)
        refused = await _export_all(fake, "agent")
        assert "Only the team lead can export every case" in refused, refused
        exported = await _export_all(fake, "owner")
        assert "list of cases" in exported.lower(), exported
