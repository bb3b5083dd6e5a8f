"""Discord gateway events into the inbox as they arrive, and out of it through discord.py.

Discord redelivers nothing to a new session, so each message, edit, delete and
reaction in a complaint channel (or a thread under one) is written to the inbox
as raw gateway data, straight from the parser hook, before discord.py reads it.
The inbox worker later runs discord.py's own parser on the kept data with its
dispatch captured (`capturing`), then awaits Sereno's handler for what it
dispatched, so a failure is known and the row is tried again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import discord

from bot.core.base.store_port import StoreUnavailable
from bot.core.delivery.inbox import InboxWorker
from bot.wiring import App

log = logging.getLogger(__name__)
PLATFORM = "discord"

#: Gateway events kept in the inbox, and what discord.py dispatches for each.
KEPT = {
    "MESSAGE_CREATE": "message",
    "MESSAGE_UPDATE": "raw_message_edit",
    "MESSAGE_DELETE": "raw_message_delete",
    "MESSAGE_REACTION_ADD": "raw_reaction_add",
    "MESSAGE_REACTION_REMOVE": "raw_reaction_remove",
}
CAPTURED = frozenset(KEPT.values())
#: The edited message's text before the edit, noted on arrival (the cache moves on).
PREVIOUS = "sereno_previous_content"

Parser = Callable[[Any], Any]
_CAPTURE: ContextVar[list[tuple[str, tuple[Any, ...]]] | None] = ContextVar(
    "sereno_discord_capture", default=None
)


def capturing() -> list[tuple[str, tuple[Any, ...]]] | None:
    """The list collecting dispatches while a kept event is replayed (None otherwise)."""
    return _CAPTURE.get()


def lane_of(client: discord.Client, data: dict[str, Any], channels: frozenset[str]) -> str | None:
    """The complaint channel an event belongs to; an unknown channel may be a case
    thread (kept under its own id); None for anything else."""
    channel_id = str(data.get("channel_id") or "")
    if channel_id in channels:
        return channel_id
    if not channel_id.isdigit():
        return None
    channel = client.get_channel(int(channel_id))
    if channel is None:
        return channel_id
    if isinstance(channel, discord.Thread) and str(channel.parent_id) in channels:
        return str(channel.parent_id)
    return None


def key_of(kind: str, data: dict[str, Any]) -> str:
    """Messages by id (so a catch-up and the live event are one); edits by their time;
    reactions are never sent twice by Discord, so each is its own."""
    if kind == "MESSAGE_CREATE":
        return f"message:{data.get('id')}"
    if kind == "MESSAGE_UPDATE":
        return f"edit:{data.get('id')}:{data.get('edited_timestamp') or uuid.uuid4().hex}"
    if kind == "MESSAGE_DELETE":
        return f"delete:{data.get('id')}"
    return f"{kind.lower()}:{data.get('message_id')}:{data.get('user_id')}:{uuid.uuid4().hex}"


def _author(kind: str, data: dict[str, Any]) -> str | None:
    if kind in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
        return str((data.get("author") or {}).get("id") or "") or None
    return str(data.get("user_id") or "") or None


class DiscordIngress:
    """Installs the parser hooks on each new client and replays kept rows through it."""

    def __init__(self, app: App, worker_factory: Callable[[DiscordIngress], InboxWorker]) -> None:
        self.app = app
        self.channels = frozenset(app.settings.discord_channels)
        self.client: discord.Client | None = None
        self.originals: dict[str, Parser] = {}
        self.worker = worker_factory(self)
        self._down = False

    def install(self, client: discord.Client, parsers: dict[str, Parser]) -> None:
        """Keep the kept events' own parsers, and put the inbox in front of them."""
        self.client = client
        self.originals = {kind: parsers[kind] for kind in KEPT if kind in parsers}
        for kind, parse in self.originals.items():
            parsers[kind] = self._hook(client, kind, parse)

    def detach(self, client: discord.Client) -> None:
        """The connection ended: rows wait for the next client."""
        if self.client is client:
            self.client = None

    def _hook(self, client: discord.Client, kind: str, parse: Parser) -> Parser:
        def keep_first(data: Any) -> Any:
            if not isinstance(data, dict):
                return parse(data)
            lane = lane_of(client, data, self.channels)
            if lane is None:
                return parse(data)  # not Sereno's: discord.py as usual
            if kind == "MESSAGE_UPDATE":
                data = {**data, PREVIOUS: _cached_content(client, data)}
            if not self._keep(kind, lane, data):
                return parse(data)  # storage is down: work it live, best effort
            return None

        return keep_first

    def _keep(self, kind: str, lane: str, data: dict[str, Any]) -> bool:
        store, now = self.app.store, self.app.engine.clock.now()
        try:
            with store.brief_waits(), store.atomic():  # the gateway reader waits meanwhile
                kept = self.worker.accept(key_of(kind, data), lane, kind, data, _author(kind, data))
                if kept and kind == "MESSAGE_CREATE" and lane in self.channels:
                    store.advance_cursor(PLATFORM, lane, str(data.get("id")), now)
        except StoreUnavailable as exc:
            if not self._down:
                log.error("Discord: cannot keep events (%s); working them without a copy", exc)
            self._down = True
            return False
        self._down = False
        return True

    def ready(self) -> bool:
        """Rows are worked only through a connected client."""
        return self.client is not None and self.client.is_ready() and not self.client.is_closed()

    def replay(self, kind: str, data: dict[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
        """Run discord.py's parser on kept data; what it dispatched, for the handler."""
        parse = self.originals.get(kind)
        if parse is None:
            raise KeyError(f"no parser for {kind}")
        captured: list[tuple[str, tuple[Any, ...]]] = []
        token = _CAPTURE.set(captured)
        try:
            parse(data)
        finally:
            _CAPTURE.reset(token)
        return captured


def _cached_content(client: discord.Client, data: dict[str, Any]) -> str | None:
    message_id = str(data.get("id") or "")
    if not message_id.isdigit():
        return None
    found = discord.utils.get(client.cached_messages, id=int(message_id))
    return found.content if found is not None else None
