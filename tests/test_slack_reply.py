"""Replying to the customer from Slack (issue 11, item 3): "Reply…" on a suggestion opens
a form prefilled with it while the click is acknowledged (Slack's trigger lasts 3 s);
the agent edits and sends, and the reply goes once to the customer's own thread, signed,
counting as the first response. Customers and non-agents get no form; a blank like
"[option A]" left keeps the form open with the reason; a forwarder's (internal) channel
also offers "copy and mark as sent", which posts nothing to the customer.

The real bolt app and slack_sdk client against FakeSlack (which refuses expired trigger
ids and views over Slack's limits), on a real SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.core.base.case import EventKind
from bot.core.base.clocks import ReminderKind
from bot.core.base.ports import LanguageDetector
from bot.wiring import build
from handlers.slack.reply_form import CALLBACK, HOW_BLOCK, TEXT_BLOCK
from handlers.slack.runner import SlackRuntime
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import Running, running, slack_settings
from tests.support import eventually
from tests.test_slack_visibility import worked

ES = "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! Quiero una solución."
SHARED, INTERNAL, TRIAGE = "C2", "C1", "CTRIAGE"
EDITED = "Lucía, lo siento mucho. Hoy mismo le envío un pedido nuevo. — revisado"


@asynccontextmanager
async def sereno(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> AsyncIterator[Running]:
    """Sereno on C1 (internal) and C2 (Slack Connect, its cases in the triage channel)."""
    fake.add_channel(SHARED, "acme-shared", is_ext_shared=True, is_shared=True)
    fake.add_channel(TRIAGE, "complaints-triage")
    settings = slack_settings(
        db_path, fake, SERENO_SLACK_CHANNELS="C1,C2", SERENO_SLACK_TRIAGE_CHANNEL=TRIAGE
    )
    async with running(settings, fake, detector) as slack:
        yield slack


async def complain(slack: Running, channel: str) -> tuple[int, str]:
    ts = sp.next_ts()
    assert await slack.event(sp.message_event(channel, "U-lucia", ES, ts)) == 200
    await worked(slack)
    case = slack.app.store.find_case_by_message("slack", channel, ts)
    assert case is not None
    return case.id, ts


def suggestion(slack: Running) -> tuple[dict[str, Any], str, str]:
    """The suggestion card (params), its ts and its Reply… button's value."""
    for call in slack.fake.calls("chat.postMessage", ok=True):
        if str(call.params.get("text", "")).startswith("Suggested"):
            blocks = call.params["blocks"]
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            [button] = [
                e
                for b in blocks
                if b["type"] == "actions"
                for e in b["elements"]
                if e["action_id"] == CALLBACK
            ]
            return call.params, str(call.response["ts"]), str(button["value"])
    raise AssertionError("no suggestion posted")


async def click_reply(slack: Running, user: str = "U-ana") -> dict[str, Any]:
    card, card_ts, value = suggestion(slack)
    payload = slack.fake.block_actions(
        CALLBACK, value, user, card["channel"], card_ts, card["thread_ts"]
    )
    status, body = await slack.interact(payload)
    assert status == 200 and body is None
    return payload


def the_view(slack: Running) -> dict[str, Any]:
    [view] = slack.fake.opened_views()
    return view


def text_input(view: dict[str, Any]) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == TEXT_BLOCK]
    return dict(block["element"])


def first_response_pending(slack: Running, case_id: int) -> bool:
    return any(
        r.kind is ReminderKind.FIRST_RESPONSE and r.status == "pending"
        for r in slack.app.store.reminders_for(case_id)
    )


def posts_in(slack: Running, channel: str) -> list[dict[str, Any]]:
    return [
        c.params for c in slack.fake.calls("chat.postMessage") if c.params["channel"] == channel
    ]


async def test_reply_opens_a_form_prefilled_with_the_suggestion_within_the_ack(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        case_id, ts = await complain(slack, INTERNAL)
        click = await click_reply(slack)
        [opened] = fake.calls("views.open", ok=True)  # answered before the ack returned
        assert opened.params["trigger_id"] == click["trigger_id"]
        view = the_view(slack)
        assert view["title"]["text"] == "Reply to the customer"
        assert view["callback_id"] == CALLBACK
        draft = text_input(view)
        assert draft["multiline"] and draft["max_length"] == 3000
        assert "ana" in draft["initial_value"] and "48213" in draft["initial_value"]
        assert "pedido" in draft["initial_value"] or "caso" in draft["initial_value"]  # Spanish
        meta = json.loads(view["private_metadata"])
        assert meta == {
            "case": case_id,
            "suggestion": "first-reply",
            "channel": INTERNAL,
            "thread": ts,
        }
        # an internal channel's complaint may have come by a forwarder: offer the copy
        [how] = [b for b in view["blocks"] if b.get("block_id") == HOW_BLOCK]
        assert [o["value"] for o in how["element"]["options"]] == ["post", "copy"]
        assert how["element"]["initial_option"]["value"] == "post"
        assert fake.calls("chat.postEphemeral") == [] and fake.responses() == []
        assert slack.app.store.inbox_health("slack").pending == 0  # never kept


async def test_customers_and_non_agents_get_no_form(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        await complain(slack, INTERNAL)
        for who in ("U-lucia", "U-john"):
            await click_reply(slack, who)
        assert fake.calls("views.open") == []
        told = [r["text"] for r in fake.responses()]
        assert told == ["Only the support team can do that."] * 2
        assert all(r["response_type"] == "ephemeral" for r in fake.responses())


async def test_an_expired_trigger_tells_the_agent_to_click_again(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        await complain(slack, INTERNAL)
        fake.trigger_seconds = 0.0
        await click_reply(slack)
        assert [c.response["error"] for c in fake.calls("views.open")] == ["expired_trigger_id"]
        [told] = fake.responses()
        assert "expired_trigger_id" in told["text"] and "Click Reply… again" in told["text"]


async def test_a_reply_from_the_triage_thread_reaches_the_shared_thread_once(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        case_id, ts = await complain(slack, SHARED)
        assert first_response_pending(slack, case_id)
        await click_reply(slack)
        view = the_view(slack)
        assert [b["block_id"] for b in view["blocks"]] == [TEXT_BLOCK]  # customers read it
        case = slack.app.store.get_case(case_id)
        assert case is not None
        assert json.loads(view["private_metadata"])["channel"] == TRIAGE

        status, body = await slack.interact(fake.view_submission(view["id"], "U-ana", EDITED))
        assert status == 200 and body is None  # closes the form
        await worked(slack)
        await eventually(lambda: not first_response_pending(slack, case_id))
        [reply] = posts_in(slack, SHARED)
        assert reply["thread_ts"] == ts
        assert EDITED in reply["text"] and "— ana" in reply["text"]
        thread = [p["text"] for p in posts_in(slack, TRIAGE) if p.get("thread_ts")]
        assert thread[-1] == "✉️ Reply sent to the customer by ana."
        events = slack.app.store.events(case_id)
        [sent] = [e for e in events if e.kind is EventKind.REPLY_SENT]
        assert sent.details["text"] == EDITED and sent.details["via"] == "posted"
        assert sent.details["suggestion"] == "first-reply"
        assert fake.calls("chat.postEphemeral") == []


async def test_copy_and_mark_as_sent_posts_nothing_to_the_customer(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        case_id, ts = await complain(slack, INTERNAL)
        await click_reply(slack)
        view = the_view(slack)
        before = len(posts_in(slack, INTERNAL))
        submitted = fake.view_submission(view["id"], "U-ana", EDITED, choice="copy")
        assert await slack.interact(submitted) == (200, None)
        await worked(slack)
        [sent] = [e for e in slack.app.store.events(case_id) if e.kind is EventKind.REPLY_SENT]
        assert sent.details["via"] == "copied"
        assert not first_response_pending(slack, case_id)
        new = [p["text"] for p in posts_in(slack, INTERNAL)[before:]]
        assert not [t for t in new if EDITED in t or "— ana" in t]
        assert any("ana sent the customer a reply outside the chat" in t for t in new)
        [told] = fake.calls("chat.postEphemeral")
        assert told.params["user"] == "U-ana" and told.params["thread_ts"] == ts
        assert "recorded as sent" in told.params["text"] and EDITED in told.params["text"]


async def test_a_blank_left_keeps_the_form_open_with_the_reason(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        case_id, _ = await complain(slack, SHARED)
        await click_reply(slack)
        view = the_view(slack)
        for text, says in (
            ("We can offer [option A] or [option B].", "Fill in [option A], [option B]"),
            ("   ", "The reply is empty"),
            ("x" * 3001, "3001 characters"),
        ):
            status, body = await slack.interact(fake.view_submission(view["id"], "U-ana", text))
            assert status == 200 and body is not None
            assert body["response_action"] == "errors"
            assert says in body["errors"][TEXT_BLOCK]
        await worked(slack)
        assert slack.app.store.inbox_health("slack").pending == 0
        kinds = [e.kind for e in slack.app.store.events(case_id)]
        assert EventKind.REPLY_QUEUED not in kinds and posts_in(slack, SHARED) == []


async def test_a_refusal_that_needs_the_case_comes_as_an_ephemeral_in_the_triage_thread(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with sereno(fake, db_path, detector) as slack:
        case_id, _ = await complain(slack, SHARED)
        await click_reply(slack)
        view = the_view(slack)
        forged = fake.view_submission(view["id"], "U-john", EDITED)  # not an agent
        assert await slack.interact(forged) == (200, None)
        await worked(slack)
        [told] = await fake.wait_for("chat.postEphemeral")
        case = slack.app.store.get_case(case_id)
        assert case is not None
        assert told.params["channel"] == TRIAGE and told.params["user"] == "U-john"
        assert told.params["thread_ts"] == case.staff_thread_id
        assert told.params["text"] == "Only the support team can do that."
        assert posts_in(slack, SHARED) == []


async def test_in_socket_mode_the_form_opens_before_the_envelope_is_acknowledged(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    settings = slack_settings(db_path, fake, SLACK_APP_TOKEN="xapp-1-test")
    app = build(settings, detector=detector)
    runtime = SlackRuntime(app, socket_mode=True)
    runtime.start_drainer()
    handler = runtime.socket_handler()
    try:
        await handler.connect_async()
        ts = sp.next_ts()
        event = sp.event_body(sp.message_event(INTERNAL, "U-lucia", ES, ts))
        await fake.wait_ack(await fake.push_envelope("events_api", event))
        await fake.wait_for("chat.postMessage", count=3, ok=True)
        card = next(
            c for c in fake.calls("chat.postMessage") if c.params["text"].startswith("Suggested")
        )
        click = fake.block_actions(
            CALLBACK, "1:first-reply", "U-ana", INTERNAL, card.response["ts"], ts
        )
        ack = await fake.wait_ack(await fake.push_envelope("interactive", click))
        assert "payload" not in ack or not ack["payload"]
        [view] = fake.opened_views()
        blank = fake.view_submission(view["id"], "U-ana", "Pick [option A], please.")
        ack = await fake.wait_ack(await fake.push_envelope("interactive", blank))
        assert ack["payload"]["response_action"] == "errors"
        good = fake.view_submission(view["id"], "U-ana", EDITED)
        await fake.wait_ack(await fake.push_envelope("interactive", good))
        await fake.wait_for("chat.postMessage", where=lambda c: EDITED in c.params["text"])
        await eventually(lambda: EventKind.REPLY_SENT in [e.kind for e in app.store.events(1)])
    finally:
        await handler.close_async()
        await runtime.stop()
        app.close()
