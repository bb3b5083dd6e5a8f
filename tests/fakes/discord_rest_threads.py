"""The fake Discord's thread routes: starting threads (on a message, without one, forum
posts), their members, and what a member of the world can read of what the bot posted.

A private thread (type 12) needs Create Private Threads in its parent (else 403 / 50013,
as Discord answers); ``invitable`` is kept in its metadata; members added with
``PUT /channels/{thread}/thread-members/{user}`` are recorded in ``world.thread_members``
and decide, with Manage Threads, who sees it (`discord_access`).
"""

from __future__ import annotations

from typing import Any

from . import discord_payloads as p
from .discord_access import CREATE_PRIVATE_THREADS, MANAGE_THREADS, can_view, permissions_in
from .discord_records import ERRORS, UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, RecordedRequest

UNKNOWN_MEMBER = {"message": "Unknown Member", "code": 10013}


class ThreadRoutesMixin:
    """`FakeDiscord`'s REST handlers for threads and their members."""

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
            if kind == p.PRIVATE_THREAD and not self.may("bot", CREATE_PRIVATE_THREADS, parent):
                return 403, ERRORS[403]
            created = self._new_thread(self.ids.next(), int(cid), body, kind)
            if kind == p.PRIVATE_THREAD:
                created["thread_metadata"]["invitable"] = bool(body.get("invitable", True))
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
        self.world.thread_members[thread_id] = {self.world.user_id("bot")}
        return self.world.add_channel(created)

    async def _thread_member(self, rec: RecordedRequest, cid: str, uid: str) -> tuple[int, Any]:
        """PUT / DELETE /channels/{thread}/thread-members/{user|@me}."""
        thread = self.world.channels.get(int(cid))
        if thread is None or "thread_metadata" not in thread:
            return 404, UNKNOWN_CHANNEL
        user_id = self.world.user_id("bot") if uid == "@me" else int(uid)
        if self.world.user_key(user_id) is None:
            return 404, UNKNOWN_MEMBER
        members = self.world.thread_members.setdefault(int(cid), set())
        if rec.method == "DELETE":
            members.discard(user_id)
            return 204, None
        private = thread["type"] == p.PRIVATE_THREAD
        adder = self.world.user_id("bot")
        if private and adder not in members:
            return 403, ERRORS[403]  # only a member may add someone to a private thread
        invitable = thread["thread_metadata"].get("invitable", True)
        owner = thread["owner_id"] == str(adder)
        if private and not invitable and not owner and not self.may("bot", MANAGE_THREADS, thread):
            return 403, ERRORS[403]
        members.add(user_id)
        return 204, None

    def may(self, key: str, permission: int, channel: dict) -> bool:
        """Whether ``key`` holds ``permission`` in ``channel`` (a thread: its parent)."""
        return bool(permissions_in(self.world, key, channel) & permission)

    def visible_to(self, key: str) -> list[dict]:
        """Every message the bot posted that ``key`` can read: in channels they can view,
        public threads of those, private threads they were added to (or see by Manage
        Threads), and direct messages to them."""
        bot = self.world.bot["id"]
        seen = []
        for msg in self.messages.values():
            if msg["author"]["id"] != bot:
                continue
            channel = self.world.channels.get(int(msg["channel_id"]))
            if channel is None:
                dm = self.dm_channels.get(int(msg["channel_id"]))
                recipients = (dm or {}).get("recipients") or [{}]
                if recipients[0].get("id") == self.world.users[key]["id"]:
                    seen.append(msg)
            elif can_view(self.world, key, channel):
                seen.append(msg)
        return seen
