"""An agent replies to the customer from Discord, through the served process (issue 11,
item 3): Reply… on Sereno's suggestion opens a form prefilled with it, the agent edits
and submits it, and the customer reads it in their complaint's thread, signed, once.

The rooms of the shared process are internal (a forwarder's complaints), so the form
also offers COPY; the agent empties that field to post the reply in the thread.
"""

from __future__ import annotations

import pytest

from tests.acceptance.chat import ANSWER_WITHIN, Chat
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import stays, until

pytestmark = pytest.mark.asyncio(loop_scope="session")
EDITED = "Dear customer, a new order ships today and we refund the delivery. Sorry!"


@pytest.mark.parametrize("platform", ["discord"], indirect=True)
async def test_an_agent_edits_the_suggestion_and_the_customer_reads_it_once(
    chat: Chat,
) -> None:
    assert isinstance(chat, DiscordChat)
    fake, served = chat.fake, chat.served
    thread = await chat.complain()
    found = [
        (post.id, c["custom_id"])
        for post in chat.posts(thread.id)
        for row in fake.messages[int(post.id)].get("components", [])
        for c in row["components"]
        if c["custom_id"].startswith("sereno:reply|")
    ]
    assert found, f"no Reply… button under {chat.titles(thread.id)}"
    [(message, button), *_] = found

    clicked = await fake.click(button, message, user="agent")
    [opened] = await fake.wait_for("POST", f"/interactions/{clicked['id']}/", timeout=ANSWER_WITHIN)
    assert opened.json["type"] == 9, opened.json  # a modal, answered within Discord's 3 s
    submitted = await fake.submit_modal(
        clicked, {"Your reply": EDITED, "Type COPY if you send it yourself": ""}
    )
    [told] = await fake.wait_for("POST", f"/interactions/{submitted['id']}/", timeout=ANSWER_WITHIN)
    assert "on its way to the customer" in told.json["data"]["content"]

    signed = f"{EDITED}\n— Alex"

    def replies() -> list[str]:
        return [p.text for p in chat.posts(thread.id) if p.text == signed]

    await until(replies, timeout=ANSWER_WITHIN, what="the reply in the thread", served=served)
    await until(
        lambda: chat.matching(thread, "Reply sent to the customer by Alex."),
        timeout=ANSWER_WITHIN,
        what="the team told who replied",
        served=served,
    )
    await stays(lambda: len(replies()) == 1, seconds=1.0, what="one reply", served=served)
    assert "Traceback" not in served.stderr(), served.tail()
