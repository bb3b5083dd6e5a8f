"""The fake Slack's Socket Mode: the ``/link`` websocket, envelopes, acks, disconnects."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import WSMsgType, web


class SocketModeMixin:
    """`FakeSlack`'s Socket Mode server side (connect via ``apps.connections.open``)."""

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

    async def wait_connected(self, timeout: float = 10.0) -> None:
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
        timeout: float = 10.0,
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

    async def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
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
