"""The fake Slack's channels as Sereno asks about them: ``conversations.info`` and
``conversations.members``, who is in a channel, and people joining it.

Behaviour and limits as Slack documents them:

* every channel answers with ``is_shared``, ``is_ext_shared``, ``is_org_shared`` and
  ``is_pending_ext_shared`` (all false unless `add_channel` sets them: a Slack Connect
  channel is ``add_channel("C7", "acme", is_ext_shared=True, is_shared=True)``);
* members: Sereno's own bot user (while ``is_member``) and whoever `add_member` added, in
  the order they joined; guests are users added with ``is_restricted=True`` (multi-channel)
  or ``is_ultra_restricted=True`` (single-channel);
* ``conversations.members``: ``limit`` default 100, under 1,000 (more, or less than 1, is
  ``invalid_limit``), paged by an opaque ``response_metadata.next_cursor``
  (``invalid_cursor`` for one it did not hand out);
* a channel removed with `remove_channel`, or a private one Sereno is not in, is
  ``channel_not_found`` to both methods. Any other id is a channel that exists (as
  everywhere else in the fake), so tests that never describe their channels see them
  internal: not shared, no guests.

`join` adds a member and returns the ``member_joined_channel`` event Slack sends, for the
test to deliver (signed over HTTP, or as a Socket Mode envelope).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

MEMBERS_MAX_LIMIT = 999
MEMBERS_DEFAULT_LIMIT = 100


def _cursor(index: int) -> str:
    return base64.b64encode(f"member:{index}".encode()).decode()


def _index(cursor: str) -> int | None:
    try:
        prefix, _, index = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(index) if prefix == "member" and index.isdigit() else None


class ChannelsMixin:
    """`FakeSlack`'s channel membership and the two methods that describe a channel."""

    def _clear_channels(self) -> None:
        # Directory data, kept by reset(): channel id -> members added, in join order.
        self.channel_members: dict[str, list[str]] = {}
        self.removed_channels: set[str] = set()

    def add_member(self, channel: str, user: str) -> None:
        """`user` is a member of `channel` (as `conversations.members` answers)."""
        members = self.channel_members.setdefault(channel, [])
        if user not in members:
            members.append(user)

    def join(self, channel: str, user: str, inviter: str | None = None) -> dict[str, Any]:
        """`user` joins `channel`; the ``member_joined_channel`` event Slack sends for it."""
        self.add_member(channel, user)
        event: dict[str, Any] = {
            "type": "member_joined_channel",
            "user": user,
            "channel": channel,
            "channel_type": "G" if channel.startswith("G") else "C",
            "team": self.team_id,
            "event_ts": self.next_ts(),
        }
        if inviter is not None:
            event["inviter"] = inviter
        return event

    def remove_channel(self, channel: str) -> None:
        """The channel is gone (deleted, or never visible to Sereno): channel_not_found."""
        self.removed_channels.add(channel)

    def members_of(self, channel: str) -> list[str]:
        """Who `conversations.members` lists: the bot (while a member), then those added."""
        about = self._described(channel) or {}
        own = [self.bot_user_id] if about.get("is_member", True) else []
        return own + [u for u in self.channel_members.get(channel, []) if u not in own]

    def _described(self, channel: str) -> dict[str, Any] | None:
        """The channel as conversations.info shows it to Sereno, None when it cannot."""
        if not channel or channel in self.removed_channels:
            return None
        about = {
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            **(self.channels.get(channel) or self._synth_channel(channel)),
        }
        if about.get("is_private") and not about.get("is_member", True):
            return None  # a private channel Sereno is not in: Slack will not say it exists
        return about

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        about = self._described(str(params.get("channel") or ""))
        if about is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": about}

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if self._described(channel) is None:
            return {"ok": False, "error": "channel_not_found"}
        try:
            limit = int(params.get("limit", MEMBERS_DEFAULT_LIMIT))
        except ValueError:
            return {"ok": False, "error": "invalid_limit"}
        if limit < 1 or limit > MEMBERS_MAX_LIMIT:
            return {"ok": False, "error": "invalid_limit"}
        start = 0
        if params.get("cursor"):
            found = _index(str(params["cursor"]))
            if found is None:
                return {"ok": False, "error": "invalid_cursor"}
            start = found
        members = self.members_of(channel)
        page, more = members[start : start + limit], len(members) > start + limit
        return {
            "ok": True,
            "members": page,
            "response_metadata": {"next_cursor": _cursor(start + limit) if more else ""},
        }


CHANNEL_HANDLERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "conversations.info": ChannelsMixin._conversations_info,
    "conversations.members": ChannelsMixin._conversations_members,
}
