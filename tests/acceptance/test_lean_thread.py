"""A lean thread, through the served process, as an agent sees it (issue 13, items 1
and 2): a calm question worked to resolution in at most 8 posts, its first steps on one
"Before you answer" card, no "route it" card, the header's checklist ticking; a rude
customer's tip on the first card; and header edits at most one every 5 s during a burst."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import time

import pytest

from tests.acceptance.chat import ANSWER_WITHIN, Chat, Post, Thread, every_platform
from tests.acceptance.served import until
from tests.acceptance.slack_chat import SlackChat

pytestmark = pytest.mark.asyncio(loop_scope="session")

CALM = "Hello, could you please check invoice 7781? I think I was charged twice. Thank you."
RUDE = "Where is my order 5521?? You useless idiots, three weeks and NOTHING!!!"
MOST_POSTS = 8
EDIT_GAP = 5.0  # seconds between two edits of one header, at least


def _sent(chat: Chat, post: Post) -> bool:
    """Sereno has recorded the post as sent (so a reaction on it is understood)."""
    uri = f"file:{chat.served.db}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=2)) as conn:
        row = conn.execute(
            "SELECT 1 FROM outbox WHERE platform_message_id = ? AND status = 'sent'", [post.id]
        ).fetchone()
    return row is not None


async def next_card(chat: Chat, thread: Thread, title: str) -> Post:
    """Wait for the step card whose title ends with `title`, recorded as sent."""
    [card] = await chat.wait_posts(
        thread.id, lambda p: p.title.startswith("Step ") and p.title.endswith(title)
    )
    await until(
        lambda: _sent(chat, card),
        timeout=ANSWER_WITHIN,
        what=f"{card.title!r} recorded as sent",
        served=chat.served,
    )
    return card


async def header_shows(chat: Chat, thread: Thread, header: Post, needle: str) -> str:
    """Wait until the header was edited to show `needle`; that edit."""
    found = await until(
        lambda: [t for t in chat.edits(thread, header) if needle in t],
        timeout=ANSWER_WITHIN + EDIT_GAP,
        what=lambda: f"the header showing {needle!r}; edits: {chat.edits(thread, header)}",
        served=chat.served,
    )
    return str(found[-1])


@every_platform
async def test_a_calm_question_is_worked_to_resolution_in_a_lean_thread(chat: Chat) -> None:
    thread = await chat.complain(CALM)
    header, first, suggestion = chat.posts(thread.id)[:3]
    assert "Progress 0/12 · ☐ before-answer ☐ reply ☐ solve ☐ after" in header.text
    assert first.title.endswith("Before you answer"), first.title
    for step in ("Pause before you answer", "Let them finish", "Find the real reason"):
        assert step in first.text
    assert suggestion.title.startswith("Suggested reply (en)")
    await chat.react_done(thread, first)
    reply = await next_card(chat, thread, "First reply: acknowledge, align, assure")
    await header_shows(chat, thread, header, "☑ before-answer ☐ reply")
    await chat.react_done(thread, reply)
    solve = await next_card(chat, thread, "Solve it: offer options")
    await chat.react_done(thread, solve)
    await header_shows(chat, thread, header, "☑ before-answer ☑ reply ☑ solve ☐ after")
    answer = await chat.command(thread.room, "resolve", thread.case)
    assert "resolved" in answer, answer
    await next_card(chat, thread, "Once it's solved")
    await header_shows(chat, thread, header, "resolved")
    posts = chat.posts(thread.id)
    titles = [p.title for p in posts]
    assert len(posts) <= MOST_POSTS, titles
    assert not [p for p in posts if "Route it" in p.text], titles


@every_platform
async def test_a_rude_customers_tip_comes_with_the_first_card(chat: Chat) -> None:
    thread = await chat.complain(RUDE)
    header, first, suggestion = chat.posts(thread.id)[:3]
    assert "Customer seems: rude" in header.text
    assert "Rude customer: never insult back" in first.text
    assert suggestion.title.startswith("Suggested reply (en)")
    assert first.at <= suggestion.at  # the tip is on screen before the first reply is


@pytest.mark.parametrize("platform", ["slack-http"], indirect=True)
async def test_header_edits_are_coalesced_during_a_burst_of_ticks(chat: Chat) -> None:
    assert isinstance(chat, SlackChat)
    thread = await chat.complain(RUDE)
    header = chat.posts(thread.id)[0]
    started = time.monotonic()
    for step in ("pause", "listen", "find-reason", "tip-rude", "apologize", "first-reply"):
        answer = await chat.command(thread.room, "done", thread.case, step)
        assert "done by" in answer, answer
    burst = time.monotonic() - started
    last = await header_shows(chat, thread, header, "Progress 6/")
    assert "☑ before-answer ☑ reply ☐ solve" in last  # the latest content won
    edits = [
        c.time
        for c in chat.fake.calls("chat.update", ok=True)
        if c.params.get("ts") == header.id and c.params.get("channel") == thread.room
    ]
    gaps = [later - earlier for earlier, later in itertools.pairwise(edits)]
    assert all(gap >= EDIT_GAP - 0.1 for gap in gaps), gaps
    assert len(edits) <= 2 + int(burst // EDIT_GAP), (len(edits), burst)
    # the step cards did not wait for the header: the "Solve it" card is there
    await next_card(chat, thread, "Solve it: offer options")
