"""Slack as its people use it, against FakeSlack: over HTTP (signed requests to the port
Sereno listens on) or in Socket Mode (envelopes pushed down the fake's websocket)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tests.acceptance.chat import ANSWER_WITHIN, NO_FLOOD_LIMIT, Chat, Post, Thread
from tests.acceptance.served import START_WITHIN, listening, until
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.support import free_port

SECRET = "acceptance-signing-secret"
CUSTOMER, AGENT = "U-lucia", "U-ana"
USERS = {CUSTOMER: "Lucía", AGENT: "ana", "U-luis": "luis"}
ROOMS = [f"C{n:03d}ROOM" for n in range(1, 31)]
EVENTS_PATH = "/slack/events"


class SlackChat(Chat):
    """One Slack workspace (a FakeSlack) with a set of complaint channels."""

    def __init__(self, fake: FakeSlack, *, socket_mode: bool) -> None:
        super().__init__(ROOMS)
        self.fake = fake
        self.socket_mode = socket_mode
        self.name = "slack-socket" if socket_mode else "slack-http"
        self.port = free_port()

    def settings(self) -> dict[str, str]:
        env = {
            "SLACK_BOT_TOKEN": "xoxb-acceptance",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.fake.base_url,
            "SERENO_SLACK_CHANNELS": ",".join(self.rooms),
            "SERENO_SLACK_AGENTS": f"{AGENT},U-luis",
            "SERENO_SLACK_POST_INTERVAL": "0s",
            **NO_FLOOD_LIMIT,
        }
        if self.socket_mode:
            return {**env, "SLACK_APP_TOKEN": "xapp-1-acceptance"}
        return {**env, "SERENO_SLACK_HOST": "127.0.0.1", "SERENO_SLACK_PORT": str(self.port)}

    def connections(self) -> int:
        return self.fake.socket_connections

    async def wait_ready(self, connections_before: int) -> None:
        if not self.socket_mode:
            await listening(self.port, self.served)
            return
        await until(
            lambda: self.fake.socket_connections > connections_before,
            timeout=START_WITHIN,
            what="a Socket Mode connection",
            served=self.served,
        )
        await self.fake.wait_connected(START_WITHIN)

    # -- delivering what Slack sends ------------------------------------------------------

    async def _http(self, raw: bytes, headers: dict[str, str]) -> str:
        url = f"http://127.0.0.1:{self.port}{EVENTS_PATH}"
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(url, data=raw, headers=headers) as response,
            ):
                body = await response.text()
        except aiohttp.ClientConnectionError as exc:
            self.served.check_alive()
            raise AssertionError(f"{url}: {exc}\n{self.served.tail()}") from exc
        assert response.status == 200, f"{response.status} {body}\n{self.served.tail()}"
        return body

    async def _deliver(self, kind: str, payload: dict[str, Any]) -> str:
        """Send one event or command the way this mode does; the acknowledgement's text."""
        if self.socket_mode:
            ack = await self.fake.wait_ack(await self.fake.push_envelope(kind, payload))
            return str((ack.get("payload") or {}).get("text") or "")
        if kind == "events_api":
            return await self._http(*sp.json_request(SECRET, payload))
        return _ack_text(await self._http(*sp.form_request(SECRET, payload)))

    async def interact(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Deliver a click or a submitted form; the acknowledgement's JSON (None: empty)."""
        if self.socket_mode:
            ack = await self.fake.wait_ack(await self.fake.push_envelope("interactive", payload))
            return ack.get("payload") or None
        body = await self._http(*sp.interactive_request(SECRET, payload))
        return json.loads(body) if body.strip() else None

    async def post_complaint(self, room: str, text: str, customer: str = CUSTOMER) -> str:
        ts = sp.next_ts()
        await self._deliver("events_api", sp.event_body(sp.message_event(room, customer, text, ts)))
        return ts

    async def react_done(self, thread: Thread, post: Post) -> None:
        event = sp.reaction_event(True, AGENT, "white_check_mark", thread.room, post.id)
        await self._deliver("events_api", sp.event_body(event))

    async def command(self, room: str, sub: str, case: int | None = None, *words: str) -> str:
        text = " ".join([sub, *([f"#{case}"] if case else []), *words])
        url = self.fake.response_url()
        rid = url.rsplit("/", 1)[1]
        form = sp.slash_command_form("/complaint", text, AGENT, room, url)
        acked = await self._deliver("slash_commands", form)
        if acked:
            return acked
        [answer, *_] = await until(
            lambda: self.fake.responses(rid),
            timeout=ANSWER_WITHIN,
            what=f"an answer to /complaint {text}",
            served=self.served,
        )
        return str(answer.get("text", ""))

    # -- reading what Sereno posted ---------------------------------------------------------

    def posts(self, thread_id: str) -> list[Post]:
        return [
            Post(str(c.response["ts"]), _first_line(c.params), _text(c.params), c.time)
            for c in self.fake.calls("chat.postMessage", ok=True)
            if c.params.get("thread_ts") == thread_id
        ]

    def edits(self, thread: Thread, post: Post) -> list[str]:
        return [
            _text(c.params)
            for c in self.fake.calls("chat.update", ok=True)
            if c.params.get("ts") == post.id and c.params.get("channel") == thread.room
        ]

    def _file_names(self) -> list[str]:
        return [str(f["name"]) for f in self.fake.files.values()]

    async def uploaded(self, thread: Thread, filename: str) -> bytes:
        def done() -> bytes | None:
            for f in self.fake.files.values():
                here = f.get("channel_id") == thread.room and f.get("thread_ts") == thread.id
                if here and f["name"] == filename and f["data"] is not None:
                    return bytes(f["data"])
            return None

        return await until(
            done,
            timeout=ANSWER_WITHIN,
            what=lambda: f"{filename} in {thread}; files: {self._file_names()}",
            served=self.served,
        )


def _text(params: dict[str, Any]) -> str:
    return str(params.get("text", ""))


def _first_line(params: dict[str, Any]) -> str:
    return _text(params).split("\n", 1)[0]


def _ack_text(body: str) -> str:
    """A slash command's HTTP answer: empty, plain text, or JSON with ``text``."""
    if not body.strip():
        return ""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body
    return str(parsed.get("text") or "") if isinstance(parsed, dict) else body
