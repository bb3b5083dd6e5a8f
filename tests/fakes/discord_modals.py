"""Modals in the fake Discord: what a type-9 answer may hold, and a member filling one in.

A bot answers an interaction with a modal (callback type 9) only while that interaction
is unanswered: not after a deferral or a message, and never to a modal's own submit or
to autocomplete. The Discord client then shows the form; it checks each text input's
``required``, ``min_length`` and ``max_length`` before it sends MODAL_SUBMIT (interaction
type 5) with the typed values, so `submit_modal` refuses what the client would not send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .discord_limits_messages import INPUT_VALUE, Errors, length

MODAL_SUBMIT = 5
ACTION_ROW, TEXT_INPUT, LABEL_COMPONENT = 1, 4, 18
SHORT, PARAGRAPH = 1, 2
PLACEHOLDER = 100
#: Interactions that cannot be answered with a modal (autocomplete, a modal's submit).
NO_MODAL_FOR = frozenset({4, MODAL_SUBMIT})
CANNOT_OPEN = {
    "code": 50035,
    "message": "Invalid Form Body",
    "errors": {
        "type": {
            "_errors": [
                {
                    "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                    "message": "This interaction cannot be answered with a modal",
                }
            ]
        }
    },
}


def text_inputs(modal: Mapping[str, Any]) -> list[dict]:
    """The modal's text inputs, in order (in action rows or label components)."""
    found = []
    for row in modal.get("components") or []:
        items = row.get("components") or [row.get("component") or {}]
        found += [dict(i, label=i.get("label") or row.get("label")) for i in items]
    return [i for i in found if i.get("type") == TEXT_INPUT]


def input_errors(errors: Errors, at: tuple[str, ...], item: Mapping[str, Any]) -> None:
    """A text input's limits beyond label and value: style, lengths, placeholder."""
    if item.get("style") not in (SHORT, PARAGRAPH):
        errors.add((*at, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2).")
    for key, low in (("min_length", 0), ("max_length", 1)):
        bound = item.get(key)
        if bound is not None and not (isinstance(bound, int) and low <= bound <= INPUT_VALUE):
            errors.add((*at, key), "NUMBER_TYPE_MAX", f"Must be between {low} and {INPUT_VALUE}.")
    length(errors, (*at, "placeholder"), item.get("placeholder"), 0, PLACEHOLDER)
    value, most = item.get("value"), item.get("max_length")
    if isinstance(value, str) and isinstance(most, int) and len(value) > most:
        errors.add((*at, "value"), "BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer in length.")


def modal_submit_data(custom_id: str, values: Mapping[str, str]) -> dict:
    """``data`` of a MODAL_SUBMIT: the modal's id and each text input's typed value."""
    rows = [
        {"type": ACTION_ROW, "components": [{"type": TEXT_INPUT, "custom_id": k, "value": v}]}
        for k, v in values.items()
    ]
    return {"custom_id": custom_id, "components": rows}


def filled(modal: Mapping[str, Any], typed: Mapping[str, str]) -> dict[str, str]:
    """What the client sends: each input's prefilled value unless the member typed one
    (``typed`` keys are custom ids or labels); AssertionError for what it would refuse."""
    values = {}
    for item in text_inputs(modal):
        key = next((k for k in (item["custom_id"], item.get("label")) if k in typed), None)
        value = typed[key] if key is not None else item.get("value") or ""
        low, high = item.get("min_length") or 0, item.get("max_length") or INPUT_VALUE
        if item.get("required", True) and not value:
            raise AssertionError(f"the client will not send {item.get('label')!r} empty")
        if value and not low <= len(value) <= high:
            raise AssertionError(f"{item.get('label')!r} takes {low}..{high} characters")
        values[item["custom_id"]] = value
    unknown = set(typed) - {i["custom_id"] for i in text_inputs(modal)}
    unknown -= {i.get("label") for i in text_inputs(modal)}
    assert not unknown, f"the modal has no input {sorted(unknown)}"
    return values


class ModalsMixin:
    """`FakeDiscord`'s modals: which one an interaction opened, and submitting it."""

    def modal(self, interaction_id: int | str) -> dict | None:
        """The modal Sereno answered an interaction with (the callback's ``data``)."""
        state = self.interactions.get(int(interaction_id)) or {}  # type: ignore[attr-defined]
        return state.get("modal")

    async def submit_modal(
        self,
        opened_by: Mapping[str, Any],
        typed: Mapping[str, str] | None = None,
        *,
        user: str = "agent",
    ) -> dict:
        """``user`` presses Submit on the modal that the interaction ``opened_by`` got,
        having typed ``typed`` (by input custom id or label; others keep their value)."""
        modal = self.modal(opened_by["id"])
        assert modal is not None, "that interaction was not answered with a modal"
        data = modal_submit_data(modal["custom_id"], filled(modal, typed or {}))
        extra = {"message": opened_by["message"]} if "message" in opened_by else {}
        channel = int(opened_by["channel_id"])
        return await self._interact(MODAL_SUBMIT, data, user, channel, **extra)  # type: ignore[attr-defined]

    def _modal_refusal(self, state: dict, data: dict) -> dict | None:
        """A type-9 answer: refused for autocomplete and modal submits, else kept."""
        if state["payload"]["type"] in NO_MODAL_FOR:
            return CANNOT_OPEN
        state["modal"] = data
        return None
