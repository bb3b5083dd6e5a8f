"""FakeDiscord: Discord's REST API v10 and gateway on 127.0.0.1, for running the real discord.py.

One aiohttp server serves REST at ``http://127.0.0.1:P/api/v10`` and the gateway at
``ws://127.0.0.1:P/gateway``. Every REST call is recorded; faults can be injected.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from . import discord_payloads as p

Handler = Callable[..., Awaitable[tuple[int, Any]]]

ERRORS: dict[int, dict] = {
    400: {"message": "Invalid Form Body", "code": 50035, "errors": {}},
    401: {"message": "401: Unauthorized", "code": 0},
    403: {"message": "Missing Permissions", "code": 50013},
    404: {"message": "404: Not Found", "code": 0},
    500: {"message": "500: Internal Server Error", "code": 0},
}
UNKNOWN_CHANNEL = {"message": "Unknown Channel", "code": 10003}
UNKNOWN_MESSAGE = {"message": "Unknown Message", "code": 10008}
UNKNOWN_INTERACTION = {"message": "Unknown interaction", "code": 10062}
UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
ALREADY_ACKNOWLEDGED = {"message": "Interaction has already been acknowledged.", "code": 40060}


@dataclass
class RecordedFile:
    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it (``path`` is relative to ``/api/v10``)."""

    method: str
    path: str
    query: dict[str, str]
    headers: CIMultiDict[str]  # case-insensitive, like HTTP
    json: Any = None
    files: list[RecordedFile] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)
    status: int = 0
    response: Any = None


@dataclass
class Fault:
    """A canned error answered to the next ``remaining`` matching requests."""

    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict
    headers: dict[str, str]
    remaining: int
    hits: int = 0


@dataclass
class GatewaySession:
    session_id: str
    seq: int = 0
    sent: list[dict] = field(default_factory=list)


class FakeDiscord:
    """A tiny Discord: one guild (``world``), REST + gateway, request log and fault injection."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        world: p.World | None = None,
        heartbeat_interval_ms: int = 500,
        echo: bool = True,
    ) -> None:
        self.token = token
        self.world = world or p.World()
        self.ids = self.world.ids
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.echo = echo  # dispatch MESSAGE_CREATE etc. for the bot's own REST writes
        self.recorded: list[RecordedRequest] = []
        self.gateway_frames: list[dict] = []
        self.messages: dict[int, dict] = {}
        self.reactions: dict[tuple[int, str], list[int]] = {}
        self.commands: dict[int | None, list[dict]] = {}
        self.interactions: dict[int, dict] = {}
        self.faults: list[Fault] = []
        self.session: GatewaySession | None = None
        self.connections = 0
        self._delivered = 0  # last sequence number written to the current socket
        self._ws: web.WebSocketResponse | None = None
        self._live = asyncio.Event()
        self._send_lock = asyncio.Lock()
        self._changed = asyncio.Condition()
        self._counter = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._routes = self._route_table()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close(code=1001, message=b"fake shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` and READY's ``resume_gateway_url``."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def patch_discord_py(self) -> Iterator[FakeDiscord]:
        """Point discord.py's REST base and default gateway here; restore them afterwards."""
        import discord.gateway
        import discord.http
        import yarl

        route, ws = discord.http.Route, discord.gateway.DiscordWebSocket
        old = route.BASE, ws.DEFAULT_GATEWAY
        route.BASE, ws.DEFAULT_GATEWAY = self.api_url, yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            route.BASE, ws.DEFAULT_GATEWAY = old

    # -- request log -----------------------------------------------------------------------

    def requests(
        self, method: str | None = None, path_contains: str | None = None
    ) -> list[RecordedRequest]:
        """Recorded REST requests, oldest first, optionally filtered."""
        return [r for r in self.recorded if _matches(r, method, path_contains)]

    async def wait_for(
        self,
        predicate: Callable[[RecordedRequest], bool] | str | None = None,
        path_contains: str | None = None,
        *,
        method: str | None = None,
        count: int = 1,
        timeout: float = 2.0,
    ) -> list[RecordedRequest]:
        """Wait until ``count`` recorded requests match; ``wait_for("POST", "/messages")``
        or ``wait_for(lambda r: ...)``. Returns the matches."""
        if isinstance(predicate, str):
            method, predicate = predicate, None

        def found() -> list[RecordedRequest]:
            hits = [r for r in self.requests(method, path_contains) if r.status]
            return [r for r in hits if predicate is None or predicate(r)]

        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(found()) >= count), timeout
                )
            except TimeoutError:
                seen = [f"{r.method} {r.path} -> {r.status}" for r in self.recorded]
                raise TimeoutError(
                    f"wanted {count} x {method or '*'} {path_contains or ''}; saw {seen}"
                ) from None
        return found()

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        *,
        retry_after: float = 0.1,
        times: int = 1,
        is_global: bool = False,
        body: dict | None = None,
    ) -> Fault:
        """Answer the next ``times`` requests matching (``re.search``) with an error.

        429 carries ``Via`` (else discord.py assumes a Cloudflare ban) and ``retry_after``.
        """
        headers: dict[str, str] = {}
        if status == 429:
            body = body or {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            }
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Scope": "global" if is_global else "user",
            }
            if is_global:
                headers["X-RateLimit-Global"] = "true"
        fault = Fault(
            method.upper(),
            re.compile(path_regex),
            status,
            body or ERRORS.get(status, {"message": "error", "code": 0}),
            headers,
            times,
        )
        self.faults.append(fault)
        return fault

    # -- gateway, server side ----------------------------------------------------------------

    @property
    def identify_payloads(self) -> list[dict]:
        return [f["d"] for f in self.gateway_frames if f.get("op") == 2]

    @property
    def intents(self) -> int | None:
        """Intents of the last IDENTIFY."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    async def wait_until_live(self, timeout: float = 2.0) -> None:
        """Wait until a client has identified (or resumed) on the gateway."""
        await asyncio.wait_for(self._live.wait(), timeout)

    async def dispatch(self, event: str, data: dict, *, timeout: float = 2.0) -> int:
        """Send a DISPATCH (op 0) with the next sequence number; returns ``s``."""
        await self.wait_until_live(timeout)
        return await self._dispatch(event, data)

    async def _dispatch(self, event: str, data: dict, *, handshake: bool = False) -> int:
        # outside the handshake, a socket that has not yet identified or resumed only buffers
        assert self.session is not None
        async with self._send_lock:
            self.session.seq += 1
            frame = {"op": 0, "t": event, "s": self.session.seq, "d": data}
            self.session.sent.append(frame)
            if handshake or self._live.is_set():
                await self._send_frame(frame)
        return frame["s"]

    async def _send_frame(self, frame: dict) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_str(json.dumps(frame))
            self._delivered = frame["s"]

    async def _go_live(self) -> None:
        """Flush what this socket has missed, then deliver dispatches as they happen."""
        assert self.session is not None
        async with self._send_lock:
            for frame in self.session.sent:
                if frame["s"] > self._delivered:
                    await self._send_frame(frame)
            self._live.set()

    async def _echo(self, event: str, data: dict) -> None:
        # while the socket is down, events are kept for replay on RESUME, as Discord does
        if self.echo and self.session is not None:
            await self._dispatch(event, data)

    async def send_op(self, op: int, d: Any = None) -> None:
        """Send a raw non-dispatch frame (e.g. 7 RECONNECT, 9 INVALID_SESSION)."""
        if self._ws is not None and not self._ws.closed:
            async with self._send_lock:
                await self._ws.send_str(json.dumps({"op": op, "d": d, "s": None, "t": None}))

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the gateway socket; discord.py then RESUMEs at ``resume_gateway_url``."""
        self._live.clear()
        if self._ws is not None:
            await self._ws.close(code=code, message=b"fake drop")

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        if self._ws is not None and not self._ws.closed:
            await self._ws.close(code=4000, message=b"replaced")
        self._ws, self._delivered = ws, 0
        self._live.clear()
        self.connections += 1
        await ws.send_str(
            json.dumps(
                {
                    "op": 10,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                }
            )
        )
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            self.gateway_frames.append(frame)
            await self._on_frame(frame.get("op"), frame.get("d"))
        if self._ws is ws:
            self._live.clear()
        return ws

    async def _on_frame(self, op: int | None, d: Any) -> None:
        if op == 1:
            await self.send_op(11)
        elif op == 2:
            self.session = GatewaySession(f"fake-session-{next(self._counter)}")
            ready = self.world.ready(self.session.session_id, self.gateway_url, d.get("shard"))
            await self._dispatch("READY", ready, handshake=True)
            await self._dispatch("GUILD_CREATE", self.world.guild_create(), handshake=True)
            await self._go_live()
        elif op == 6:
            await self._resume(d)
        elif op == 8:
            await self._dispatch("GUILD_MEMBERS_CHUNK", self._member_chunk(d), handshake=True)

    async def _resume(self, d: dict) -> None:
        session = self.session
        if session is None or d.get("session_id") != session.session_id:
            await self.send_op(9, False)
            return
        self._delivered = d.get("seq") or 0
        await self._go_live()  # replays the missed dispatches, as Discord does
        await self._dispatch("RESUMED", {})

    def _member_chunk(self, d: dict) -> dict:
        wanted = {str(u) for u in d.get("user_ids") or []}
        members = [
            self.world.member(k)
            for k, u in self.world.users.items()
            if not wanted or u["id"] in wanted
        ]
        return {
            "guild_id": str(self.world.guild_id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "nonce": d.get("nonce"),
        }

    # -- conveniences that dispatch built payloads -----------------------------------------

    async def user_message(
        self,
        content: str,
        *,
        author: str = "customer",
        channel: int | str = "support",
        **extra: Any,
    ) -> dict:
        """A member of the world (``author`` key) posts ``content``: MESSAGE_CREATE."""
        w = self.world
        data = p.message_create(
            self.ids.next(),
            w.channel_id(channel),
            w.users[author],
            content,
            guild_id=w.guild_id,
            roles=w.role_ids(author),
            **extra,
        )
        self.messages[int(data["id"])] = data
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    async def react(
        self,
        message_id: int | str,
        emoji: str = "✅",
        *,
        user: str = "agent",
        remove: bool = False,
    ) -> dict:
        """``user`` adds (or removes) a reaction on a stored message."""
        w, msg = self.world, self.messages[int(message_id)]
        args = (w.user_id(user), int(msg["channel_id"]), int(message_id), emoji)
        if remove:
            data = p.reaction_remove(*args, guild_id=w.guild_id)
        else:
            data = p.reaction_add(
                *args,
                guild_id=w.guild_id,
                member_data=w.member(user),
                message_author_id=int(msg["author"]["id"]),
            )
        await self.dispatch("MESSAGE_REACTION_REMOVE" if remove else "MESSAGE_REACTION_ADD", data)
        return data

    async def invoke_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        group: str | None = None,
        focused: str | None = None,
        user: str = "agent",
        channel: int | str = "support",
    ) -> dict:
        """INTERACTION_CREATE for a chat-input command (type 4 autocomplete if ``focused``)."""
        registered = self.command(name)
        command_id = int(registered["id"]) if registered else self.ids.next()
        guild_id = registered.get("guild_id") if registered else None
        data = p.command_data(
            name,
            command_id=command_id,
            options=options,
            subcommand=subcommand,
            group=group,
            focused=focused,
            command_guild_id=int(guild_id) if guild_id else None,
        )
        kind = p.AUTOCOMPLETE if focused else p.CHAT_INPUT
        return await self._interact(kind, data, user, channel)

    async def click(
        self,
        custom_id: str,
        message_id: int | str,
        *,
        user: str = "agent",
        component_type: int = 2,
        values: tuple[str, ...] = (),
    ) -> dict:
        """INTERACTION_CREATE for a component on a stored message."""
        msg = self.messages[int(message_id)]
        data = p.component_data(custom_id, component_type=component_type, values=values)
        return await self._interact(p.COMPONENT, data, user, int(msg["channel_id"]), message=msg)

    async def _interact(
        self, kind: int, data: dict, user: str, channel: int | str, **extra: Any
    ) -> dict:
        w = self.world
        n = next(self._counter)
        chan = {**w.channel(channel), "permissions": str(w.permissions(user))}
        payload = p.interaction(
            kind,
            data,
            interaction_id=self.ids.next(),
            application_id=w.application_id,
            token=f"interaction-token-{n}",
            guild_id=w.guild_id,
            channel=chan,
            member_data=w.member(user, with_permissions=True),
            app_permissions=w.permissions("bot"),
            **extra,
        )
        self.interactions[int(payload["id"])] = {
            "payload": payload,
            "acked": False,
            "original": None,
        }
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def command(self, name: str, guild_id: int | None = None) -> dict | None:
        """A registered command by name (global first unless ``guild_id``)."""
        scopes = [guild_id] if guild_id else [None, *[g for g in self.commands if g]]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    return cmd
        return None

    def callbacks(self, interaction_id: int | str | None = None) -> list[RecordedRequest]:
        """Recorded interaction callbacks (optionally of one interaction)."""
        part = f"/interactions/{interaction_id}/" if interaction_id else "/interactions/"
        return [r for r in self.requests("POST", part) if r.path.endswith("/callback")]

    # -- REST --------------------------------------------------------------------------------

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
                status, body = await handler(rec, **match.groupdict())
                return status, body, {}
        return 404, ERRORS[404], {}

    def _route_table(self) -> list[tuple[tuple[str, ...], re.Pattern[str], Handler]]:
        cid, mid = r"/channels/(?P<cid>\d+)", r"/messages/(?P<mid>\d+)"
        cmds = r"/applications/(?P<app>\d+)(?:/guilds/(?P<gid>\d+))?/commands"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/users/(?P<uid>\d+)", self._user),
            ("GET", r"/(?:oauth2/)?applications/@me", self._application),
            ("GET", r"/gateway(?P<bot>/bot)?", self._gateway_info),
            ("GET PUT POST", cmds, self._commands),
            ("GET PATCH DELETE", cmds + r"/(?P<cmd>\d+)", self._command),
            ("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self._member),
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
            ("PUT DELETE", cid + r"/thread-members/(?P<uid>@me|\d+)", self._no_content),
            ("POST", cid + r"/typing", self._no_content),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._followup),
            ("GET PATCH DELETE", hook + r"/messages/(?P<mid>@original|\d+)", self._webhook_message),
        ]
        return [(tuple(m.split()), re.compile(rx), h) for m, rx, h in table]

    async def _no_content(self, rec: RecordedRequest, **_: str) -> tuple[int, Any]:
        return 204, None

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

    async def _callback(self, rec: RecordedRequest, iid: str, token: str) -> tuple[int, Any]:
        state = self.interactions.get(int(iid))
        if state is None or state["payload"]["token"] != token:
            return 404, UNKNOWN_INTERACTION
        if state["acked"]:
            return 400, ALREADY_ACKNOWLEDGED
        state["acked"] = True
        kind, data = (rec.json or {}).get("type"), (rec.json or {}).get("data") or {}
        payload, msg = state["payload"], None
        if kind in (4, 5):
            if kind == 5:
                data = {"flags": (data.get("flags") or 0) | p.LOADING}
            msg = self._interaction_message(payload, data, rec.files)
            state["original"] = int(msg["id"])
        elif kind in (6, 7) and "message" in payload:
            msg = self.messages.get(int(payload["message"]["id"]), payload["message"])
            state["original"] = int(msg["id"])
            if kind == 7:
                self._edit(msg, data)
        if rec.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        flags = (msg or {}).get("flags", 0)
        info = {
            "id": iid,
            "type": payload["type"],
            "response_message_id": msg and msg["id"],
            "response_message_loading": bool(flags & p.LOADING),
            "response_message_ephemeral": bool(flags & p.EPHEMERAL),
        }
        resource = {"type": kind, **({"message": msg} if msg else {})}
        return 200, {"interaction": info, "resource": resource}

    def _interaction_message(self, payload: dict, body: dict, files: list[RecordedFile]) -> dict:
        meta = {
            "id": payload["id"],
            "type": payload["type"],
            "user": payload["member"]["user"],
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        return self._new_message(
            int(payload["channel_id"]),
            self.world.bot,
            body,
            files,
            webhook_id=payload["application_id"],
            application_id=payload["application_id"],
            interaction_metadata=meta,
        )

    def _by_token(self, app: str, token: str) -> dict | None:
        return next(
            (
                s
                for s in self.interactions.values()
                if s["payload"]["token"] == token and s["payload"]["application_id"] == app
            ),
            None,
        )

    async def _followup(self, rec: RecordedRequest, app: str, token: str) -> tuple[int, Any]:
        state = self._by_token(app, token)
        if state is None:
            return 404, UNKNOWN_WEBHOOK
        msg = self._interaction_message(state["payload"], rec.json or {}, rec.files)
        if not msg["flags"] & p.EPHEMERAL:
            await self._echo("MESSAGE_CREATE", {**msg, "guild_id": str(self.world.guild_id)})
        return (200, msg) if rec.query.get("wait") in ("1", "true", "True") else (204, None)

    async def _webhook_message(
        self, rec: RecordedRequest, app: str, token: str, mid: str
    ) -> tuple[int, Any]:
        state = self._by_token(app, token)
        if state is None:
            return 404, UNKNOWN_WEBHOOK
        message_id = state["original"] if mid == "@original" else int(mid)
        msg = self.messages.get(message_id) if message_id else None
        if msg is None:
            return 404, UNKNOWN_MESSAGE
        if rec.method == "DELETE":
            del self.messages[message_id]
            return 204, None
        if rec.method == "PATCH":
            self._edit(msg, rec.json or {})
            msg["flags"] = msg.get("flags", 0) & ~p.LOADING
        return 200, msg


def _matches(rec: RecordedRequest, method: str | None, path_contains: str | None) -> bool:
    return (method is None or rec.method == method.upper()) and (
        path_contains is None or path_contains in rec.path
    )


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


@contextlib.asynccontextmanager
async def running_fake_discord(**kwargs: Any) -> AsyncIterator[FakeDiscord]:
    """Start a FakeDiscord and point discord.py at it for the duration."""
    async with FakeDiscord(**kwargs) as fake:
        with fake.patch_discord_py():
            yield fake
