"""Reactions on step messages, by agents and customers, before and after a restart."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.base.case import EventKind
from bot.core.base.model import StepState
from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App
from tests.discord_harness import (
    eventually,
    guidance,
    kinds,
    open_complaint,
    sereno,
    step_message,
)
from tests.fakes.discord_api import FakeDiscord
from tests.support import wait_delivered


async def test_reactions_by_agent_and_customer(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    step = step_message(app, case_id)
    await fake.react(step, "✅", user="customer")
    await eventually(lambda: EventKind.REACTION_IGNORED in kinds(app, case_id))
    assert app.store.steps(case_id)[0].state is StepState.PENDING
    await fake.react(step, "✅", user="agent")
    await eventually(lambda: app.store.steps(case_id)[0].state is StepState.DONE)
    header = app.store.outbox_for_case(case_id)[0].platform_message_id
    await fake.wait_for("PATCH", f"/channels/{msg['id']}/messages/{header}")
    assert (await guidance(fake, msg["id"], count=4))[3].startswith("Step 2/")
    await wait_delivered(app.store, "discord")  # step 2's message id is recorded
    await fake.react(step, "✅", user="agent", remove=True)
    await eventually(lambda: app.store.steps(case_id)[0].state is StepState.PENDING)
    await fake.react(step_message(app, case_id, 1), "⏩", user="agent")
    await eventually(lambda: app.store.steps(case_id)[1].state is StepState.SKIPPED)
    assert kinds(app, case_id).count(EventKind.STEP_UNDONE) == 1


async def test_restart_then_reaction_on_an_earlier_step(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, settings_for(), detector) as app:
        msg, case_id = await open_complaint(fake, app)
        step = step_message(app, case_id)
    async with sereno(fake, settings_for(), detector) as app:
        await fake.react(step, "✅", user="agent")
        await eventually(lambda: app.store.steps(case_id)[0].state is StepState.DONE)
        assert (await guidance(fake, msg["id"], count=4))[3].startswith("Step 2/")
        assert len(fake.requests("POST", "/threads")) == 1
