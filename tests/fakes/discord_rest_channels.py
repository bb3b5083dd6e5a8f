"""The fake Discord's channel routes: channels, messages, thread lists and reactions
(creating threads and their members: `discord_rest_threads`)."""

from __future__ import annotations

from typing import Any

from . import discord_payloads as p
from .discord_mentions import notified
from .discord_records import UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, RecordedFile, RecordedRequest


class ChannelRoutesMixin:
    """`FakeDiscord`'s REST handlers under ``/channels``."""

    async def _channel(self, rec: RecordedRequest, cid: str) -> tuple[int, Any]:
        if int(cid) not in self.world.channels:
            return 404, UNKNOWN_CHANNEL
        channel = self.world.channels[int(cid)]
        if rec.method == "PATCH":
            body = dict(rec.json or {})
            meta = {k: body.pop(k) for k in ("archived", "locked") if k in body}
            channel.update(body)
            if meta and "thread_metadata" in channel:
                channel["thread_metadata"].update(meta)
            await self._echo(
                "THREAD_UPDATE" if "thread_metadata" in channel else "CHANNEL_UPDATE", channel
            )
        return 200, channel

    async def _channel_messages(self, rec: RecordedRequest, cid: str) -> tuple[int, Any]:
        if int(cid) in self.dm_channels and rec.method == "POST":
            return 200, self._new_message(int(cid), self.world.bot, rec.json or {}, rec.files)
        if int(cid) not in self.world.channels:
            return 404, UNKNOWN_CHANNEL
        if rec.method == "GET":
            refused = _limit_refused(rec.query.get("limit", "50"), 100)
            return (400, refused) if refused else (200, self._history(cid, rec.query))
        body = rec.json or {}
        msg = self._new_message(int(cid), self.world.bot, body, rec.files)
        msg.update(
            guild_id=str(self.world.guild_id),
            member=p.member(None, roles=self.world.role_ids("bot")),
        )
        await self._echo("MESSAGE_CREATE", msg)
        return 200, msg

    def _history(self, cid: str, query: dict[str, str]) -> list[dict]:
        """Newest first, honouring ``limit`` (1-100), ``before`` and ``after`` as Discord
        does: with ``after``, the ``limit`` messages right after it, still newest first."""
        before, after = int(query.get("before", 1 << 63)), int(query.get("after", 0))
        found = [
            m
            for m in self.messages.values()
            if m["channel_id"] == cid and after < int(m["id"]) < before
        ]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        limit = int(query.get("limit", 50))
        return found[-limit:] if "after" in query else found[:limit]

    async def _active_threads(self, rec: RecordedRequest, gid: str) -> tuple[int, Any]:
        """GET /guilds/{g}/threads/active: every unarchived thread of the guild."""
        if int(gid) != self.world.guild_id:
            return 404, {"message": "Unknown Guild", "code": 10004}
        threads = [
            c
            for c in self.world.channels.values()
            if "thread_metadata" in c and not c["thread_metadata"]["archived"]
        ]
        return 200, {"threads": threads, "members": []}

    async def _archived_threads(self, rec: RecordedRequest, cid: str) -> tuple[int, Any]:
        """GET /channels/{id}/threads/archived/public: newest archived first, paged by
        ``before`` (an ISO timestamp) and ``limit`` (2-100, default 50)."""
        if int(cid) not in self.world.channels:
            return 404, UNKNOWN_CHANNEL
        refused = _limit_refused(rec.query.get("limit", "50"), 100, minimum=2)
        if refused:
            return 400, refused
        before = rec.query.get("before", "9999")
        archived = [
            c
            for c in self.world.channels.values()
            if c.get("parent_id") == cid
            and c["type"] == p.PUBLIC_THREAD
            and c["thread_metadata"]["archived"]
            and c["thread_metadata"]["archive_timestamp"] < before
        ]
        archived.sort(key=lambda c: c["thread_metadata"]["archive_timestamp"], reverse=True)
        limit = int(rec.query.get("limit", "50"))
        return 200, {
            "threads": archived[:limit],
            "members": [],
            "has_more": len(archived) > limit,
        }

    def _new_message(
        self, channel_id: int, author: dict, body: dict, files: list[RecordedFile], **extra: Any
    ) -> dict:
        message_id = self.ids.next()
        attachments = [
            {
                "id": str(self.ids.next()),
                "filename": f.filename,
                "size": len(f.data),
                "content_type": f.content_type,
                "url": f"{self.base_url}/attachments/{channel_id}/{f.filename}",
                "proxy_url": f"{self.base_url}/attachments/{channel_id}/{f.filename}",
            }
            for f in files
        ]
        msg = p.message(
            message_id,
            channel_id,
            author,
            body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            attachments=attachments,
            flags=body.get("flags") or 0,
            message_reference=body.get("message_reference"),
            **extra,
        )
        msg.update(notified(msg["content"], body.get("allowed_mentions"), self.world))
        self.messages[message_id] = msg
        channel = self.world.channels.get(channel_id)
        if channel is not None:
            channel["last_message_id"] = str(message_id)
            if "message_count" in channel:
                channel["message_count"] += 1
        return msg

    async def _message(self, rec: RecordedRequest, cid: str, mid: str) -> tuple[int, Any]:
        msg = self.messages.get(int(mid))
        if msg is None or msg["channel_id"] != cid:
            return 404, UNKNOWN_MESSAGE
        if rec.method == "DELETE":
            del self.messages[int(mid)]
            await self._echo(
                "MESSAGE_DELETE",
                {"id": mid, "channel_id": cid, "guild_id": str(self.world.guild_id)},
            )
            return 204, None
        if rec.method == "PATCH":
            self._edit(msg, rec.json or {})
            await self._echo("MESSAGE_UPDATE", {**msg, "guild_id": str(self.world.guild_id)})
        return 200, msg

    def _edit(self, msg: dict, body: dict) -> None:
        for key in ("content", "embeds", "components", "flags"):
            if key in body and body[key] is not None:
                msg[key] = body[key]
        msg["edited_timestamp"] = p.timestamp(self.ids.next())

    async def _reaction(
        self, rec: RecordedRequest, cid: str, mid: str, emoji: str, uid: str
    ) -> tuple[int, Any]:
        if int(mid) not in self.messages:
            return 404, UNKNOWN_MESSAGE
        user_id = self.world.user_id("bot") if uid == "@me" else int(uid)
        users = self.reactions.setdefault((int(mid), emoji), [])
        args = (user_id, int(cid), int(mid), emoji)
        if rec.method == "PUT" and user_id not in users:
            users.append(user_id)
            await self._echo(
                "MESSAGE_REACTION_ADD",
                p.reaction_add(
                    *args, guild_id=self.world.guild_id, member_data=self.world.member("bot")
                ),
            )
        elif rec.method == "DELETE" and user_id in users:
            users.remove(user_id)
            await self._echo(
                "MESSAGE_REACTION_REMOVE", p.reaction_remove(*args, guild_id=self.world.guild_id)
            )
        return 204, None

    async def _clear_reactions(
        self, rec: RecordedRequest, cid: str, mid: str, emoji: str | None
    ) -> tuple[int, Any]:
        for key in [k for k in self.reactions if k[0] == int(mid) and emoji in (None, k[1])]:
            del self.reactions[key]
        return 204, None


def _limit_refused(value: str, maximum: int, *, minimum: int = 1) -> dict | None:
    """Discord's 400 / 50035 for a ``limit`` query outside minimum..maximum, else None."""
    try:
        limit = int(value)
    except ValueError:
        return _form_error("limit", "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    if limit > maximum:
        return _form_error(
            "limit", "NUMBER_TYPE_MAX", f"int value should be less than or equal to {maximum}."
        )
    if limit < minimum:
        return _form_error(
            "limit", "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {minimum}."
        )
    return None


def _form_error(field: str, code: str, message: str) -> dict:
    return {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {field: {"_errors": [{"code": code, "message": message}]}},
    }
