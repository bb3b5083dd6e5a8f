"""The fake Slack's modals: trigger ids, ``views.open`` and ``view_submission`` payloads.

Slack hands an app a ``trigger_id`` with each click (and command); `views.open` accepts
it once, within 3 seconds (`TRIGGER_SECONDS`), and refuses a view that breaks Block
Kit's limits with ``invalid_arguments`` and a ``response_metadata.messages`` line
naming the field, as Slack does. Limits enforced (docs.slack.dev, "View objects" and
"Block Kit"): type ``modal``; title ≤ 24 characters, submit/close ≤ 24; ≤ 100 blocks;
``callback_id`` ≤ 255; ``private_metadata`` ≤ 3,000; a modal with an input block needs
``submit``; input labels ≤ 2,000, hints ≤ 2,000; ``plain_text_input``: ``initial_value``
and ``max_length`` ≤ 3,000; radio buttons: 1–10 options, text ≤ 75, value ≤ 150.

``fake.block_actions(...)`` builds a click payload with a fresh trigger id (what Slack
sends when someone clicks), and ``fake.view_submission(view_id, user, text)`` what Slack
sends when they press the submit button of an opened view, the input filled in.
"""

from __future__ import annotations

import time
from typing import Any

from . import slack_payloads as sp

TRIGGER_SECONDS = 3.0
TITLE_LIMIT = 24
MAX_BLOCKS = 100
TEXT_INPUT_LIMIT = 3000
METADATA_LIMIT = 3000
CALLBACK_LIMIT = 255
LABEL_LIMIT = 2000
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150
MAX_OPTIONS = 10


def view_problems(view: Any) -> list[str]:
    """What Slack would refuse in `view`, as its `[ERROR] …` lines (empty: acceptable)."""
    if not isinstance(view, dict):
        return ["[ERROR] view is not an object [json-pointer:/view]"]
    problems: list[str] = []

    def check(ok: bool, why: str, where: str) -> None:
        if not ok:
            problems.append(f"[ERROR] {why} [json-pointer:/view{where}]")

    check(view.get("type") == "modal", "must be modal", "/type")
    title = (view.get("title") or {}).get("text")
    check(isinstance(title, str) and 0 < len(title) <= TITLE_LIMIT, "must be 1-24 chars", "/title")
    for button in ("submit", "close"):
        if button in view:
            text = (view.get(button) or {}).get("text") or ""
            check(0 < len(text) <= TITLE_LIMIT, "must be 1-24 chars", f"/{button}/text")
    check(len(str(view.get("callback_id") or "")) <= CALLBACK_LIMIT, "too long", "/callback_id")
    metadata = str(view.get("private_metadata") or "")
    check(len(metadata) <= METADATA_LIMIT, "must be at most 3000 chars", "/private_metadata")
    blocks = view.get("blocks")
    check(isinstance(blocks, list), "must be a list", "/blocks")
    blocks = blocks if isinstance(blocks, list) else []
    check(len(blocks) <= MAX_BLOCKS, "no more than 100 items allowed", "/blocks")
    inputs = [b for b in blocks if isinstance(b, dict) and b.get("type") == "input"]
    if inputs:
        check("submit" in view, "submit is required when an input block is present", "/submit")
    for n, block in enumerate(blocks):
        if block in inputs:
            _input_problems(block, f"/blocks/{n}", check)
    return problems


def _input_problems(block: dict[str, Any], where: str, check: Any) -> None:
    label = (block.get("label") or {}).get("text") or ""
    check(0 < len(label) <= LABEL_LIMIT, "must be 1-2000 chars", f"{where}/label")
    hint = (block.get("hint") or {}).get("text") or ""
    check(len(hint) <= LABEL_LIMIT, "must be at most 2000 chars", f"{where}/hint")
    element = block.get("element") or {}
    kind = element.get("type")
    if kind == "plain_text_input":
        initial = element.get("initial_value")
        check(
            initial is None or len(str(initial)) <= TEXT_INPUT_LIMIT,
            "must be at most 3000 chars",
            f"{where}/element/initial_value",
        )
        limit = element.get("max_length")
        check(
            limit is None or (isinstance(limit, int) and 0 < limit <= TEXT_INPUT_LIMIT),
            "must be at most 3000",
            f"{where}/element/max_length",
        )
    elif kind == "radio_buttons":
        options = element.get("options") or []
        check(0 < len(options) <= MAX_OPTIONS, "must have 1-10 items", f"{where}/element/options")
        for n, option in enumerate(options):
            text = (option.get("text") or {}).get("text") or ""
            check(0 < len(text) <= OPTION_TEXT_LIMIT, "must be 1-75 chars", f"{where}/options/{n}")
            value = str(option.get("value") or "")
            check(len(value) <= OPTION_VALUE_LIMIT, "must be at most 150", f"{where}/options/{n}")
    else:
        check(False, f"unsupported element type {kind!r} in this fake", f"{where}/element")


class ViewsMixin:
    """`FakeSlack`'s trigger ids and views (state set up in `FakeSlack._clear_state`)."""

    trigger_seconds: float = TRIGGER_SECONDS

    def new_trigger(self) -> str:
        """A trigger id as Slack hands out with a click, valid `trigger_seconds`, once."""
        trigger = f"{next(self._id_counter)}.{int(time.time())}.fake{next(self._id_counter):x}"
        self.triggers[trigger] = time.monotonic()
        return trigger

    def block_actions(
        self,
        action_id: str,
        value: str,
        user: str,
        channel: str,
        message_ts: str,
        thread_ts: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A click on a button of message (channel, message_ts), as Slack sends it: with a
        fresh trigger id and a response_url pointing at this fake."""
        return sp.block_action_payload(
            action_id,
            value,
            user,
            channel,
            message_ts,
            thread_ts,
            self.response_url(),
            trigger_id=self.new_trigger(),
            **extra,
        )

    def choose(
        self, channel: str, message_ts: str, user: str, value: str, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """What Slack sends when `user` picks the option `value` in a select of the message
        (channel, message_ts) as it stands now. A person can pick only what the message
        shows: an option it does not hold raises `LookupError`."""
        message = self.messages.get((channel, message_ts)) or {}
        for block in message.get("blocks") or []:
            for element in block.get("elements") or [block.get("accessory") or {}]:
                if element.get("type") != "static_select":
                    continue
                options = list(element.get("options") or [])
                for group in element.get("option_groups") or []:
                    options += group.get("options") or []
                for option in options:
                    if option.get("value") == value:
                        return sp.select_action_payload(
                            element["action_id"],
                            option,
                            user,
                            channel,
                            message_ts,
                            thread_ts or message.get("thread_ts"),
                            self.response_url(),
                            block_id=block.get("block_id") or "b1",
                            placeholder=(element.get("placeholder") or {}).get("text", ""),
                            trigger_id=self.new_trigger(),
                        )
        raise LookupError(f"no select option {value!r} on message {channel}/{message_ts}")

    def opened_views(self) -> list[dict[str, Any]]:
        """Views opened so far, oldest first."""
        return list(self.views.values())

    def view_submission(
        self,
        view_id: str,
        user: str,
        text: str | None = None,
        choice: str | None = None,
        *,
        team_id: str | None = None,
    ) -> dict[str, Any]:
        """What Slack sends when `user` presses submit on opened view `view_id`: its
        plain_text_input holds `text` (else its initial value), its radio buttons
        `choice` (an option's value; else the initial option)."""
        view = self.views[view_id]
        team = team_id or self.team_id
        values: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks") or []:
            if block.get("type") != "input":
                continue
            element = block["element"]
            state = _state(element, text, choice)
            values[block["block_id"]] = {element["action_id"]: state}
        submitted = {**view, "state": {"values": values}, "hash": f"h.{view_id}"}
        submitted.setdefault("private_metadata", "")
        submitted.setdefault("callback_id", "")
        return {
            "type": "view_submission",
            "team": {"id": team, "domain": sp.TEAM_DOMAIN},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": self.app_id,
            "token": "verification-token-unused",
            "trigger_id": self.new_trigger(),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger = params.get("trigger_id")
        if not trigger:
            return {"ok": False, "error": "invalid_arguments"}
        issued = self.triggers.get(trigger)
        if issued is None:
            return {"ok": False, "error": "invalid_trigger_id"}
        if issued < 0:
            return {"ok": False, "error": "exchanged_trigger_id"}
        if time.monotonic() - issued > self.trigger_seconds:
            return {"ok": False, "error": "expired_trigger_id"}
        view = params.get("view")
        problems = view_problems(view)
        if problems:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": problems},
            }
        self.triggers[trigger] = -1.0  # exchanged: a trigger opens one view
        view_id = self._new_id("V")
        stored = {"id": view_id, "team_id": self.team_id, "app_id": self.app_id, **view}
        self.views[view_id] = stored
        return {"ok": True, "view": stored}


def _state(element: dict[str, Any], text: str | None, choice: str | None) -> dict[str, Any]:
    kind = element["type"]
    if kind == "plain_text_input":
        value = text if text is not None else element.get("initial_value")
        return {"type": kind, "value": value or None}
    options = element.get("options") or []
    picked = next((o for o in options if o.get("value") == choice), None)
    picked = picked or element.get("initial_option")
    return {"type": kind, "selected_option": picked}
