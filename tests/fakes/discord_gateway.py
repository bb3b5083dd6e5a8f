"""The fake Discord's gateway, server side: HELLO, IDENTIFY, RESUME, heartbeats, dispatches."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web


@dataclass
class GatewaySession:
    session_id: str
    seq: int = 0
    sent: list[dict] = field(default_factory=list)


class GatewayMixin:
    """`FakeDiscord`'s gateway at ``/gateway``; the state it uses is set up in `FakeDiscord`."""

    @property
    def identify_payloads(self) -> list[dict]:
        return [f["d"] for f in self.gateway_frames if f.get("op") == 2]

    @property
    def intents(self) -> int | None:
        """Intents of the last IDENTIFY."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    async def wait_until_live(self, timeout: float = 10.0) -> None:
        """Wait until a client has identified (or resumed) on the gateway."""
        await asyncio.wait_for(self._live.wait(), timeout)

    async def dispatch(self, event: str, data: dict, *, timeout: float = 10.0) -> int:
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

    def _frame(self, event: str, data: dict) -> dict:
        """The next DISPATCH of the session, kept for replay, not sent."""
        assert self.session is not None
        self.session.seq += 1
        frame = {"op": 0, "t": event, "s": self.session.seq, "d": data}
        self.session.sent.append(frame)
        return frame

    async def _together(self, frames: list[dict]) -> None:
        """Send `frames` in one write to the socket (unmasked text frames, RFC 6455 5.2)."""
        ws = self._ws
        writer = getattr(ws, "_writer", None)
        if ws is None or ws.closed or writer is None:
            return
        chunks = []
        for frame in frames:
            payload = json.dumps(frame).encode()
            n = len(payload)
            if n < 126:
                head = bytes([0x81, n])
            elif n < 1 << 16:
                head = bytes([0x81, 126]) + n.to_bytes(2, "big")
            else:
                head = bytes([0x81, 127]) + n.to_bytes(8, "big")
            chunks.append(head + payload)
        async with self._send_lock:
            writer.transport.write(b"".join(chunks))
            self._delivered = frames[-1]["s"]

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
            guild = self.world.guild_create()
            # messages posted as the new session starts: right behind its READY, in the same
            # write, so the client reads them in one go (as a busy client reads a socket
            # that filled up meanwhile), before any task of its own has had a turn
            if self.behind_ready:
                await self._together(
                    [self._frame("READY", ready), self._frame("GUILD_CREATE", guild)]
                    + [self._frame("MESSAGE_CREATE", m) for m in self.behind_ready]
                )
                self.behind_ready.clear()
            else:
                await self._dispatch("READY", ready, handshake=True)
                await self._dispatch("GUILD_CREATE", guild, handshake=True)
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
