"""The fake Slack's channel history: ``conversations.history`` and ``conversations.replies``.

Members' messages are added with `HistoryMixin.add_history` *without* delivering an
event, as if posted while Sereno was down; the bot's own posts (``chat.postMessage``)
are in the history too, as on Slack.

Behaviour and limits as Slack documents them:

* history: top-level messages (and thread replies broadcast to the channel), newest
  first; ``oldest``/``latest`` exclusive unless ``inclusive``; ``limit`` default 100,
  at most 999 (more is answered ``invalid_limit``); paged by an opaque
  ``response_metadata.next_cursor`` with ``has_more``.
* replies: the parent first on the first page (whatever ``oldest`` says), then its
  replies oldest first; ``limit`` at most 1,000; ``thread_not_found`` for a ts that is
  no message of the channel.
* a channel added with ``is_member=False`` answers ``not_in_channel``.
* `limit_history` turns on the tier of apps outside the Slack Marketplace: at most
  ``page_size`` (15) messages a page and ``per_window`` requests per ``window``
  seconds per method, else 429 with ``Retry-After``.

Faults from `FakeSlack.fail_next` / `fail_for` apply to both methods (with ``channel=``).
"""

from __future__ import annotations

import base64
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

HISTORY_MAX_LIMIT = 999
REPLIES_MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class RateLimitedError(Exception):
    """Raised by a method handler: the HTTP layer answers 429 with this Retry-After."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _num(ts: Any) -> Decimal | None:
    try:
        return Decimal(str(ts))
    except (InvalidOperation, ValueError):
        return None


def _encode(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _decode(cursor: str) -> str | None:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    prefix, _, ts = text.partition(":")
    return ts if prefix == "next_ts" and _num(ts) is not None else None


class HistoryMixin:
    """`FakeSlack`'s history store and the two methods that read it."""

    def _clear_history(self) -> None:
        # Messages members posted, keyed by (channel, ts): never delivered as events.
        self.posted: dict[tuple[str, str], dict[str, Any]] = {}
        self._history_tier: tuple[int, int, float, float | None] | None = None
        self._history_hits: dict[str, deque[float]] = defaultdict(deque)

    def add_history(
        self,
        channel: str,
        text: str,
        *,
        user: str = "U1",
        ts: str | None = None,
        thread_ts: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A member posts `text` in `channel` (a reply when `thread_ts` is given) while
        no event reaches Sereno: it only shows in history. Returns the message."""
        ts = ts or self.next_ts()
        if (channel, ts) in self._all_messages():
            raise ValueError(f"ts {ts} already used in {channel}")
        message: dict[str, Any] = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "team": self.team_id,
            **extra,
        }
        if thread_ts is not None:
            parent = self._all_messages().get((channel, thread_ts))
            if parent is None:
                raise ValueError(f"no message {thread_ts} in {channel} to reply to")
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = parent.get("user")
            parent["thread_ts"] = thread_ts
            parent["reply_count"] = int(parent.get("reply_count", 0)) + 1
            parent["latest_reply"] = max(ts, parent.get("latest_reply", ts), key=_num)
        self.posted[(channel, ts)] = message
        return message

    def limit_history(
        self,
        *,
        page_size: int = 15,
        per_window: int = 1,
        window: float = 60.0,
        retry_after: float | None = None,
    ) -> None:
        """The non-Marketplace tier: `page_size` messages a page at most, and `per_window`
        calls per `window` seconds per method (429 with Retry-After, the time left in the
        window rounded up to whole seconds unless `retry_after` is given)."""
        self._history_tier = (page_size, per_window, window, retry_after)
        self._history_hits.clear()

    def _all_messages(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {**self.messages, **self.posted}

    def _history_checks(
        self, method: str, params: dict[str, Any], max_limit: int
    ) -> tuple[str, int] | dict[str, Any]:
        """(channel, page size) for a valid call, else the error answer; may raise 429."""
        channel = str(params.get("channel") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (self.channels.get(channel) or {"is_member": True}).get("is_member", True):
            return {"ok": False, "error": "not_in_channel"}
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            return {"ok": False, "error": "invalid_limit"}
        if limit < 1 or limit > max_limit:
            return {"ok": False, "error": "invalid_limit"}
        for key in ("oldest", "latest"):
            if key in params and _num(params[key]) is None:
                return {"ok": False, "error": f"invalid_ts_{key}"}
        if self._history_tier is not None:
            page_size, per_window, window, retry_after = self._history_tier
            hits, now = self._history_hits[method], time.monotonic()
            while hits and now - hits[0] >= window:
                hits.popleft()
            if len(hits) >= per_window:
                self.rate_limited_count += 1
                left = window - (now - hits[0])
                raise RateLimitedError(
                    retry_after if retry_after is not None else max(1, math.ceil(left))
                )
            hits.append(now)
            limit = min(limit, page_size)
        return channel, limit

    def _in_range(self, ts: str, params: dict[str, Any]) -> bool:
        value, inclusive = _num(ts), str(params.get("inclusive", "")).lower() in ("1", "true")
        if value is None:
            return False
        oldest, latest = _num(params.get("oldest", "0")), _num(params.get("latest", "9" * 10))
        assert oldest is not None and latest is not None
        if inclusive:
            return oldest <= value <= latest
        return oldest < value < latest

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        checked = self._history_checks("conversations.history", params, HISTORY_MAX_LIMIT)
        if isinstance(checked, dict):
            return checked
        channel, limit = checked
        found = [
            m
            for (c, ts), m in self._all_messages().items()
            if c == channel
            and self._in_range(ts, params)
            and (m.get("thread_ts") in (None, ts) or m.get("subtype") == "thread_broadcast")
        ]
        found.sort(key=lambda m: _num(m["ts"]) or 0, reverse=True)
        if params.get("cursor"):
            after = _decode(str(params["cursor"]))
            if after is None:
                return {"ok": False, "error": "invalid_cursor"}
            found = [m for m in found if (_num(m["ts"]) or 0) < (_num(after) or 0)]
        page, more = found[:limit], len(found) > limit
        return {
            "ok": True,
            "messages": [dict(m) for m in page],
            "has_more": more,
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": _encode(page[-1]["ts"]) if more else ""},
        }

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        checked = self._history_checks("conversations.replies", params, REPLIES_MAX_LIMIT)
        if isinstance(checked, dict):
            return checked
        channel, limit = checked
        thread = str(params.get("ts") or "")
        messages = self._all_messages()
        parent = messages.get((channel, thread))
        if parent is not None and parent.get("thread_ts") not in (None, thread):
            thread = str(parent["thread_ts"])  # a reply's ts stands for its whole thread
            parent = messages.get((channel, thread))
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        replies = [
            m
            for (c, ts), m in messages.items()
            if c == channel and ts != thread and m.get("thread_ts") == thread
        ]
        replies = [m for m in replies if self._in_range(m["ts"], params)]
        replies.sort(key=lambda m: _num(m["ts"]) or 0)
        first = not params.get("cursor")
        if not first:
            after = _decode(str(params["cursor"]))
            if after is None:
                return {"ok": False, "error": "invalid_cursor"}
            replies = [m for m in replies if (_num(m["ts"]) or 0) > (_num(after) or 0)]
        room = limit - 1 if first else limit
        page, more = replies[: max(room, 0)], len(replies) > max(room, 0)
        shown = ([parent] if first else []) + page
        last = shown[-1]["ts"]
        return {
            "ok": True,
            "messages": [dict(m) for m in shown],
            "has_more": more,
            "response_metadata": {"next_cursor": _encode(last) if more else ""},
        }


HISTORY_HANDLERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "conversations.history": HistoryMixin._conversations_history,
    "conversations.replies": HistoryMixin._conversations_replies,
}
