"""Slack as the shipped manifest configures it: the manifest read, and slash command text
escaped the way Slack escapes it when the command sets ``should_escape``.

PyYAML is not a dependency, so `read_manifest` reads the small YAML subset the manifest
uses: nested mappings, lists of scalars, lists of mappings, quoted and plain scalars,
booleans and whole-line comments. Anything else fails loudly instead of being misread.

Escaping (``should_escape: true``): the person's own ``&``, ``<`` and ``>`` become
``&amp;``, ``&lt;``, ``&gt;``; ``@name`` of a known user becomes ``<@U…|name>``;
``#name`` of a known channel ``<#C…|name>``; a web address ``<https://…>``. Unknown
names stay as typed. With ``should_escape: false`` the text arrives exactly as typed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .slack_payloads import slash_command_form

MANIFEST = Path(__file__).resolve().parents[2] / "slack-app-manifest.yml"
_KEY = re.compile(r"^([A-Za-z_][\w.-]*):(?:\s+(.*))?$")


@dataclass(frozen=True)
class _Line:
    number: int
    indent: int
    text: str


def read_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    """The manifest as plain dicts and lists."""
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise ValueError(f"{path.name}:{number}: tabs in indentation")
        lines.append(_Line(number, len(raw) - len(raw.lstrip(" ")), stripped))
    value, end = _block(lines, 0, 0)
    if end != len(lines) or not isinstance(value, dict):
        raise ValueError(f"{path.name}:{lines[end].number}: unexpected indentation")
    return value


def _block(lines: list[_Line], i: int, indent: int) -> tuple[Any, int]:
    if lines[i].text.startswith("- "):
        return _sequence(lines, i, indent)
    return _mapping(lines, i, indent)


def _mapping(lines: list[_Line], i: int, indent: int) -> tuple[dict[str, Any], int]:
    out: dict[str, Any] = {}
    while i < len(lines) and lines[i].indent == indent and not lines[i].text.startswith("- "):
        line = lines[i]
        match = _KEY.match(line.text)
        if not match:
            raise ValueError(f"line {line.number}: not 'key: value': {line.text!r}")
        key, rest = match.group(1), match.group(2)
        if key in out:
            raise ValueError(f"line {line.number}: {key!r} given twice")
        i += 1
        if rest:
            out[key] = _scalar(rest, line.number)
        elif i < len(lines) and lines[i].indent > indent:
            out[key], i = _block(lines, i, lines[i].indent)
        else:
            out[key] = None
    return out, i


def _sequence(lines: list[_Line], i: int, indent: int) -> tuple[list[Any], int]:
    out: list[Any] = []
    while i < len(lines) and lines[i].indent == indent and lines[i].text.startswith("- "):
        line = lines[i]
        item = line.text[2:].strip()
        if _KEY.match(item):  # "- key: value" opens a mapping indented past the dash
            inner = indent + 2
            lines[i] = _Line(line.number, inner, item)
            value, i = _mapping(lines, i, inner)
            out.append(value)
        else:
            out.append(_scalar(item, line.number))
            i += 1
    return out, i


def _scalar(text: str, number: int) -> Any:
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith(("'", "[", "{", "&", "*", "|", ">")) or " #" in text:
        raise ValueError(f"line {number}: YAML this reader does not handle: {text!r}")
    if text in ("true", "false"):
        return text == "true"
    return int(text) if text.isdigit() else text


# ---------------------------------------------------------------------- escaping


def command_escapes(command: str, manifest: dict[str, Any] | None = None) -> bool:
    """The manifest's ``should_escape`` for a slash command."""
    manifest = manifest if manifest is not None else read_manifest()
    for entry in manifest["features"].get("slash_commands") or []:
        if entry["command"] == command:
            return bool(entry.get("should_escape", False))
    raise KeyError(f"{command} is not in the manifest")


def escape_command_text(
    typed: str,
    users: dict[str, dict[str, Any]],
    channels: dict[str, dict[str, Any]] | None = None,
    *,
    should_escape: bool = True,
) -> str:
    """The text Slack sends for what the person typed (see the module docstring)."""
    if not should_escape:
        return typed
    text = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    by_name = {u["name"]: uid for uid, u in users.items()}
    by_channel = {c["name"]: cid for cid, c in (channels or {}).items()}

    def person(match: re.Match[str]) -> str:
        uid = by_name.get(match.group(1))
        return f"<@{uid}|{match.group(1)}>" if uid else match.group(0)

    def channel(match: re.Match[str]) -> str:
        cid = by_channel.get(match.group(1))
        return f"<#{cid}|{match.group(1)}>" if cid else match.group(0)

    text = re.sub(r"https?://[^\s&]+", lambda m: f"<{m.group(0)}>", text)
    text = re.sub(r"(?<![\w@<|])@([\w.-]+)", person, text)
    return re.sub(r"(?<![\w&<|])#([\w-]+)", channel, text)


def typed_command_form(
    fake: Any,
    command: str,
    typed: str,
    user_id: str,
    channel_id: str,
    *,
    should_escape: bool | None = None,
) -> dict[str, str]:
    """Slash command fields for what a person typed into Slack, escaped as the manifest
    (or `should_escape`, to try the other setting) tells Slack to; replies go to `fake`."""
    escape = command_escapes(command) if should_escape is None else should_escape
    text = escape_command_text(typed, fake.users, fake.channels, should_escape=escape)
    return slash_command_form(command, text, user_id, channel_id, fake.response_url())
