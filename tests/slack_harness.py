"""A running Sereno-on-Slack for tests: the real bolt app and slack_sdk client
against FakeSlack, a real SQLite file, signed requests."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App, build
from handlers.slack.runner import EVENTS_PATH, SlackRuntime, web_app
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack, serve_web_app
from tests.support import wait_delivered

SECRET = "test-signing-secret"
USERS = {"U-lucia": "Lucía", "U-john": "John", "U-ana": "ana", "U-luis": "luis"}


def slack_settings(db: Path, fake: FakeSlack, **extra: str) -> Settings:
    env = {
        "SERENO_DB": str(db),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "SERENO_SLACK_CHANNELS": "C1",
        "SERENO_SLACK_AGENTS": "U-ana,U-luis",
        "SERENO_SLACK_POST_INTERVAL": "0s",
        "SERENO_SLACK_SOURCE_BOTS": "BFWD",
        **extra,
    }
    return Settings.from_env(env)


@dataclass
class Running:
    app: App
    runtime: SlackRuntime
    url: str
    fake: FakeSlack

    async def post(self, raw: bytes, headers: dict[str, str]) -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=raw, headers=headers) as response,
        ):
            return response.status, await response.text()

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None
    ) -> int:
        raw, headers = sp.json_request(SECRET, sp.event_body(event, event_id))
        if retry:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        status, _ = await self.post(raw, headers)
        return status

    async def command(self, text: str, user: str, channel: str = "C1") -> str:
        form = sp.slash_command_form("/complaint", text, user, channel, self.fake.response_url())
        raw, headers = sp.form_request(SECRET, form)
        before = len(self.fake.calls("respond"))
        status, _ = await self.post(raw, headers)
        assert status == 200
        await self.fake.wait_for("respond", count=before + 1)
        return str(self.fake.calls("respond")[-1].params["text"])

    async def click(self, action_id: str, value: str, user: str, message_ts: str) -> str:
        payload = sp.block_action_payload(
            action_id, value, user, "C1", message_ts, response_url=self.fake.response_url()
        )
        raw, headers = sp.interactive_request(SECRET, payload)
        before = len(self.fake.calls("respond"))
        status, _ = await self.post(raw, headers)
        assert status == 200
        await self.fake.wait_for("respond", count=before + 1)
        return str(self.fake.calls("respond")[-1].params["text"])

    async def interact(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        """Deliver an interaction (a click, a submitted form) as Slack does; the status and
        the acknowledgement's JSON body (None when it was empty)."""
        status, text = await self.post(*sp.interactive_request(SECRET, payload))
        return status, json.loads(text) if text.strip() else None

    async def delivered(self) -> None:
        """Wait until Sereno has recorded every queued Slack post as sent."""
        await wait_delivered(self.app.store, "slack")

    def posts(self, thread_ts: str | None = None) -> list[dict[str, Any]]:
        return [
            c.params
            for c in self.fake.calls("chat.postMessage", ok=True)
            if thread_ts is None or c.params.get("thread_ts") == thread_ts
        ]

    def posted_ts(self, title_start: str, thread_ts: str) -> str:
        for call in self.fake.calls("chat.postMessage", ok=True):
            if call.params.get("thread_ts") == thread_ts and str(
                call.params.get("text", "")
            ).startswith(title_start):
                return str(call.response["ts"])
        raise AssertionError(f"no post starting {title_start!r}")


@asynccontextmanager
async def running(
    settings: Settings, fake: FakeSlack, detector: LanguageDetector
) -> AsyncIterator[Running]:
    app = build(settings, detector=detector)
    runtime = SlackRuntime(app, socket_mode=False)
    runtime.start_drainer()
    try:
        async with serve_web_app(web_app(runtime.ingress, SECRET)) as root:
            yield Running(app, runtime, root + EVENTS_PATH, fake)
    finally:
        await runtime.stop()
        app.close()


def blocks_text(params: dict[str, Any]) -> str:
    raw = params.get("blocks")
    blocks = json.loads(raw) if isinstance(raw, str) else raw or []
    return json.dumps(blocks, ensure_ascii=False)
