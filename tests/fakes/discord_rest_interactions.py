"""The fake Discord's interaction routes: callbacks, follow-ups and webhook messages."""

from __future__ import annotations

from typing import Any

from . import discord_payloads as p
from .discord_records import (
    ALREADY_ACKNOWLEDGED,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    RecordedFile,
    RecordedRequest,
)


class InteractionRoutesMixin:
    """`FakeDiscord`'s REST handlers under ``/interactions`` and ``/webhooks``."""

    async def _callback(self, rec: RecordedRequest, iid: str, token: str) -> tuple[int, Any]:
        state = self.interactions.get(int(iid))
        if state is None or state["payload"]["token"] != token:
            return 404, UNKNOWN_INTERACTION
        if state["acked"]:
            return 400, ALREADY_ACKNOWLEDGED
        kind, data = (rec.json or {}).get("type"), (rec.json or {}).get("data") or {}
        if kind == 9 and (refused := self._modal_refusal(state, data)) is not None:
            return 400, refused
        state["acked"] = True
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
