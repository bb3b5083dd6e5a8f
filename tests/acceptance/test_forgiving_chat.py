"""Forgiving commands through a served Sereno on Slack and Discord (issue 13 item 6):
`done N` ticks the step the playbook listing numbered N; on Slack, where the command is
typed, `show 6` is `show #6` and a mistyped verb gets a did-you-mean."""

from __future__ import annotations

import re

import pytest

from tests.acceptance.chat import Chat, every_platform

pytestmark = pytest.mark.asyncio(loop_scope="session")


@every_platform
async def test_done_n_ticks_the_step_the_playbook_listed_as_n(chat: Chat) -> None:
    thread = await chat.complain()
    await chat.command(thread.room, "flag", thread.case, "refused")  # adds a step, last
    listing = await chat.command(thread.room, "playbook", thread.case)
    numbered = dict(re.findall(r"(?m)^\s*☐ (\d+)\. ([\w-]+) — ", listing))
    assert len(numbered) >= 3, listing
    last = str(len(numbered))
    await chat.command(thread.room, "done", thread.case, last)
    shown = await chat.command(thread.room, "show", thread.case)
    assert re.search(rf"(?m)^\s*{last}\. {numbered[last]}: done by ", shown), shown
    assert len(re.findall(r": done by ", shown)) == 1, shown


@pytest.mark.parametrize("platform", ["slack-http"], indirect=True)
async def test_slack_takes_a_bare_case_number_and_suggests_the_verb_meant(chat: Chat) -> None:
    thread = await chat.complain()
    shown = await chat.command(thread.room, "show", None, str(thread.case))
    assert shown.startswith(f"Case #{thread.case} · "), shown
    typo = await chat.command(thread.room, "shwo", None, str(thread.case))
    assert "I don't know 'shwo'. Did you mean `show`? /complaint show [#case]" in typo
