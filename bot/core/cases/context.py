"""Who runs a command, and where: what every capability needs to answer an actor."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.base.model import Actor


@dataclass(frozen=True)
class Context:
    """Who runs a command, and where.

    `bare_names`: a typed name is this platform's user id (the console); chat platforms
    send people as mentions, `<@ID|name>`, and a bare name there is nobody's id.
    `file_limit`: the largest file, in bytes, the platform takes here (None: no limit).
    """

    actor: Actor
    platform: str
    channel_id: str
    thread_id: str | None = None
    bare_names: bool = True
    file_limit: int | None = None
