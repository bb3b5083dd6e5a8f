"""The fake Discord's channel routes: channels, messages, threads and reactions."""

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
            return 200, self._history(cid, rec.query)
        body = rec.json or {}
        msg = self._new_message(int(cid), self.world.bot, body, rec.files)
        msg.update(
            guild_id=str(self.world.guild_id),
            member=p.member(None, roles=self.world.role_ids("bot")),
        )
        await self._echo("MESSAGE_CREATE", msg)
        return 200, msg

    def _history(self, cid: str, query: dict[str, str]) -> list[dict]:
        """Newest first, honouring ``limit``, ``before`` and ``after`` as discord.py pages."""
        before, after = int(query.get("before", 1 << 63)), int(query.get("after", 0))
        found = [
            m
            for m in self.messages.values()
            if m["channel_id"] == cid and after < int(m["id"]) < before
        ]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        limit = int(query.get("limit", 50))
        return found[-limit:] if "after" in query else found[:limit]

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

    async def _thread_from_message(
        self, rec: RecordedRequest, cid: str, mid: str
    ) -> tuple[int, Any]:
        msg = self.messages.get(int(mid))
        if msg is None or msg["channel_id"] != cid:
            return 404, UNKNOWN_MESSAGE
        if "thread" in msg:
            return 400, {
                "message": "A thread has already been created for this message",
                "code": 160004,
            }
        # a thread started from a message shares the message's id
        created = self._new_thread(int(mid), int(cid), rec.json or {}, p.PUBLIC_THREAD)
        msg["thread"] = created
        msg["flags"] = msg.get("flags", 0) | p.HAS_THREAD
        await self._echo("THREAD_CREATE", p.thread_create(created))
        return 201, created

    async def _thread_without_message(self, rec: RecordedRequest, cid: str) -> tuple[int, Any]:
        parent = self.world.channels.get(int(cid))
        if parent is None:
            return 404, UNKNOWN_CHANNEL
        body = rec.json or {}
        if parent["type"] != p.FORUM:
            kind = body.get("type") or p.PRIVATE_THREAD
            created = self._new_thread(self.ids.next(), int(cid), body, kind)
            await self._echo("THREAD_CREATE", p.thread_create(created))
            return 201, created
        created = self._new_thread(self.ids.next(), int(cid), body, p.PUBLIC_THREAD)
        starter = self._new_message(
            int(created["id"]), self.world.bot, body.get("message") or {}, rec.files
        )
        # the forum post's starter message shares the thread's id
        self.messages.pop(int(starter["id"]))
        starter["id"] = created["id"]
        self.messages[int(created["id"])] = starter
        await self._echo("THREAD_CREATE", p.thread_create(created))
        await self._echo("MESSAGE_CREATE", {**starter, "guild_id": str(self.world.guild_id)})
        return 201, {**created, "message": starter}

    def _new_thread(self, thread_id: int, parent_id: int, body: dict, kind: int) -> dict:
        created = p.thread(
            thread_id,
            self.world.guild_id,
            parent_id,
            self.world.user_id("bot"),
            body.get("name", "thread"),
            type=kind,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
            applied_tags=body.get("applied_tags") or (),
        )
        created["member"] = {
            "id": created["id"],
            "user_id": self.world.bot["id"],
            "join_timestamp": p.timestamp(thread_id),
            "flags": 0,
        }
        return self.world.add_channel(created)

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
