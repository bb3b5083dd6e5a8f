"""The fake Discord's REST API v10: routing, auth, faults, and the user, application and
command routes (channel and interaction routes live in their own modules)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from .discord_limits import CHECKS
from .discord_records import ERRORS, RecordedFile, RecordedRequest

Handler = Callable[..., Awaitable[tuple[int, Any]]]
DROP = 0  # a fault with this status closes the connection instead of answering


class RestMixin:
    """`FakeDiscord`'s REST entry point at ``/api/v10`` and its route table."""

    async def _rest(self, request: web.Request) -> web.Response:
        path = request.path.removeprefix("/api/v10")
        rec = RecordedRequest(
            request.method, path, dict(request.query), CIMultiDict(request.headers)
        )
        await _read_body(request, rec)
        self.recorded.append(rec)
        status, body, headers = await self._answer(request, rec)
        rec.status, rec.response = status, body
        async with self._changed:
            self._changed.notify_all()
        if status == DROP:  # a network failure: the connection closes, nothing is answered
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        if body is None:
            return web.Response(status=status, headers=headers)
        # discord.py parses JSON only if Content-Type is exactly application/json
        headers["Content-Type"] = "application/json"
        return web.Response(status=status, body=json.dumps(body).encode(), headers=headers)

    async def _answer(
        self, request: web.Request, rec: RecordedRequest
    ) -> tuple[int, Any, dict[str, str]]:
        if not request.path.startswith("/api/v10/"):
            return 404, ERRORS[404], {}
        for fault in self.faults:
            if (
                fault.remaining
                and fault.method in (rec.method, "*")
                and fault.pattern.search(rec.path)
            ):
                fault.remaining -= 1
                fault.hits += 1
                return fault.status, fault.body, dict(fault.headers)
        public = rec.path.startswith(("/interactions/", "/webhooks/"))
        if not public and rec.headers.get("Authorization") != f"Bot {self.token}":
            return 401, ERRORS[401], {}
        for methods, pattern, handler in self._routes:
            match = pattern.fullmatch(rec.path)
            if match and rec.method in methods:
                check = CHECKS.get(handler.__name__)
                refused = check(rec.method, rec.json) if check else None
                if refused is not None:  # what Discord refuses never reaches the world
                    return 400, refused, {}
                status, body = await handler(rec, **match.groupdict())
                return status, body, {}
        return 404, ERRORS[404], {}

    def _route_table(self) -> list[tuple[tuple[str, ...], re.Pattern[str], Handler]]:
        cid, mid = r"/channels/(?P<cid>\d+)", r"/messages/(?P<mid>\d+)"
        cmds = r"/applications/(?P<app>\d+)(?:/guilds/(?P<gid>\d+))?/commands"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._me),
            ("POST", r"/users/@me/channels", self._dm_channel),
            ("GET", r"/users/(?P<uid>\d+)", self._user),
            ("GET", r"/(?:oauth2/)?applications/@me", self._application),
            ("GET", r"/gateway(?P<bot>/bot)?", self._gateway_info),
            ("GET PUT POST", cmds, self._commands),
            ("GET PATCH DELETE", cmds + r"/(?P<cmd>\d+)", self._command),
            ("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self._member),
            ("GET", r"/guilds/(?P<gid>\d+)/threads/active", self._active_threads),
            ("GET", cid + r"/threads/archived/public", self._archived_threads),
            ("GET PATCH", cid, self._channel),
            ("GET POST", cid + r"/messages", self._channel_messages),
            ("GET PATCH DELETE", cid + mid, self._message),
            ("POST", cid + mid + r"/threads", self._thread_from_message),
            ("POST", cid + r"/threads", self._thread_without_message),
            (
                "PUT DELETE",
                cid + mid + r"/reactions/(?P<emoji>[^/]+)/(?P<uid>@me|\d+)",
                self._reaction,
            ),
            ("DELETE", cid + mid + r"/reactions(?:/(?P<emoji>[^/]+))?", self._clear_reactions),
            ("PUT DELETE", cid + r"/thread-members/(?P<uid>@me|\d+)", self._thread_member),
            ("POST", cid + r"/typing", self._no_content),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._followup),
            ("GET PATCH DELETE", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_message),
        ]
        return [(tuple(m.split()), re.compile(rx), h) for m, rx, h in table]

    async def _no_content(self, rec: RecordedRequest, **_: str) -> tuple[int, Any]:
        return 204, None

    async def _dm_channel(self, rec: RecordedRequest) -> tuple[int, Any]:
        """Open (or reuse) a DM channel with a user, as POST /users/@me/channels does."""
        key = self.world.user_key(str((rec.json or {}).get("recipient_id", "")))
        if key is None:
            return 400, {"message": "Invalid Recipient(s)", "code": 50033}
        user = self.world.users[key]
        found = next(
            (c for c in self.dm_channels.values() if c["recipients"][0]["id"] == user["id"]), None
        )
        if found is None:
            found = {
                "id": str(self.ids.next()),
                "type": 1,
                "recipients": [user],
                "last_message_id": None,
            }
            self.dm_channels[int(found["id"])] = found
        return 200, found

    async def _me(self, rec: RecordedRequest) -> tuple[int, Any]:
        return 200, self.world.bot

    async def _user(self, rec: RecordedRequest, uid: str) -> tuple[int, Any]:
        key = self.world.user_key(uid)
        return (
            (200, self.world.users[key])
            if key
            else (404, {"message": "Unknown User", "code": 10013})
        )

    async def _application(self, rec: RecordedRequest) -> tuple[int, Any]:
        return 200, self.world.application()

    async def _gateway_info(self, rec: RecordedRequest, bot: str | None) -> tuple[int, Any]:
        if not bot:
            return 200, {"url": self.gateway_url}
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    async def _member(self, rec: RecordedRequest, gid: str, uid: str) -> tuple[int, Any]:
        key = self.world.user_key(uid)
        if key is None or int(gid) != self.world.guild_id:
            return 404, {"message": "Unknown Member", "code": 10007}
        return 200, self.world.member(key)

    async def _commands(self, rec: RecordedRequest, app: str, gid: str | None) -> tuple[int, Any]:
        scope = int(gid) if gid else None
        if rec.method == "GET":
            return 200, self.commands.get(scope, [])
        incoming = rec.json if rec.method == "PUT" else [rec.json]
        old = {c["name"]: c for c in self.commands.get(scope, [])}
        stored = [self._store_command(c, app, gid, old.get(c["name"])) for c in incoming]
        if rec.method == "PUT":
            self.commands[scope] = stored
            return 200, stored
        keep = [c for c in self.commands.get(scope, []) if c["name"] != stored[0]["name"]]
        self.commands[scope] = [*keep, stored[0]]
        return 201, stored[0]

    def _store_command(self, cmd: dict, app: str, gid: str | None, old: dict | None) -> dict:
        stored = {
            "type": 1,
            "description": "",
            "options": [],
            "nsfw": False,
            "default_member_permissions": None,
            "contexts": None,
            "integration_types": [0],
            **cmd,
        }
        stored.update(
            id=old["id"] if old else str(self.ids.next()),
            application_id=app,
            version=str(self.ids.next()),
        )
        if gid:
            stored["guild_id"] = gid
        return stored

    async def _command(
        self, rec: RecordedRequest, app: str, gid: str | None, cmd: str
    ) -> tuple[int, Any]:
        scope = int(gid) if gid else None
        found = next((c for c in self.commands.get(scope, []) if c["id"] == cmd), None)
        if found is None:
            return 404, {"message": "Unknown application command", "code": 10063}
        if rec.method == "DELETE":
            self.commands[scope].remove(found)
            return 204, None
        if rec.method == "PATCH":
            found.update(rec.json or {})
        return 200, found


async def _read_body(request: web.Request, rec: RecordedRequest) -> None:
    """Record a JSON body, or a multipart body's ``payload_json`` and files."""
    if request.content_type == "application/json":
        raw = await request.text()
        rec.json = json.loads(raw) if raw else None
    elif request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, aiohttp.BodyPartReader):
                continue
            data = await part.read()
            if part.filename is not None:
                ctype = part.headers.get("Content-Type")
                rec.files.append(RecordedFile(part.name or "", part.filename, ctype, bytes(data)))
            elif part.name == "payload_json":
                rec.json = json.loads(data)
            else:
                rec.form[part.name or ""] = data.decode()
