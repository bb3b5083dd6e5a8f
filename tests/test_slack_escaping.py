"""No pings from customer text on Slack (issue 10, item 5).

A customer named `<!channel> Mallory` complains with every mention Slack knows in the
text; nothing Sereno posts (thread posts, header edits, pings, command and mention
replies, file comments) may carry one unescaped. Only Sereno's own mention of the
agent group stays, put in front after escaping.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.base.cards import Action, ActionId, Card, CardKind
from bot.core.base.ports import LanguageDetector
from handlers.slack import render
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import USERS, Running, running, slack_settings

MENTIONS = ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<!subteam^S1>")
COMPLAINT = (
    "My order 5521 arrived broken <!here> <@U999> <!subteam^S1> <!everyone> "
    "&amp; nobody answers!!! I want a refund."  # Slack sends a typed & as &amp;
)
OURS = "<!subteam^SAGENTS>"
SENT = ("chat.postMessage", "chat.update", "chat.postEphemeral", "respond")


@pytest.fixture
async def slack(db_path: Path, detector: LanguageDetector) -> AsyncIterator[Running]:
    async with FakeSlack(users={**USERS, "U-mal": "<!channel> Mallory"}) as fake:
        fake.set_usergroup("SAGENTS", ["U-ana", "U-luis"])
        settings = slack_settings(
            db_path, fake, SERENO_FIRST_RESPONSE="0s", SERENO_SLACK_AGENT_GROUP="SAGENTS"
        )
        async with running(settings, fake, detector) as r:
            yield r


def posted(slack: Running) -> list[tuple[str, str]]:
    """(method, text and blocks as JSON) of everything Sereno sent to Slack."""
    out = []
    for call in slack.fake.calls():
        if call.method in SENT or call.method == "files.completeUploadExternal":
            shown = {k: call.params.get(k) for k in ("text", "blocks", "initial_comment")}
            if isinstance(shown["blocks"], str):
                shown["blocks"] = json.loads(shown["blocks"])
            out.append((call.method, json.dumps(shown, ensure_ascii=False)))
    return out


async def test_customer_text_never_mentions_anyone_on_slack(slack: Running) -> None:
    fake, ts = slack.fake, sp.next_ts()
    assert await slack.event(sp.message_event("C1", "U-mal", COMPLAINT, ts)) == 200
    await fake.wait_for("chat.postMessage", count=3, ok=True)
    await slack.delivered()
    assert slack.app.scheduler.tick() == 1  # the first-response ping, to the agent group
    slack.app.engine.notify()
    await fake.wait_for("chat.postMessage", count=4, ok=True)
    await slack.event(sp.message_event("C1", "U-mal", "Still nothing <!channel>", thread_ts=ts))
    # an agent's own text too: typed `<` arrives as &lt;, typed @here as <!here>
    assert "#1" in await slack.command("note #1 &lt;!channel&gt; call back <!here>", "U-ana")
    shown = await slack.command("show #1", "U-ana")
    assert "&lt;@U999&gt; &lt;!subteam^S1&gt; &lt;!everyone&gt; &amp; nobody" in shown
    assert "&lt;!channel&gt; Mallory" in await slack.command("list", "U-ana")
    assert "&lt;!channel&gt;" in await slack.command("timeline #1", "U-ana")
    await slack.command("suggest #1 first-reply", "U-ana")
    await slack.command("export #1 md", "U-ana")
    header = str(fake.calls("chat.postMessage", ok=True)[0].response["ts"])
    await slack.click("sereno:claim", "1", "U-ana", header)
    mention = sp.app_mention_event("C1", "U-ana", "<@UBOT> show", thread_ts=ts)
    await slack.event(mention)
    await fake.wait_for("chat.postEphemeral", count=1)
    await fake.wait_for("chat.update", count=1, ok=True)
    await fake.wait_for("files.completeUploadExternal", count=1, ok=True)
    await slack.delivered()
    sent = posted(slack)
    assert {method for method, _ in sent} >= {*SENT, "files.completeUploadExternal"}
    for method, body in sent:
        assert not [m for m in MENTIONS if m in body], (method, body)
        assert "<" not in body.replace(OURS, ""), (method, body)
    pings = [p["text"] for p in slack.posts(ts) if OURS in p["text"]]
    assert pings and pings[0].startswith(f"{OURS} ⏰ First response due · #1")
    # the suggested reply greets the customer by name: escaped, in the text and the blocks
    suggestion = next(p for p in slack.posts(ts) if p["text"].startswith("Suggested reply"))
    # (replies open with a greeting, issue 13: "Hi <name>, …")
    assert "\n> Hi &lt;!channel&gt;, I understand" in suggestion["text"]
    assert "Hi &lt;!channel&gt;, I understand" in json.dumps(suggestion["blocks"])


def _card(kind: CardKind, mentions: tuple[str, ...] = ()) -> Card:
    return Card(
        kind,
        "Case #1 · <!channel> Mallory",
        lines=("Complaint: <@U999> & <https://evil.example|your invoice>",),
        quote="Hola <!here>,\nwe are on it <!subteam^S1>",
        actions=(Action(ActionId.CLAIM, "Claim", "1"),),
        footer="<!everyone> note",
        mentions=mentions,
    )


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        for part in [block.get("text"), *block.get("elements", ())]:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                found.append(part["text"])
            elif isinstance(part, dict) and isinstance(part.get("text"), dict):
                found.append(part["text"]["text"])
    return found


def test_every_text_field_of_a_card_is_escaped_and_our_mention_added_after() -> None:
    card = _card(CardKind.PING, ("agents",))
    ours = render.mention_text(card, (), "SAGENTS", None)
    assert ours == OURS
    text, blocks = render.fallback_text(card, ours), render.blocks(card, ours)
    assert text.startswith(OURS + " Case #1 · &lt;!channel&gt; Mallory")
    assert "\n> Hola &lt;!here&gt;,\n> we are on it" in text  # Sereno's quote marker stays
    assert blocks[0]["text"]["text"] == f"{OURS} *Case #1 · &lt;!channel&gt; Mallory*"
    for shown in (text, *_texts(blocks)):
        assert "<" not in shown.replace(OURS, "")  # no mention, no link can start
    assert "&amp; &lt;https://evil.example|your invoice&gt;" in text
    # Slack's own escaping is undone first: a customer's & shows as &, not as &amp;
    assert render.escape("a &amp; b &lt;!here&gt;") == "a &amp; b &lt;!here&gt;"
    assert render.escape(render.escape("<!here> & <@U1>")) == render.escape("<!here> & <@U1>")
    assert render.fallback_text(_card(CardKind.STEP)).startswith("Case #1 · &lt;!channel&gt;")
