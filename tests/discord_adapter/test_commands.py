"""/complaint on Discord: subcommands, autocomplete, buttons and who may run what."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.case import EventKind
from bot.core.commands import USAGE
from bot.core.model import StepState
from bot.core.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App
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
    await open_complaint(fake, app, SPANISH)
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
    settings = settings_for(SERENO_DISCORD_AGENT_ROLE=helper_role)
    async with sereno(fake, settings, detector) as app:
        msg, case_id = await open_complaint(fake, app)
        refused = await command(fake, "claim", channel=msg["id"])
        assert refused["data"]["content"].startswith("⚠ Only the support team")
        await fake.react(step_message(app, case_id), "✅", user="agent")
        await eventually(lambda: EventKind.REACTION_IGNORED in kinds(app, case_id))
