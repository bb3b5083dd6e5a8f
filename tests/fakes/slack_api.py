"""An in-process fake of Slack's Web API, response URLs, file uploads and Socket Mode.

`FakeSlack` is an aiohttp server on 127.0.0.1 (random free port). Point a real
`slack_sdk` / `slack_bolt` client at it with ``AsyncWebClient(base_url=fake.base_url)``
and every request is recorded, in order, as a `Call`.

    async with FakeSlack() as fake:
        client = AsyncWebClient(base_url=fake.base_url, token="xoxb-test")
        await client.chat_postMessage(channel="C1", text="hi")
        [call] = await fake.wait_for("chat.postMessage")
        assert call.params["text"] == "hi"

Endpoints:

* ``/api/<method>``        Web API (JSON body, form data or query string)
* ``/respond/<id>``        a ``response_url``; build one with `FakeSlack.response_url`
* ``/upload/<file_id>``    the upload URL handed out by ``files.getUploadURLExternal``
* ``/link``                the Socket Mode websocket handed out by ``apps.connections.open``

Pseudo-methods recorded besides Web API method names: ``"respond"`` (a POST to a
response URL), ``"upload"`` (bytes POSTed to an upload URL).

Slack's environment-proxy quirk: slack_sdk adopts ``HTTP(S)_PROXY`` and ignores
``NO_PROXY``; use `clear_proxy_env` (or the `no_proxy_env` fixture) in tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import WSMsgType, web

TEAM_ID = "T0001"
APP_ID = "A0001"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"

PROXY_ENV_VARS = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
)

# Params that slack_sdk sends JSON-encoded inside form data; decoded when recording.
_JSON_PARAMS = frozenset({"blocks", "attachments", "view", "files", "metadata", "users"})


@dataclass
class Call:
    """One request the fake received."""

    method: str  # Web API method ("chat.postMessage"), or "respond" / "upload"
    params: dict[str, Any]  # query + JSON body or form fields; JSON-in-form fields decoded
    headers: dict[str, str]
    time: float  # time.monotonic() when received
    http_method: str = "POST"
    path: str = ""
    status: int = 200  # HTTP status the fake answered with
    response: dict[str, Any] = field(default_factory=dict)  # the JSON body it answered with

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok", True))

    @property
    def token(self) -> str | None:
        auth = next((v for k, v in self.headers.items() if k.lower() == "authorization"), "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        return self.params.get("token")


@dataclass
class _Fault:
    status: int
    retry_after: float | None
    error: str | None
    times: int


class FakeSlack:
    """Fake Slack server. Use ``async with FakeSlack() as fake`` (or `start`/`close`)."""

    def __init__(
        self,
        *,
        team_id: str = TEAM_ID,
        app_id: str = APP_ID,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
        bot_name: str = "sereno",
        users: dict[str, str] | None = None,
        usergroups: dict[str, list[str]] | None = None,
    ) -> None:
        self.team_id = team_id
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name

        # Directory data (kept by reset()).
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, dict[str, Any]] = {}
        self.add_user(bot_user_id, bot_name, is_bot=True)
        for uid, name in (users or {}).items():
            self.add_user(uid, name)
        for gid, members in (usergroups or {}).items():
            self.set_usergroup(gid, members)

        self._ts_counter = itertools.count(1)
        self._id_counter = itertools.count(1)
        self.port: int = 0
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self._clear_state()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/respond/{rid}", self._handle_respond)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/link", self._handle_socket)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"fake slack closing")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """Pass as ``AsyncWebClient(base_url=...)``; ends with ``/api/``."""
        return f"{self.root_url}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link"

    def response_url(self, rid: str | None = None) -> str:
        """A response_url pointing at this fake (for slash commands / interactivity)."""
        return f"{self.root_url}/respond/{rid or self._new_id('R')}"

    # ------------------------------------------------------------------ state

    def _clear_state(self) -> None:
        self.records: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._rate_limit: int | None = None
        self._rate_window = 1.0
        self._rate_retry_after: float | None = None
        self._rate_hits: dict[str, deque[float]] = defaultdict(deque)
        self.rate_limited_count = 0
        # Messages the bot posted, keyed by (channel, ts); chat.update/delete edit them.
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.reactions: set[tuple[str, str, str]] = set()  # (channel, ts, name)
        self.files: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.acks: dict[str, dict[str, Any]] = {}
        self.socket_messages: list[dict[str, Any]] = []
        self.socket_connections = 0

    def reset(self) -> None:
        """Forget recorded calls, posted messages, reactions, files, acks, pending
        faults and the rate mode. Users, channels and usergroups are kept, and ts
        values keep increasing (never reused)."""
        self._clear_state()

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        display_name: str | None = None,
        is_bot: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        real = real_name or name
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real,
            "deleted": False,
            "is_bot": is_bot,
            "tz": "Europe/Berlin",
            "profile": {
                "real_name": real,
                "display_name": display_name if display_name is not None else name,
                "real_name_normalized": real,
                "display_name_normalized": display_name if display_name is not None else name,
            },
            **extra,
        }
        if is_bot and user_id == self.bot_user_id:
            user["profile"]["bot_id"] = self.bot_id
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, **extra: Any) -> dict[str, Any]:
        self.channels[channel_id] = self._synth_channel(channel_id, name) | extra
        return self.channels[channel_id]

    def set_usergroup(
        self, group_id: str, users: list[str], *, handle: str | None = None, name: str | None = None
    ) -> None:
        self.usergroups[group_id] = {
            "id": group_id,
            "team_id": self.team_id,
            "handle": handle or group_id.lower(),
            "name": name or handle or group_id,
            "users": list(users),
            "user_count": len(users),
        }

    def _synth_channel(self, channel_id: str, name: str | None = None) -> dict[str, Any]:
        is_im = channel_id.startswith("D")
        return {
            "id": channel_id,
            "name": name if name is not None else channel_id.lower(),
            "is_channel": channel_id.startswith("C"),
            "is_group": channel_id.startswith("G"),
            "is_im": is_im,
            "is_private": not channel_id.startswith("C"),
            "is_member": True,
            "is_archived": False,
        }

    def next_ts(self) -> str:
        """Unique, increasing message ts: 1700000000.000100, 1700000000.000200, ..."""
        micros = 1_700_000_000_000_000 + next(self._ts_counter) * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._id_counter):06d}"

    # ------------------------------------------------------------------ inspection

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        """Recorded calls in arrival order, optionally for one method / by success."""
        out = [c for c in self.records if method is None or c.method == method]
        if ok is not None:
            out = [c for c in out if c.ok == ok]
        return out

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        *,
        ok: bool | None = None,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Poll until at least `count` matching calls were recorded; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls(method, ok=ok) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                seen = [c.method for c in self.records]
                raise TimeoutError(
                    f"waited {timeout}s for {count}x {method!r}, got {len(found)}; calls: {seen}"
                )
            await asyncio.sleep(0.005)

    def responses(self, rid: str | None = None) -> list[dict[str, Any]]:
        """Bodies POSTed to response URLs (optionally to one id)."""
        return [
            c.params for c in self.calls("respond") if rid is None or c.path.endswith(f"/{rid}")
        ]

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: float | None = 1,
        times: int = 1,
        *,
        error: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with a failure.

        429 -> ``{"ok": false, "error": "ratelimited"}`` plus ``Retry-After``;
        500 -> ``{"ok": false, "error": "internal_error"}``; status=200 with
        ``error="channel_not_found"`` -> an ordinary Slack API error."""
        self._faults[method].append(_Fault(status, retry_after, error, times))

    def enforce_rate(
        self,
        per_channel_per_second: int = 1,
        *,
        window: float = 1.0,
        retry_after: float | None = None,
    ) -> None:
        """Rate mode: chat.postMessage to a channel that already had
        `per_channel_per_second` accepted posts in the last `window` seconds is
        answered 429 with ``Retry-After`` (time until the window frees up, rounded
        up to whole seconds like Slack, unless `retry_after` is given).
        429s are counted in `rate_limited_count`. ``per_channel_per_second=0``
        turns the mode off."""
        self._rate_limit = per_channel_per_second or None
        self._rate_window = window
        self._rate_retry_after = retry_after
        self._rate_hits.clear()

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.popleft()
        return fault

    def _check_rate(self, channel: str, now: float) -> float | None:
        """None if allowed (and counted), else seconds until allowed."""
        if self._rate_limit is None:
            return None
        hits = self._rate_hits[channel]
        while hits and now - hits[0] >= self._rate_window:
            hits.popleft()
        if len(hits) >= self._rate_limit:
            return self._rate_window - (now - hits[0])
        hits.append(now)
        return None

    # ------------------------------------------------------------------ HTTP handlers

    async def _parse(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            ctype = request.content_type
            if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        params[key] = {"filename": value.filename, "content": value.file.read()}
                    else:
                        params[key] = value
            else:
                raw = await request.read()
                if raw:
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        params["_raw"] = raw
                    else:
                        if isinstance(body, dict):
                            params.update(body)
                        else:
                            params["_json"] = body
        for key in _JSON_PARAMS & params.keys():
            value = params[key]
            if isinstance(value, str) and value[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    def _record(self, method: str, request: web.Request, params: dict[str, Any]) -> Call:
        call = Call(
            method=method,
            params=params,
            headers=dict(request.headers),
            time=time.monotonic(),
            http_method=request.method,
            path=request.path,
        )
        self.records.append(call)
        return call

    @staticmethod
    def _answer(
        call: Call, body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        call.status = status
        call.response = body
        return web.json_response(body, status=status, headers=headers)

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._parse(request)
        call = self._record(method, request, params)

        fault = self._take_fault(method)
        if fault is not None:
            headers = {}
            if fault.retry_after is not None and fault.status == 429:
                headers["Retry-After"] = _fmt_seconds(fault.retry_after)
            default_error = {429: "ratelimited", 200: "fatal_error"}.get(
                fault.status, "internal_error"
            )
            return self._answer(
                call, {"ok": False, "error": fault.error or default_error}, fault.status, headers
            )

        if method == "chat.postMessage" and self._rate_limit is not None:
            wait = self._check_rate(str(params.get("channel", "")), call.time)
            if wait is not None:
                self.rate_limited_count += 1
                retry = self._rate_retry_after
                if retry is None:
                    retry = max(1, math.ceil(wait))
                return self._answer(
                    call,
                    {"ok": False, "error": "ratelimited"},
                    429,
                    {"Retry-After": _fmt_seconds(retry)},
                )

        handler = _API_HANDLERS.get(method)
        body = handler(self, params) if handler else {"ok": True}
        return self._answer(call, body)

    async def _handle_respond(self, request: web.Request) -> web.Response:
        params = await self._parse(request)
        call = self._record("respond", request, params)
        return self._answer(call, {"ok": True})

    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        call = self._record("upload", request, {"file_id": file_id, "size": len(data)})
        call.status = 200
        if file_id in self.files:
            self.files[file_id]["data"] = data
        # Like files.slack.com: text/plain "OK - <size>" (slack_sdk reads it as text).
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    # ------------------------------------------------------------------ Web API methods

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake-team.slack.com/",
            "team": "Fake Team",
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _bot_message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key) is not None:
                msg[key] = params[key]
        return msg

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("text") and not params.get("blocks") and not params.get("attachments"):
            return {"ok": False, "error": "no_text"}
        ts = self.next_ts()
        msg = self._bot_message(params, ts)
        self.messages[(channel, ts)] = msg
        return {"ok": True, "channel": channel, "ts": ts, "message": msg}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not params.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self.next_ts()}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        msg = self.messages.get((channel, ts)) or self._bot_message({}, ts)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                msg[key] = params[key]
        msg["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        self.messages[(channel, ts)] = msg
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": msg.get("text", ""),
            "message": msg,
        }

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel"), params.get("ts")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        self.messages.pop((channel, ts), None)
        return {"ok": True, "channel": channel, "ts": ts}

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("channel", ""), params.get("timestamp", ""), params.get("name", ""))
        if not all(key):
            return {"ok": False, "error": "invalid_arguments"}
        if key in self.reactions:
            return {"ok": False, "error": "already_reacted"}
        self.reactions.add(key)
        return {"ok": True}

    def _reactions_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (params.get("channel", ""), params.get("timestamp", ""), params.get("name", ""))
        if key not in self.reactions:
            return {"ok": False, "error": "no_reaction"}
        self.reactions.discard(key)
        return {"ok": True}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(params.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": self.channels.get(channel) or self._synth_channel(channel)}

    def _usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        group = self.usergroups.get(params.get("usergroup", ""))
        if group is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(group["users"])}

    def _usergroups_list(self, params: dict[str, Any]) -> dict[str, Any]:
        groups = [dict(g) for g in self.usergroups.values()]
        if str(params.get("include_users", "")).lower() not in ("1", "true"):
            for g in groups:
                g.pop("users")
        return {"ok": True, "usergroups": groups}

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not params.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._new_id("F")
        self.files[file_id] = {
            "id": file_id,
            "name": params["filename"],
            "length": int(params["length"]),
            "data": None,
        }
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        items = params.get("files")
        if not isinstance(items, list) or not items:
            return {"ok": False, "error": "invalid_arguments"}
        out = []
        for item in items:
            stored = self.files.get(item.get("id", ""))
            if stored is None or stored["data"] is None:
                return {"ok": False, "error": "file_not_found"}
            stored.update(
                title=item.get("title") or stored["name"],
                channel_id=params.get("channel_id"),
                thread_ts=params.get("thread_ts"),
                initial_comment=params.get("initial_comment"),
            )
            out.append(
                {
                    "id": stored["id"],
                    "name": stored["name"],
                    "title": stored["title"],
                    "size": len(stored["data"]),
                }
            )
        return {"ok": True, "files": out}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not params.get("trigger_id") and not params.get("interactivity_pointer"):
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        view_id = self._new_id("V")
        stored = {"id": view_id, "team_id": self.team_id, "app_id": self.app_id, **view}
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.socket_url}

    # ------------------------------------------------------------------ Socket Mode

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connections += 1
        try:
            await ws.send_json(
                {
                    "type": "hello",
                    "num_connections": len(self._sockets),
                    "debug_info": {
                        "host": "applink-fake",
                        "build_number": 1,
                        "approximate_connection_time": 18060,
                    },
                    "connection_info": {"app_id": self.app_id},
                }
            )
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    data = {"_raw": msg.data}
                self.socket_messages.append(data)
                if isinstance(data, dict) and "envelope_id" in data:
                    self.acks[data["envelope_id"]] = data
        finally:
            with contextlib.suppress(ValueError):
                self._sockets.remove(ws)
        return ws

    async def wait_connected(self, timeout: float = 5.0) -> None:
        """Wait until a Socket Mode client holds an open websocket."""
        deadline = time.monotonic() + timeout
        while not any(not ws.closed for ws in self._sockets):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no Socket Mode connection within {timeout}s")
            await asyncio.sleep(0.005)

    async def push_envelope(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int | None = 0,
        retry_reason: str | None = "",
        accepts_response_payload: bool | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Send a Socket Mode envelope (``events_api`` | ``slash_commands`` |
        ``interactive``) on the newest open websocket; return its envelope_id.
        Pass ``retry_attempt=None`` to omit the retry fields."""
        await self.wait_connected(timeout)
        ws = [w for w in self._sockets if not w.closed][-1]
        envelope_id = envelope_id or f"env-{next(self._id_counter):06d}"
        if accepts_response_payload is None:
            accepts_response_payload = type != "events_api"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason or ""
        await ws.send_json(envelope)
        return envelope_id

    async def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the client's ack of an envelope; return the ack message
        (``{"envelope_id": ..., "payload": {...}}`` when the ack carried a body)."""
        deadline = time.monotonic() + timeout
        while envelope_id not in self.acks:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no ack for envelope {envelope_id!r} within {timeout}s")
            await asyncio.sleep(0.005)
        return self.acks[envelope_id]

    async def socket_disconnect(self, reason: str = "refresh_requested") -> None:
        """Send Slack's ``disconnect`` message; the client should reconnect via
        apps.connections.open."""
        for ws in [w for w in self._sockets if not w.closed]:
            await ws.send_json({"type": "disconnect", "reason": reason, "debug_info": {}})


_API_HANDLERS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": FakeSlack._auth_test,
    "chat.postMessage": FakeSlack._chat_post_message,
    "chat.postEphemeral": FakeSlack._chat_post_ephemeral,
    "chat.update": FakeSlack._chat_update,
    "chat.delete": FakeSlack._chat_delete,
    "reactions.add": FakeSlack._reactions_add,
    "reactions.remove": FakeSlack._reactions_remove,
    "users.info": FakeSlack._users_info,
    "conversations.info": FakeSlack._conversations_info,
    "usergroups.users.list": FakeSlack._usergroups_users_list,
    "usergroups.list": FakeSlack._usergroups_list,
    "files.getUploadURLExternal": FakeSlack._files_get_upload_url,
    "files.completeUploadExternal": FakeSlack._files_complete_upload,
    "views.open": FakeSlack._views_open,
    "apps.connections.open": FakeSlack._apps_connections_open,
}


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------- test helpers


def clear_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk adopts HTTP(S)_PROXY and ignores NO_PROXY: drop them for 127.0.0.1."""
    for name in PROXY_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_env(monkeypatch)


@pytest.fixture
async def fake_slack(no_proxy_env: None) -> AsyncIterator[FakeSlack]:
    """A started FakeSlack (register via ``pytest_plugins`` or import into a test module)."""
    async with FakeSlack() as fake:
        yield fake


@contextlib.asynccontextmanager
async def serve_web_app(app: web.Application) -> AsyncIterator[str]:
    """Run an aiohttp app (e.g. ``bolt_app.web_app()``) on 127.0.0.1:<free port>;
    yields its root URL, e.g. ``http://127.0.0.1:54321``."""
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
