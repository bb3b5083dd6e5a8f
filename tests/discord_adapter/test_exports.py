"""The list of cases on Discord fits the file size the interaction allows, and says so."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable

import pytest

from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App
from tests.discord_harness import open_complaint, sereno
from tests.fakes import discord_payloads as p
from tests.fakes.discord_api import FakeDiscord
from tests.test_exports import add_cases


@pytest.fixture
async def app(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> AsyncIterator[App]:
    """Sereno serving the fake, with the agent who exports every case as the lead."""
    lead = str(fake.world.user_id("agent"))
    async with sereno(fake, settings_for(SERENO_DISCORD_LEAD=lead), detector) as running:
        yield running


async def test_a_capped_export_says_n_of_m_and_how_to_get_the_rest(
    fake: FakeDiscord, app: App
) -> None:
    await open_complaint(fake, app)
    add_cases(app, 39)  # copies of the Discord case: 40 in all
    data = p.command_data(
        "complaint",
        command_id=int(fake.command("complaint")["id"]),
        options={"format": "csv"},
        subcommand="export",
        group="records",
    )
    # Discord says in every interaction how large a file may be here.
    await fake._interact(p.CHAT_INPUT, data, "agent", "support", attachment_size_limit=1_500)
    [followup] = await fake.wait_for("POST", f"/webhooks/{fake.world.application_id}/")
    text = followup.json["content"]
    assert "of 40 cases" in text and "1,500 bytes" in text and "`sereno export`" in text
    posts = await fake.wait_for(
        lambda r: r.method == "POST" and any(f.filename.startswith("cases-") for f in r.files)
    )
    [file] = [f for f in posts[-1].files if f.filename.startswith("cases-")]
    rows = list(csv.reader(io.StringIO(file.data.decode("utf-8-sig"))))
    held = len(rows) - 1
    assert 0 < held < 40 and len(file.data) <= 1_500
    assert f"newest {held} of 40 cases" in text
    [embed] = posts[-1].json["embeds"]  # the file's own message says it too
    assert embed["title"] == f"📄 The newest {held} of 40 cases (CSV)"
    assert "`sereno export`" in embed["description"]
