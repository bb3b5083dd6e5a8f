"""Socket Mode into the inbox: the envelope is acknowledged only once its payload is written.

Its own module so that Slack's HTTP mode (`sereno slack --http`) never imports the Socket
Mode client and its websocket stack: the runner imports it only when Socket Mode runs.
"""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from handlers.slack.ingress import EVENTS, SlackIngress, Taken, unavailable
from handlers.slack.turns import Turns


class InboxSocketModeHandler(AsyncSocketModeHandler):
    """Socket Mode with the acknowledgement after the event is written."""

    def __init__(
        self, bolt: AsyncApp, app_token: str, ingress: SlackIngress, turns: Turns | None = None
    ) -> None:
        super().__init__(bolt, app_token)
        self.ingress = ingress
        self.turns = turns or Turns()  # a burst is kept a slice per turn of the loop

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        """Keep the envelope's payload, then acknowledge it (or, for an event that could
        not be kept, leave it unacknowledged so Slack delivers it again)."""
        await self.turns.wait()
        answered = await self.ingress.answered(req.type, req.payload)
        if answered is not None:
            response = SocketModeResponse(req.envelope_id, answered.payload)
            await client.send_socket_mode_response(response)
            return
        taken = self.ingress.take(req.type, req.payload)
        if taken is Taken.UNAVAILABLE:
            if req.type == EVENTS:
                return
            answer = unavailable(req.payload)
            await client.send_socket_mode_response(SocketModeResponse(req.envelope_id, answer))
            return
        await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
