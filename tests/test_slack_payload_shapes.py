"""Signed payloads of every shape bolt and Sereno's listeners could trip on (issue 10,
item 4): each field of real payloads set to the wrong kind gets 200, 400 or bolt's own
404, never a traceback; and what Slack really adds to a message is not refused.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.base.ports import LanguageDetector
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import Running, running, slack_settings
from tests.slack_requests import answering, as_form, as_json, event, loud, send


@pytest.fixture
async def slack(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Running]:
    caplog.set_level(logging.INFO)
    async with running(slack_settings(db_path, fake), fake, detector) as r:
        yield r


async def test_a_message_with_everything_slack_adds_is_not_refused(
    slack: Running, caplog: pytest.LogCaptureFixture
) -> None:
    rich = [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": "broken"}, {"type": "user", "user_id": "U-ana"}]}]}]  # fmt: skip
    extras = {
        "blocks": rich,
        "files": [{"id": "F1", "name": "photo.png", "size": 10}],
        "attachments": [{"id": 1, "fallback": "x", "text": "quoted"}],
        "user_profile": {"display_name": "Lucía", "team": "T0001"},
        "edited": {"user": "U-lucia", "ts": "1.2"},
        "client_msg_id": "0d1f",
    }
    raw, headers = as_json(event({"enterprise": None, "context_team_id": "T0001"}, **extras))
    assert (await send(slack, caplog, raw, headers))[0] == 200
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)


def _variants(body: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every field down to three levels (first list items), set to each wrong kind."""
    children = body.items() if isinstance(body, dict) else enumerate(body[:1])
    for key, value in children:
        for wrong in (None, 0, [], {}, "x"):
            yield (*path, key), wrong
        if isinstance(value, dict | list) and len(path) < 2:
            yield from _variants(value, (*path, key))


def _with(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(body)
    part = changed
    for key in path[:-1]:
        part = part[key]
    part[path[-1]] = value
    return changed


async def test_any_field_of_a_real_payload_of_the_wrong_kind_never_raises(
    slack: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """Bolt's id extractors and Sereno's listeners read these fields: 200, 400 or bolt's
    own 404 for a type nobody listens to, and never a traceback, even after the ack."""
    raw, headers = as_json(event())
    await send(slack, caplog, raw, headers)
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)
    ts, url = sp.next_ts(), slack.fake.response_url()
    bodies = {
        "reply": sp.event_body(sp.message_event("C1", "U-lucia", "still?", thread_ts=ts)),
        "reaction": sp.event_body(sp.reaction_event(True, "U-ana", "white_check_mark", "C1", ts)),
        "mention": sp.event_body(sp.app_mention_event("C1", "U-ana", "<@UBOT> list", ts)),
        "edit": sp.event_body(sp.edit_event("C1", ts, "new words", "old words", "U-lucia")),
        "delete": sp.event_body(sp.delete_event("C1", ts, "U-lucia", "old words")),
        "click": sp.block_action_payload("sereno:claim", "1", "U-ana", "C1", ts, None, url),
    }
    failures, statuses = [], set()
    for name, body in bodies.items():
        for path, wrong in _variants(body):
            changed = _with(body, path, wrong)
            if "event_id" in changed and path != ("event_id",):
                changed["event_id"] = f"Ev-{name}-{len(statuses)}-{path}-{wrong!r}"
            sent = as_form({"payload": json.dumps(changed)}) if name == "click" else None
            status, records = await send(
                slack, caplog, *(sent or as_json(json.dumps(changed).encode()))
            )
            statuses.add(status)
            if status not in (200, 400, 404) or loud(answering(records)):
                failures.append((name, path, wrong, status, loud(answering(records))))
    command = sp.slash_command_form("/complaint", "list", "U-ana", "C1", url)
    for field in command:
        for wrong in ("", "x"):
            status, records = await send(slack, caplog, *as_form({**command, field: wrong}))
            if status not in (200, 400, 404) or loud(answering(records)):
                failures.append(("command", field, wrong, status, loud(answering(records))))
    await slack.delivered()
    assert not failures
    assert statuses >= {200, 400}
    assert not [
        r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()
    ]
