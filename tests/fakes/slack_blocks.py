"""Block Kit limits of a message's ``blocks``, as ``chat.postMessage`` and ``chat.update``
enforce them: a message that breaks one is refused with ``invalid_blocks`` and a
``response_metadata.messages`` line naming the field, as Slack does.

Limits (docs.slack.dev, "Blocks", "Block elements", "Composition objects"): ≤ 50 blocks;
``block_id`` ≤ 255; section text ≤ 3,000; an actions block holds 1–25 elements; a
button's text (plain_text) ≤ 75, ``value`` ≤ 2,000, ``action_id`` ≤ 255 and unique in its
block. A ``static_select`` has a plain_text ``placeholder`` ≤ 150 and either ``options``
(1–100) or ``option_groups`` (1–100 groups of 1–100 options), never both; an option's
``text`` is plain_text, 1–75 characters, its ``value`` 1–150; an option group's ``label``
plain_text ≤ 75; an ``initial_option`` must be one of the options.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

MAX_BLOCKS = 50
BLOCK_ID = 255
SECTION_TEXT = 3000
MAX_ELEMENTS = 25
BUTTON_TEXT, BUTTON_VALUE, ACTION_ID = 75, 2000, 255
PLACEHOLDER = 150
MAX_OPTIONS = MAX_GROUPS = 100
OPTION_TEXT, OPTION_VALUE, GROUP_LABEL = 75, 150, 75

Check = Callable[[bool, str, str], None]


def block_problems(blocks: Any) -> list[str]:
    """What Slack would refuse in a message's `blocks`, as `[ERROR] …` lines (empty: fine)."""
    if blocks is None:
        return []
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return ["[ERROR] invalid JSON [json-pointer:/blocks]"]
    problems: list[str] = []

    def check(ok: bool, why: str, where: str) -> None:
        if not ok:
            problems.append(f"[ERROR] {why} [json-pointer:/blocks{where}]")

    if not isinstance(blocks, list):
        check(False, "must be an array", "")
        return problems
    check(len(blocks) <= MAX_BLOCKS, f"no more than {MAX_BLOCKS} items allowed", "")
    for n, block in enumerate(blocks):
        if isinstance(block, dict):
            _block(block, f"/{n}", check)
        else:
            check(False, "must be an object", f"/{n}")
    return problems


def _block(block: dict[str, Any], at: str, check: Check) -> None:
    if "block_id" in block:
        block_id = str(block.get("block_id") or "")
        check(0 < len(block_id) <= BLOCK_ID, f"must be 1-{BLOCK_ID} chars", f"{at}/block_id")
    kind = block.get("type")
    if kind == "section":
        text = (block.get("text") or {}).get("text") or ""
        check(len(text) <= SECTION_TEXT, f"must be at most {SECTION_TEXT} chars", f"{at}/text")
        if isinstance(block.get("accessory"), dict):
            _element(block["accessory"], f"{at}/accessory", check)
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 0 < len(elements) <= MAX_ELEMENTS:
            check(False, f"must have 1-{MAX_ELEMENTS} items", f"{at}/elements")
            return
        ids = [e.get("action_id") for e in elements if isinstance(e, dict) and e.get("action_id")]
        check(len(ids) == len(set(ids)), "action_id must be unique in a block", f"{at}/elements")
        for n, element in enumerate(elements):
            _element(element if isinstance(element, dict) else {}, f"{at}/elements/{n}", check)


def _element(element: dict[str, Any], at: str, check: Check) -> None:
    action_id = element.get("action_id")
    if action_id is not None:
        check(0 < len(str(action_id)) <= ACTION_ID, f"must be 1-{ACTION_ID} chars", at)
    kind = element.get("type")
    if kind == "button":
        text = element.get("text") or {}
        check(text.get("type") == "plain_text", "must be plain_text", f"{at}/text")
        label = str(text.get("text") or "")
        check(0 < len(label) <= BUTTON_TEXT, f"must be 1-{BUTTON_TEXT} chars", f"{at}/text")
        value = element.get("value")
        check(
            value is None or len(str(value)) <= BUTTON_VALUE,
            f"must be at most {BUTTON_VALUE} chars",
            f"{at}/value",
        )
    elif kind == "static_select":
        _static_select(element, at, check)
    else:
        check(False, f"unsupported element type {kind!r} in this fake", f"{at}/type")


def _plain(text: Any, high: int, where: str, check: Check, low: int = 1) -> None:
    ok = isinstance(text, dict) and text.get("type") == "plain_text"
    check(ok, "must be a plain_text text object", where)
    shown = str(text.get("text") or "") if isinstance(text, dict) else ""
    check(low <= len(shown) <= high, f"must be {low}-{high} chars", f"{where}/text")


def _static_select(element: dict[str, Any], at: str, check: Check) -> None:
    if "placeholder" in element:
        _plain(element["placeholder"], PLACEHOLDER, f"{at}/placeholder", check)
    options, groups = element.get("options"), element.get("option_groups")
    if (options is None) == (groups is None):
        check(False, "must provide exactly one of options or option_groups", at)
        return
    values: list[str] = []
    if options is not None:
        _options(options, f"{at}/options", check, values)
    else:
        ok = isinstance(groups, list) and 0 < len(groups) <= MAX_GROUPS
        check(ok, f"must have 1-{MAX_GROUPS} items", f"{at}/option_groups")
        for n, group in enumerate(groups if isinstance(groups, list) else []):
            where = f"{at}/option_groups/{n}"
            group = group if isinstance(group, dict) else {}
            _plain(group.get("label"), GROUP_LABEL, f"{where}/label", check)
            _options(group.get("options"), f"{where}/options", check, values)
    initial = element.get("initial_option")
    if initial is not None:
        chosen = str((initial or {}).get("value") or "")
        check(chosen in values, "must match one of the options", f"{at}/initial_option")


def _options(options: Any, at: str, check: Check, values: list[str]) -> None:
    ok = isinstance(options, list) and 0 < len(options) <= MAX_OPTIONS
    check(ok, f"must have 1-{MAX_OPTIONS} items", at)
    for n, option in enumerate(options if isinstance(options, list) else []):
        option = option if isinstance(option, dict) else {}
        _plain(option.get("text"), OPTION_TEXT, f"{at}/{n}/text", check)
        value = str(option.get("value") or "")
        check(0 < len(value) <= OPTION_VALUE, f"must be 1-{OPTION_VALUE} chars", f"{at}/{n}/value")
        values.append(value)


def refusal(params: dict[str, Any]) -> dict[str, Any] | None:
    """Slack's answer to a message whose blocks break a limit (None: acceptable)."""
    problems = block_problems(params.get("blocks"))
    if not problems:
        return None
    return {"ok": False, "error": "invalid_blocks", "response_metadata": {"messages": problems}}
