"""Correcting the reading from Slack (issue 14 item 4): the case header carries a
"Correct the reading…" static_select, its options grouped by part, on the first post
and on every edit of the header while the case is open; a choice is acknowledged,
kept in the inbox like any click, applied by the core, and answered to the chooser
alone; the header is edited with the corrected value. A non-agent is refused politely;
nothing reaches the customer's channel.

The real bolt app and slack_sdk client against FakeSlack (which refuses blocks over
Block Kit's limits), on a real SQLite file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.core.base.cards import ActionId, Card, CardKind, Menu, MenuOption
from bot.core.base.case import EventKind
from bot.core.base.model import Reason
from bot.core.base.ports import LanguageDetector
from bot.wiring import build
from handlers.slack.render import MENU_BLOCK, blocks
from handlers.slack.runner import SlackRuntime
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_blocks import block_problems
from tests.slack_harness import Running, running, slack_settings
from tests.support import eventually
from tests.test_slack_visibility import worked

LATE = "My order 48213 never arrived and nobody answers!!! I want a solution."
SHARED, TRIAGE = "C2", "CTRIAGE"
_HEADER = re.compile(r"^Case #\d+ · ")  # the header (the triage opener says "Case #1: …")


def _blocks(params: dict[str, Any]) -> list[dict[str, Any]]:
    raw = params.get("blocks")
    return json.loads(raw) if isinstance(raw, str) else list(raw or [])


def menu_of(params: dict[str, Any]) -> dict[str, Any] | None:
    """The message's static_select, if it has one."""
    for block in _blocks(params):
        if block.get("block_id") == MENU_BLOCK:
            [element] = block["elements"]
            return dict(element)
    return None


def headers(slack: Running, channel: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, ts, params) of every header post and edit, in order."""
    found = []
    for call in slack.fake.calls(ok=True):
        if call.method not in ("chat.postMessage", "chat.update"):
            continue
        if call.params.get("channel") != channel:
            continue
        if _HEADER.match(str(call.params.get("text", ""))):
            found.append((call.method, str(call.response["ts"]), call.params))
    return found


async def open_case(slack: Running, channel: str = "C1") -> tuple[int, str]:
    ts = sp.next_ts()
    assert await slack.event(sp.message_event(channel, "U-lucia", LATE, ts)) == 200
    await worked(slack)
    case = slack.app.store.find_case_by_message("slack", channel, ts)
    assert case is not None
    return case.id, ts


async def choose(
    slack: Running, channel: str, header_ts: str, user: str, value: str
) -> dict[str, Any]:
    """Pick `value` in the header's menu as `user`; the answer sent to the response_url."""
    payload = slack.fake.choose(channel, header_ts, user, value)
    before = len(slack.fake.calls("respond"))
    status, body = await slack.interact(payload)
    assert status == 200 and body is None  # acknowledged at once, empty
    await slack.fake.wait_for("respond", count=before + 1)
    await worked(slack)
    return dict(slack.fake.calls("respond")[-1].params)


async def test_the_header_carries_a_grouped_menu_within_slack_limits(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with running(slack_settings(db_path, fake), fake, detector) as slack:
        case_id, _ = await open_case(slack)
        [(method, _, params)] = headers(slack, "C1")
        assert method == "chat.postMessage"
        select = menu_of(params)
        assert select is not None
        assert select["action_id"] == ActionId.CORRECT_READING.value
        assert select["placeholder"] == {"type": "plain_text", "text": "Correct the reading…"}
        assert "options" not in select
        groups = [g["label"]["text"] for g in select["option_groups"]]
        assert groups == ["reason", "intensity", "kind"]  # one heading per part, in order
        values = [o["value"] for g in select["option_groups"] for o in g["options"]]
        assert f"{case_id}:reason=billing" in values
        assert all(v.startswith(f"{case_id}:") for v in values)
        # the current reading is ticked
        labels = [o["text"]["text"] for g in select["option_groups"] for o in g["options"]]
        assert any(label.endswith("delivery ✓") for label in labels), labels
        # no other post of the thread has a menu
        assert all(menu_of(p) is None for p in slack.posts() if p is not params)


async def test_an_agent_corrects_the_reason_and_the_header_is_edited(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with running(slack_settings(db_path, fake), fake, detector) as slack:
        case_id, thread = await open_case(slack)
        [(_, header_ts, _)] = headers(slack, "C1")
        answer = await choose(slack, "C1", header_ts, "U-ana", f"{case_id}:reason=billing")
        assert answer["response_type"] == "ephemeral"
        assert answer["replace_original"] is False
        assert "Reading of #" in answer["text"] and "delivery → billing" in answer["text"]
        case = slack.app.store.get_case(case_id)
        assert case is not None and case.reading.reason is Reason.BILLING
        kinds = [e.kind for e in slack.app.store.events(case_id)]
        assert EventKind.READING_CORRECTED in kinds
        # kept in the inbox like every click, and done with
        assert slack.app.store.inbox_health("slack").pending == 0
        edits = [(m, ts, p) for m, ts, p in headers(slack, "C1") if m == "chat.update"]
        assert edits and edits[-1][1] == header_ts
        edited = edits[-1][2]
        assert str(edited["text"]).startswith(f"Case #{case_id} · billing")
        assert "corrected by ana" in str(edited["text"])
        select = menu_of(edited)  # the menu stays on the edited header, ticked anew
        assert select is not None
        labels = [o["text"]["text"] for g in select["option_groups"] for o in g["options"]]
        assert any(label.endswith("billing ✓") for label in labels), labels
        assert not any(label.endswith("delivery ✓") for label in labels)
        # nothing new in the customer's thread but Sereno's own staff cards
        assert all(p.get("thread_ts") == thread for p in slack.posts() if p["channel"] == "C1")


async def test_a_non_agent_is_refused_privately_and_nothing_changes(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with running(slack_settings(db_path, fake), fake, detector) as slack:
        case_id, _ = await open_case(slack)
        [(_, header_ts, _)] = headers(slack, "C1")
        before = len(fake.calls("chat.update"))
        answer = await choose(slack, "C1", header_ts, "U-john", f"{case_id}:reason=billing")
        assert answer["response_type"] == "ephemeral"
        assert "team" in answer["text"].lower()  # only the team may
        case = slack.app.store.get_case(case_id)
        assert case is not None and case.reading.reason is Reason.DELIVERY
        assert len(fake.calls("chat.update")) == before


async def test_a_forged_value_is_refused_politely(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with running(slack_settings(db_path, fake), fake, detector) as slack:
        case_id, _ = await open_case(slack)
        [(_, header_ts, _)] = headers(slack, "C1")
        payload = fake.choose("C1", header_ts, "U-ana", f"{case_id}:reason=billing")
        payload["actions"][0]["selected_option"]["value"] = f"{case_id}:reason=weather"
        before = len(fake.calls("respond"))
        status, _ = await slack.interact(payload)
        assert status == 200
        await fake.wait_for("respond", count=before + 1)
        answer = fake.calls("respond")[-1].params
        assert answer["response_type"] == "ephemeral"
        assert "does not know that choice" in answer["text"]


async def test_a_triage_case_is_corrected_in_triage_and_the_customer_sees_nothing(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    fake.add_channel(SHARED, "acme-shared", is_ext_shared=True, is_shared=True)
    fake.add_channel(TRIAGE, "complaints-triage")
    settings = slack_settings(
        db_path, fake, SERENO_SLACK_CHANNELS="C1,C2", SERENO_SLACK_TRIAGE_CHANNEL=TRIAGE
    )
    async with running(settings, fake, detector) as slack:
        case_id, _ = await open_case(slack, SHARED)
        [(_, header_ts, _)] = headers(slack, TRIAGE)
        shared_before = [c.params for c in fake.calls("chat.postMessage") if _in(c, SHARED)]
        await choose(slack, TRIAGE, header_ts, "U-ana", f"{case_id}:intensity=3")
        case = slack.app.store.get_case(case_id)
        assert case is not None and case.reading.intensity == 3
        assert headers(slack, TRIAGE)[-1][0] == "chat.update"
        shared_after = [c.params for c in fake.calls("chat.postMessage") if _in(c, SHARED)]
        assert shared_after == shared_before
        assert not [c for c in fake.calls("chat.update") if _in(c, SHARED)]


def _in(call: Any, channel: str) -> bool:
    return call.params.get("channel") == channel


async def test_a_closed_case_header_loses_its_menu(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    async with running(slack_settings(db_path, fake), fake, detector) as slack:
        case_id, _ = await open_case(slack)
        [(_, header_ts, _)] = headers(slack, "C1")
        text = await slack.click(ActionId.RESOLVE.value, str(case_id), "U-ana", header_ts)
        assert text
        await worked(slack)
        method, ts, params = headers(slack, "C1")[-1]
        assert (method, ts) == ("chat.update", header_ts)
        assert menu_of(params) is None


async def test_a_choice_over_socket_mode_is_acknowledged_and_applied(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    """The same menu when Slack pushes the click down the Socket Mode websocket: the
    envelope is acknowledged, kept once, and the reading corrected."""
    settings = slack_settings(db_path, fake, SLACK_APP_TOKEN="xapp-1-test")
    app = build(settings, detector=detector)
    runtime = SlackRuntime(app, socket_mode=True)
    runtime.start_drainer()
    handler = runtime.socket_handler()
    try:
        await handler.connect_async()
        ts = sp.next_ts()
        body = sp.event_body(sp.message_event("C1", "U-lucia", LATE, ts), "Ev-socket-menu")
        await fake.wait_ack(await fake.push_envelope("events_api", body))
        await fake.wait_for("chat.postMessage", count=3, ok=True)
        case = app.store.find_case_by_message("slack", "C1", ts)
        assert case is not None
        header_ts = next(
            str(c.response["ts"])
            for c in fake.calls("chat.postMessage", ok=True)
            if menu_of(c.params) is not None
        )
        payload = fake.choose("C1", header_ts, "U-ana", f"{case.id}:intensity=3")
        envelope = await fake.push_envelope("interactive", payload)
        await fake.wait_ack(envelope)
        await fake.wait_for("respond", count=1)
        assert "intensity 1 → 3" in fake.calls("respond")[-1].params["text"]
        again = await fake.push_envelope("interactive", payload, retry_attempt=None)
        await fake.wait_ack(again)  # redelivered: kept once, so corrected once
        await eventually(lambda: app.store.inbox_health("slack").pending == 0)
        corrected = app.store.get_case(case.id)
        assert corrected is not None and corrected.reading.intensity == 3
        events = [e for e in app.store.events(case.id) if e.kind is EventKind.READING_CORRECTED]
        assert len(events) == 1
        assert len(fake.calls("respond")) == 1  # run again it would answer "already says so"
    finally:
        await handler.close_async()
        await runtime.stop()
        app.close()


def test_an_oversized_menu_is_cut_to_what_slack_accepts() -> None:
    """Long labels, long group names, too many options, a value too long to send back:
    what Sereno renders still passes the fake's Block Kit checks."""
    long = MenuOption("1:" + "x" * 200, "too long to send back", "g")
    many = (MenuOption(f"1:reason=v{n}", "label " * 30, "group " * 20) for n in range(120))
    options = (long, *many)
    card = Card(CardKind.HEADER, "Case #1", menu=Menu(ActionId.CORRECT_READING, "p" * 300, options))
    shown = blocks(card)
    assert block_problems(shown) == []
    [select] = [e for b in shown if b.get("block_id") == MENU_BLOCK for e in b["elements"]]
    values = [o["value"] for g in select["option_groups"] for o in g["options"]]
    assert len(values) == 100 and all(len(v) <= 150 for v in values)
