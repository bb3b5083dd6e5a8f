"""Slack's escaped text as the core reads it: people as `<@ID|name>`, everything else plain.

With `should_escape: true` Slack sends a slash command's `@ana` as `<@U123|ana>`
(newer clients may send `<@U123>` alone), `#general` as `<#C1|general>`, links in
angle brackets, and `&`, `<`, `>` typed by the person as `&amp;`, `&lt;`, `&gt;`.
Message events (`@Sereno assign @ana`) carry the same markup.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

_TOKEN = re.compile(r"<([^<>]*)>")
NameOf = Callable[[str], Awaitable[str]]


def unescape(text: str) -> str:
    """Undo Slack's escaping of its three control characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def command_text(text: str, name_of: NameOf) -> str:
    """Slack markup turned into the core's command text; each mentioned person is named
    by `name_of` (their display name), falling back to the name in the mention."""
    parts: list[str] = []
    last = 0
    for token in _TOKEN.finditer(text):
        parts.append(unescape(text[last : token.start()]))
        parts.append(await _plain(token.group(1), name_of))
        last = token.end()
    parts.append(unescape(text[last:]))
    return "".join(parts)


async def _plain(inner: str, name_of: NameOf) -> str:
    target, _, label = inner.partition("|")
    label = unescape(label)
    if target.startswith("@"):
        user_id = target[1:]
        name = await name_of(user_id)
        if name == user_id and label:
            name = label
        return f"<@{user_id}|{_clean(name)}>"
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S1|@agents>, <!date^…|fallback>
        return label or "@" + target[1:].split("^")[0]
    if target.startswith("mailto:"):
        return label or target[len("mailto:") :]
    return unescape(target)  # a link: the address itself


def _clean(name: str) -> str:
    """A name that cannot break the `<@ID|name>` form."""
    return re.sub(r"[<>|]", "", name).strip() or "?"
