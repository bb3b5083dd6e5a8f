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

`FakeSlack` keeps the state, lifecycle, directory, inspection and fault setup here and
mixes in `slack_http` (parsing, recording, faults, dispatch), `slack_web_methods`,
`slack_channels` (what a channel is and who is in it),
`slack_files` (external uploads), `slack_views` (trigger ids and modals),
`slack_history` (channel history and threads, and messages posted while Sereno was
down) and `slack_socket` (Socket Mode).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

from .slack_channels import ChannelsMixin
from .slack_files import FilesMixin
from .slack_history import HistoryMixin
from .slack_http import Call, HttpMixin, _Fault
from .slack_socket import SocketModeMixin
from .slack_views import ViewsMixin
from .slack_web_methods import WebApiMixin

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "PROXY_ENV_VARS",
    "TEAM_ID",
    "Call",
    "FakeSlack",
    "clear_proxy_env",
    "fake_slack",
    "no_proxy_env",
    "serve_web_app",
]

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


class FakeSlack(
    HttpMixin, WebApiMixin, ViewsMixin, ChannelsMixin, FilesMixin, HistoryMixin, SocketModeMixin
):
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
        self._clear_channels()  # who is in which channel (`slack_channels`)
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
        self.triggers: dict[str, float] = {}  # trigger id -> when issued (-1: exchanged)
        self.acks: dict[str, dict[str, Any]] = {}
        self.socket_messages: list[dict[str, Any]] = []
        self.socket_connections = 0
        self._clear_history()

    def reset(self) -> None:
        """Forget recorded calls, posted messages (the bot's and members' history),
        reactions, files, acks, pending faults and the rate modes. Users, channels and
        usergroups are kept, and ts values keep increasing (never reused)."""
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
        """A member of this workspace, as users.info answers. `extra` overrides fields: e.g.
        ``team_id="TOTHER", is_stranger=True`` for a user of another organisation met in a
        Slack Connect channel, ``is_restricted=True`` for a guest."""
        real = real_name or name
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real,
            "deleted": False,
            "is_bot": is_bot,
            "is_restricted": False,  # a multi-channel guest
            "is_ultra_restricted": False,  # a single-channel guest
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
        timeout: float = 10.0,
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
        channel: str | None = None,
        body: str | None = None,
        content_type: str = "text/html",
    ) -> None:
        """Answer the next `times` calls of `method` (to `channel`, if given) with a failure.

        429 -> ``{"ok": false, "error": "ratelimited"}`` plus ``Retry-After``;
        500 -> ``{"ok": false, "error": "internal_error"}``; status=200 with
        ``error="channel_not_found"`` -> an ordinary Slack API error. With `body`, that
        text (of the bare MIME type `content_type`) instead of any JSON, as a proxy in
        front of Slack answers: ``status=503, body="<html>503</html>"``; the call is
        recorded with ``text=body`` and is not ``ok``."""
        fault = _Fault(status, retry_after, error, times, channel, None, body, content_type)
        self._faults[method].append(fault)

    def heal(self, method: str) -> None:
        """Forget the failures still queued for `method`: its next calls succeed."""
        self._faults.pop(method, None)

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
