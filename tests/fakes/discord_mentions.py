"""Whom a message the bot posts would notify, as Discord decides it.

A mention in ``content`` notifies only if ``allowed_mentions`` lets it (no
``allowed_mentions``: every kind is parsed), and a role mention only if the role is
mentionable or the sender holds Mention Everyone; ``@everyone``/``@here`` need that
permission too. The answer fills the message's ``mentions``, ``mention_roles`` and
``mention_everyone``, so a test reads it off the stored message.
"""

from __future__ import annotations

import re
from typing import Any

from .discord_objects import MENTION_EVERYONE
from .discord_world import World

_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(?:everyone|here)\b")
_ALL = ("users", "roles", "everyone")


def notified(content: str, allowed: Any, world: World, sender: str = "bot") -> dict[str, Any]:
    """The ``mentions``, ``mention_roles`` and ``mention_everyone`` of a posted message."""
    parse = set(_ALL) if not isinstance(allowed, dict) else set(allowed.get("parse") or ())
    listed = allowed if isinstance(allowed, dict) else {}
    may_ping_all = bool(world.permissions(sender) & MENTION_EVERYONE)

    def allows(kind: str, found: str) -> bool:
        return kind in parse or found in {str(i) for i in listed.get(kind) or ()}

    users = []
    for found in dict.fromkeys(_USER.findall(content or "")):
        key = world.user_key(found)
        if key is not None and allows("users", found):
            users.append(world.users[key])
    roles = []
    for found in dict.fromkeys(_ROLE.findall(content or "")):
        role = next((r for r in world.roles.values() if r["id"] == found), None)
        if role and allows("roles", found) and (role["mentionable"] or may_ping_all):
            roles.append(found)
    everyone = bool(_EVERYONE.search(content or "")) and "everyone" in parse and may_ping_all
    return {"mentions": users, "mention_roles": roles, "mention_everyone": everyone}
