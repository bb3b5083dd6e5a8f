"""Who a forwarded complaint is from: the person the forwarder names, never the forwarder.

A form or email bot listed in SERENO_SLACK_SOURCE_BOTS posts complaints on behalf of
customers. The customer is the sender address the forwarded text names ("From: Ana
<ana@x.com>"), else the name the bot posted under (`username`, else its profile name);
the id keeps the bot's id in front, so two forwarders never share a customer. Distinct
senders are distinct customers: their complaints never join one case.
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.base.model import Actor
from handlers.slack.people import PLATFORM

#: A "From:" line of a forwarded message (email headers, form fields), in both languages.
_FROM = re.compile(
    r"^[ \t>*_]*(?:from|sender|de|remitente|enviado por)[*_]*[ \t]*:[ \t]*[*_]*(?P<who>.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_QUOTES = " \t\"'*_<>()[],;"


def sender(bot_id: str, event: dict[str, Any]) -> Actor:
    """The customer of a message a source bot forwarded."""
    found = _from_line(str(event.get("text") or ""))
    if found is not None:
        address, name = found
        return Actor(PLATFORM, f"{bot_id}:{address}", name or address)
    profile = event.get("bot_profile") or {}
    name = str(event.get("username") or profile.get("name") or bot_id)
    return Actor(PLATFORM, f"{bot_id}:{name}", name)


def _from_line(text: str) -> tuple[str, str] | None:
    """The (address, display name) of the first "From:" line with an address in it."""
    plain = _MAILTO.sub(r"\1", text).replace("&lt;", "<").replace("&gt;", ">")
    plain = plain.replace("&amp;", "&")
    for line in _FROM.finditer(plain):
        who = line.group("who")
        address = _ADDRESS.search(who)
        if address is None:
            continue
        name = (who[: address.start()] + who[address.end() :]).strip(_QUOTES)
        return address.group(0).lower(), name
    return None
