"""/complaint on Discord: subcommands within Discord's limits, autocomplete, buttons and who
may run what."""

from __future__ import annotations

from collections.abc import Callable

import discord
from discord import app_commands

from bot.core.base.case import EventKind
from bot.core.base.model import StepState
from bot.core.base.ports import LanguageDetector
from bot.core.commands.language import USAGE
from bot.settings import Settings
from bot.wiring import App, build
from handlers.discord.commands import ComplaintCommands
from tests.discord_harness import (
    SPANISH,
    command,
    custom_ids,
    eventually,
    kinds,
    open_complaint,
    sereno,
    step_message,
)
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_limits import command_list_errors
from tests.support import FakeClock


async def test_buttons_work_after_a_restart(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, settings_for(), detector) as app:
        _, case_id = await open_complaint(fake, app)
        header = app.store.outbox_for_case(case_id)[0].platform_message_id
        step = step_message(app, case_id)
    async with sereno(fake, settings_for(), detector) as app:
        clicked = await fake.click(f"sereno:claim|{case_id}", header, user="customer")
        [refused] = await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
        assert refused.json["data"]["flags"] & dp.EPHEMERAL
        assert "support team" in refused.json["data"]["content"]
        clicked = await fake.click(f"sereno:claim|{case_id}", header, user="agent")
        [claimed] = await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
        assert claimed.json["data"]["content"] == f"#{case_id} is now assigned to Alex."
        assert app.store.get_case(case_id).assignee_name == "Alex"  # type: ignore[union-attr]
        done_id = custom_ids(fake.messages[int(step)])[0]
        clicked = await fake.click(done_id, step, user="agent")
        await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
        assert app.store.steps(case_id)[0].state is StepState.DONE


async def test_complaint_subcommands_inside_and_outside_a_thread(
    fake: FakeDiscord, app: App
) -> None:
    msg, case_id = await open_complaint(fake, app)
    step_id = app.store.steps(case_id)[0].step_id
    done = await command(fake, "done", {"step": step_id}, channel=msg["id"])
    assert done["type"] == 4 and done["data"]["flags"] & dp.EPHEMERAL
    assert done["data"]["content"] == f"✓ Step '{step_id}' done by Alex on #1."
    unsure = await command(fake, "note", {"text": "called her"})
    assert unsure["data"]["content"].startswith("⚠ Which case?")
    noted = await command(fake, "note", {"text": "called her", "case": case_id})
    assert noted["data"]["content"] == "Noted on #1."
    later = await command(
        fake, "followup", {"when": "in 3 days", "note": "ring back"}, channel=msg["id"]
    )
    assert later["data"]["content"].startswith("Follow-up for #1 set for")
    listed = await command(fake, "list", {"status": "all", "here": True})
    assert listed["data"]["content"].startswith("#1 · ")
    skipped = await command(fake, "skip", {"step": "2", "case": case_id})
    assert "skipped by Alex" in skipped["data"]["content"]
    flagged = await command(fake, "flag", {"flag": "refused"}, channel=msg["id"])
    assert flagged["data"]["content"] == "#1 flagged 'refused'."
    resolved = await command(fake, "resolve", {"summary": "refund sent"}, channel=msg["id"])
    assert resolved["data"]["content"] == "#1 resolved by Alex."
    timeline = [e.kind for e in app.store.events(case_id)]
    assert EventKind.NOTE in timeline and EventKind.RESOLVED in timeline
    for _ in range(12):
        await command(fake, "note", {"text": "left a voicemail " * 8}, channel=msg["id"])
    sent = await fake.invoke_command("complaint", {}, subcommand="timeline", channel=msg["id"])
    [long] = await fake.wait_for("POST", f"/interactions/{sent['id']}/")
    text = long.json["data"]["content"]
    assert len(text) <= 2000 and text.endswith("(the full text is attached)")
    assert long.files[0].filename == "sereno.txt"
    assert long.files[0].data.decode().startswith("Timeline of #1:")


async def test_every_core_command_is_a_subcommand(fake: FakeDiscord, app: App) -> None:
    [synced] = fake.requests("PUT", "/commands")[-1].json
    assert synced["name"] == "complaint"
    records = next(o for o in synced["options"] if o["name"] == "records")
    top = {o["name"] for o in synced["options"]} - {"records"}
    nested = {o["name"] for o in records["options"]}
    assert top | nested == set(USAGE) and not top & nested
    assert len(synced["options"]) <= 25  # Discord's limit per group
    assert all(len(o["description"]) <= 100 for o in synced["options"] + records["options"])


async def test_autocomplete_case_numbers_steps_and_suggestions(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    fake.world.add_user("robin", "robin")  # casey's second complaint would join her case
    await open_complaint(fake, app, SPANISH, author="robin")
    cases = await command(fake, "show", {"case": ""}, focused="case")
    assert cases["type"] == 8
    assert [c["value"] for c in cases["data"]["choices"]] == [1, 2]
    assert cases["data"]["choices"][0]["name"].startswith("#1 · Casey · ")
    typed = await command(fake, "show", {"case": "2"}, focused="case")
    assert [c["value"] for c in typed["data"]["choices"]] == [2]
    inside = await command(fake, "claim", {"case": ""}, focused="case", channel=msg["id"])
    assert inside["data"]["choices"][0]["value"] == case_id
    step_ids = [s.step_id for s in app.store.steps(case_id)]
    steps = await command(fake, "done", {"step": ""}, focused="step", channel=msg["id"])
    assert [c["value"] for c in steps["data"]["choices"]] == step_ids[:25]
    outside = await command(fake, "undo", {"case": 2, "step": step_ids[0][:3]}, focused="step")
    assert outside["data"]["choices"][0]["value"] == app.store.steps(2)[0].step_id
    nothing = await command(fake, "skip", {"step": ""}, focused="step")
    assert nothing["data"]["choices"] == []
    replies = await command(
        fake, "suggest", {"suggestion": ""}, focused="suggestion", channel=msg["id"]
    )
    assert "first-reply" in [c["value"] for c in replies["data"]["choices"]]


async def test_a_customer_cannot_run_agent_commands(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    refused = await command(fake, "claim", user="customer", channel=msg["id"])
    assert refused["data"]["content"].startswith("⚠ Only the support team")
    assert refused["data"]["flags"] & dp.EPHEMERAL
    helped = await command(fake, "help", {"command": "done"}, user="customer")
    assert helped["data"]["content"].startswith("/complaint done")
    assert app.store.get_case(case_id).assignee_id is None  # type: ignore[union-attr]


async def test_the_agent_role_decides_who_is_an_agent(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    helper_role = str(fake.world.role_id("Helper"))  # a role no human member has
    support = str(fake.world.channel_id("support"))  # @Agents, no longer agents, can view it
    settings = settings_for(
        SERENO_DISCORD_AGENT_ROLE=helper_role, SERENO_DISCORD_INTERNAL_CHANNELS=support
    )
    async with sereno(fake, settings, detector) as app:
        msg, case_id = await open_complaint(fake, app)
        refused = await command(fake, "claim", channel=msg["id"])
        assert refused["data"]["content"].startswith("⚠ Only the support team")
        await fake.react(step_message(app, case_id), "✅", user="agent")
        await eventually(lambda: EventKind.REACTION_IGNORED in kinds(app, case_id))


async def test_the_command_tree_stays_within_discords_limits(
    settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    app = build(settings_for(), FakeClock(), detector)
    try:
        tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
        tree.add_command(ComplaintCommands(app))
        payload = [command.to_dict(tree) for command in tree.get_commands()]
    finally:
        app.close()
    errors = command_list_errors(payload)  # the checker the fake Discord answers with
    assert not errors, errors.paths()
    [complaint] = payload
    [help_] = [o for o in complaint["options"] if o["name"] == "help"]
    assert help_["options"][0]["autocomplete"] and not help_["options"][0].get("choices")
    # what synced before: all 27 subcommands as fixed choices, which Discord refuses
    help_["options"][0].update(autocomplete=False, choices=[{"name": n, "value": n} for n in USAGE])
    assert command_list_errors(payload).paths() == ["0.options.0.options.0.choices"]


async def test_help_offers_the_subcommands_as_you_type(fake: FakeDiscord, app: App) -> None:
    offered = await command(fake, "help", {"command": ""}, focused="command")
    assert offered["type"] == 8 and len(offered["data"]["choices"]) == 25  # Discord's most
    typed = await command(fake, "help", {"command": "re"}, focused="command")
    found = typed["data"]["choices"]
    assert [c["value"] for c in found[:5]] == ["resolve", "reopen", "reminder", "remedy", "report"]
    assert found[0]["name"] == USAGE["resolve"]
    helped = await command(fake, "help", {"command": "resolve"})
    assert helped["data"]["content"] == (
        f"/complaint {USAGE['resolve']}\nA bare number is the case: `resolve 6` is `resolve #6`."
    )
