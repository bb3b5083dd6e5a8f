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

#: The steps ENGLISH's first card ("Before you answer", no tip for its kind) stands for,
#: and those of the card after it, the first reply (issue 13: steps that need no decision
#: share one card, and one ✅ marks them all).
BEFORE_ANSWER = ["pause", "listen", "find-reason"]
FIRST_REPLY = ["apologize", "first-reply"]


def states(app: App, case_id: int, step_ids: list[str]) -> list[StepState]:
    by_id = {s.step_id: s.state for s in app.store.steps(case_id)}
    return [by_id[step_id] for step_id in step_ids]


async def test_reactions_by_agent_and_customer(fake: FakeDiscord, app: App) -> None:
    msg, case_id = await open_complaint(fake, app)
    assert [s.step_id for s in app.store.steps(case_id)][:5] == BEFORE_ANSWER + FIRST_REPLY
    step = step_message(app, case_id)
    await fake.react(step, "✅", user="customer")
    await eventually(lambda: EventKind.REACTION_IGNORED in kinds(app, case_id))
    assert states(app, case_id, BEFORE_ANSWER) == [StepState.PENDING] * 3
    await fake.react(step, "✅", user="agent")
    await eventually(lambda: states(app, case_id, BEFORE_ANSWER) == [StepState.DONE] * 3)
    assert states(app, case_id, FIRST_REPLY) == [StepState.PENDING] * 2
    header = app.store.outbox_for_case(case_id)[0].platform_message_id
    await fake.wait_for("PATCH", f"/channels/{msg['id']}/messages/{header}")
    fourth = (await guidance(fake, msg["id"], count=4))[3]
    assert fourth.startswith("Step 4/") and "First reply" in fourth, fourth
    await wait_delivered(app.store, "discord")  # the first reply's message id is recorded
    await fake.react(step, "✅", user="agent", remove=True)
    await eventually(lambda: states(app, case_id, BEFORE_ANSWER) == [StepState.PENDING] * 3)
    await fake.react(step_message(app, case_id, 1), "⏩", user="agent")
    await eventually(lambda: states(app, case_id, FIRST_REPLY) == [StepState.SKIPPED] * 2)
    # the ✅ taken back undoes each step it had marked, once
    assert kinds(app, case_id).count(EventKind.STEP_UNDONE) == len(BEFORE_ANSWER)


async def test_restart_then_reaction_on_an_earlier_step(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    async with sereno(fake, settings_for(), detector) as app:
        msg, case_id = await open_complaint(fake, app)
        step = step_message(app, case_id)
    async with sereno(fake, settings_for(), detector) as app:
        await fake.react(step, "✅", user="agent")
        await eventually(lambda: states(app, case_id, BEFORE_ANSWER) == [StepState.DONE] * 3)
        fourth = (await guidance(fake, msg["id"], count=4))[3]
        assert fourth.startswith("Step 4/") and "First reply" in fourth, fourth
        assert len(fake.requests("POST", "/threads")) == 1
