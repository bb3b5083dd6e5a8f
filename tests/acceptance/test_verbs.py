"""Every mission verb on every platform, through the served process, as people see it:
guidance in the thread, ✅ on a step, a command's answer, an export, a follow-up ping
after resolving, and a restart that keeps everything (issue 9, item 7)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.acceptance.chat import (
    ANSWER_WITHIN,
    COMPLAINT,
    FOLLOWUP_AFTER,
    PING_LATE_AT_MOST,
    Chat,
    Post,
    core_verb,
    every_platform,
    followup_ping,
)
from tests.acceptance.served import CLEAN_EXITS, until

pytestmark = pytest.mark.asyncio(loop_scope="session")
DONE_LINE = r"\n\s*{n}\. [\w-]+: done by \S+ via reaction"
FIRST_REPLY = "First reply: acknowledge, align, assure"
SOLVE = "Solve it: offer options"


def card(prefix: str, title: str) -> Callable[[Post], bool]:
    """Step cards whose title starts with `prefix` ("Step 4/") and ends with `title`."""
    return lambda post: post.title.startswith(prefix) and post.title.endswith(title)


@core_verb
async def test_a_complaint_gets_its_case_and_guidance_in_its_thread(chat: Chat) -> None:
    thread = await chat.complain()
    header, step, suggestion = chat.posts(thread.id)[:3]
    assert header.title.startswith(f"Case #{thread.case} · ")
    assert "Reason:" in header.text and "Progress 0/" in header.text
    assert step.title.startswith("Step 1/")
    assert suggestion.title.startswith("Suggested reply (en)")
    assert "5521" in suggestion.text  # the reply quotes the customer's order


@core_verb
async def test_a_check_mark_on_a_step_marks_it_and_the_next_step_appears(chat: Chat) -> None:
    thread = await chat.complain()
    header, step_1 = chat.posts(thread.id)[:2]
    assert step_1.title.startswith("Step 1/") and "Before you answer" in step_1.title
    await chat.react_done(thread, step_1)  # it marks every step the folded card holds
    await chat.wait_posts(thread.id, lambda p: p.title.startswith("Step ") and p != step_1)
    await until(
        lambda: [t for t in chat.edits(thread, header) if "☑ before-answer ☐ reply" in t],
        timeout=ANSWER_WITHIN,
        what=lambda: f"the header showing the first card done; edits: {chat.edits(thread, header)}",
        served=chat.served,
    )
    shown = await chat.command(thread.room, "show", thread.case)
    assert re.search(DONE_LINE.format(n=1), shown), shown


@core_verb
async def test_a_command_answers(chat: Chat) -> None:
    thread = await chat.complain()
    shown = await chat.command(thread.room, "show", thread.case)
    assert shown.startswith(f"Case #{thread.case} · "), shown
    assert COMPLAINT in shown
    listed = await chat.command(thread.room, "list")
    assert re.search(rf"(^|\n)#{thread.case} · ", listed), listed


@every_platform
async def test_an_export_from_chat_is_uploaded_to_the_case_thread(chat: Chat) -> None:
    thread = await chat.complain()
    answer = await chat.command(thread.room, "export", thread.case, "md")
    assert "posted in its thread" in answer, answer
    report = await chat.uploaded(thread, f"case-{thread.case}.md")
    assert report.startswith(f"# Case #{thread.case}".encode())
    assert COMPLAINT.encode() in report


@every_platform
async def test_resolving_brings_a_follow_up_ping(chat: Chat) -> None:
    thread = await chat.complain()
    answer = await chat.command(thread.room, "resolve", thread.case, "refund sent")
    assert answer.startswith(f"#{thread.case} resolved by"), answer
    needle = followup_ping(thread.case)
    await chat.wait_posts(
        thread.id,
        lambda post: needle in post.text,
        timeout=FOLLOWUP_AFTER + PING_LATE_AT_MOST + 1.0,
    )


@every_platform
async def test_a_restart_keeps_cases_steps_and_reactions(chat: Chat) -> None:
    thread = await chat.complain()
    step_1 = chat.posts(thread.id)[1]
    assert step_1.title.startswith("Step 1/") and "Before you answer" in step_1.title
    await chat.react_done(thread, step_1)  # marks pause, listen and find-reason (issue 13)
    [reply] = await chat.wait_posts(thread.id, card("Step 4/", FIRST_REPLY))

    code = await chat.served.stop()
    stopping = chat.served.stderr()
    await chat.start()

    await chat.react_done(thread, reply)  # on a message the previous process posted
    await chat.wait_posts(thread.id, card("Step 6/", SOLVE))
    shown = await chat.command(thread.room, "show", thread.case)
    assert shown.startswith(f"Case #{thread.case} · ") and COMPLAINT in shown
    # the first card stood for steps 1-3, the reply card for 4 (apologise) and 5
    for n in range(1, 6):
        assert re.search(DONE_LINE.format(n=n), shown), (n, shown)
    assert not re.search(DONE_LINE.format(n=6), shown), shown
    assert [t for t in chat.titles(thread.id) if t.startswith("Step 4/")] == [reply.title]
    # issue 9, item 1: SIGTERM shuts down cleanly (a handled exit, no traceback)
    assert code in CLEAN_EXITS and "Traceback" not in stopping, (
        f"SIGTERM: exit code {code} (clean is one of {CLEAN_EXITS})\n{stopping[-3000:]}"
    )
