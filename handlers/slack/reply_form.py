"""The "Reply…" modal as Block Kit, and what its submission says.

The view holds the draft in a multiline text input (Slack's holds 3,000 characters),
where the reply goes in `private_metadata` (case, suggestion, and the channel and
thread the agent clicked in), and for a complaint from a channel only the team reads
(a forwarder's: email, web form) a choice between posting in the customer's thread and
"copy and mark as sent". Plain text only: nothing in a modal can mention anyone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.core.base.cards import ActionId
from bot.core.cases.engine import Engine
from bot.core.cases.replies import MAX_REPLY, Draft
from handlers.slack.markup import unescape

CALLBACK = ActionId.REPLY.value  # the view's callback_id, as the button's action_id
TEXT_BLOCK, TEXT_ACTION = "sereno_reply_text", "text"
HOW_BLOCK, HOW_ACTION = "sereno_reply_how", "how"
POST, COPY = "post", "copy"
TITLE_LIMIT = 24  # modal title, submit and close: Slack refuses longer
OPTION_LIMIT = 75  # a radio button's text
METADATA_LIMIT = 3000


@dataclass(frozen=True)
class Submission:
    """A submitted reply form: who sent what, for which case, and how."""

    user: str
    team: str | None
    case_id: int
    suggestion: str | None
    text: str
    copied: bool
    channel: str  # where the agent clicked Reply… (a team place)
    thread: str | None


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…"}


def view(engine: Engine, draft: Draft, channel: str, thread: str | None) -> dict[str, Any]:
    """The modal for `draft`, opened from a click in `channel` (thread `thread`)."""
    metadata = {
        "case": draft.case_id,
        "suggestion": draft.suggestion_id,
        "channel": channel,
        "thread": thread,
    }
    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": TEXT_ACTION,
        "multiline": True,
        "max_length": MAX_REPLY,
    }
    if draft.text:  # arrives escaped where it quotes Slack (an order ref): shown plain
        text_input["initial_value"] = unescape(draft.text)[:MAX_REPLY]
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "block_id": TEXT_BLOCK,
            "label": _plain(engine.say("answer.form_label"), 2000),
            "hint": _plain(engine.say("answer.form_hint"), 2000),
            "element": text_input,
        }
    ]
    if draft.may_copy:
        blocks.append(_how(engine))
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": _plain(engine.say("answer.form_title"), TITLE_LIMIT),
        "submit": _plain(engine.say("answer.form_send"), TITLE_LIMIT),
        "close": _plain(engine.say("answer.form_cancel"), TITLE_LIMIT),
        "private_metadata": json.dumps(metadata)[:METADATA_LIMIT],
        "blocks": blocks,
    }


def _how(engine: Engine) -> dict[str, Any]:
    options = [
        {"text": _plain(engine.say("answer.form_post"), OPTION_LIMIT), "value": POST},
        {"text": _plain(engine.say("answer.form_copy"), OPTION_LIMIT), "value": COPY},
    ]
    return {
        "type": "input",
        "block_id": HOW_BLOCK,
        "label": _plain(engine.say("answer.form_how"), 2000),
        "element": {
            "type": "radio_buttons",
            "action_id": HOW_ACTION,
            "options": options,
            "initial_option": options[0],
        },
    }


def is_submission(body: dict[str, Any]) -> bool:
    """A submitted reply form (not some other view)."""
    view_part = body.get("view")
    return (
        body.get("type") == "view_submission"
        and isinstance(view_part, dict)
        and view_part.get("callback_id") == CALLBACK
    )


def submission(body: dict[str, Any]) -> Submission | None:
    """What a reply form's `view_submission` says; None when it is not one of Sereno's."""
    if not is_submission(body):
        return None
    view_part = body["view"]
    try:
        meta = json.loads(view_part.get("private_metadata") or "{}")
        values = (view_part.get("state") or {}).get("values") or {}
        text = ((values.get(TEXT_BLOCK) or {}).get(TEXT_ACTION) or {}).get("value") or ""
        picked = ((values.get(HOW_BLOCK) or {}).get(HOW_ACTION) or {}).get("selected_option")
        user = body.get("user") or {}
        return Submission(
            user=str(user["id"]),
            team=user.get("team_id"),
            case_id=int(meta["case"]),
            suggestion=meta.get("suggestion") or None,
            text=str(text),
            copied=(picked or {}).get("value") == COPY,
            channel=str(meta.get("channel") or ""),
            thread=meta.get("thread") or None,
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def errors(message: str) -> dict[str, Any]:
    """The acknowledgement that keeps the modal open, `message` under the text input."""
    return {"response_action": "errors", "errors": {TEXT_BLOCK: message[:2000]}}
