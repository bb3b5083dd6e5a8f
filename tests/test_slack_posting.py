"""Sereno's own path for plain JSON calls, chat.postMessage and chat.update
(`PooledWebClient.api_call`).

It must put on the wire exactly what slack_sdk's own `chat_postMessage` / `chat_update`
would (headers and body, byte for byte), and answer errors as slack_sdk does: an
`ok: false`, a 429, a proxy's page, a connection dropped once (retried by slack_sdk's
default handler).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.base.cards import Action, ActionId, Card, CardKind
from bot.core.base.outbox import OutboxItem, PermanentError, RateLimited, TransientError
from handlers.slack import pooled
from handlers.slack.messenger import SlackMessenger
from handlers.slack.pooled import PooledWebClient
from handlers.slack.render import blocks, fallback_text, message
from tests.support import free_port

CARD = Card(
    kind=CardKind.STEP,
    title="Step 1/14 · Pause before you answer",
    lines=("Read the message twice — «despacio» & <calm>", "🔥🔥🔥 intensity 3/3"),
    quote="Lucía, soy [su nombre].",
    actions=(Action(ActionId.STEP_DONE, "Done ✅", "1:pause"),),
    footer="React ✅ when done",
)


class Recorder:
    """A Web API stand-in that keeps each request's raw headers and body."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, list[tuple[str, str]], bytes]] = []
        self.answers: list[Any] = []  # queued answers; default: ok with a ts

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = [(k.decode(), v.decode()) for k, v in request.raw_headers]
        self.requests.append((request.method + " " + request.path_qs, headers, body))
        answer = self.answers.pop(0) if self.answers else None
        if answer == "drop":
            assert request.transport is not None
            request.transport.close()  # the kept-alive connection dies under the call
            return web.Response()
        if isinstance(answer, web.Response):
            return answer
        return web.json_response(answer or {"ok": True, "ts": f"1.{len(self.requests):06d}"})


async def _not_slack_sdks_path(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a plain JSON call took slack_sdk's own path")


@pytest_asyncio.fixture
async def slack() -> AsyncIterator[tuple[Recorder, PooledWebClient]]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_route("*", "/api/{method}", recorder.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    client = PooledWebClient(token="xoxb-test", base_url=f"http://127.0.0.1:{port}/api/")
    try:
        yield recorder, client
    finally:
        await client.close()
        await runner.cleanup()


def _item(thread: str | None = "1700000000.000100", edit_target: str | None = None) -> OutboxItem:
    return OutboxItem(
        id=7,
        platform="slack",
        channel_id="C1",
        thread_id=thread,
        case_id=1,
        card=CARD,
        step_id="pause",
        edit_of=3 if edit_target else None,
        edit_target=edit_target,
        attempts=0,
    )


def _slack_sdk(client: PooledWebClient) -> AsyncWebClient:
    """slack_sdk's own client, to the same place."""
    return AsyncWebClient(token=client.token, base_url=client.base_url)


@pytest.mark.parametrize("thread", ["1700000000.000100", None])
async def test_a_post_is_the_bytes_slack_sdk_sends(
    slack: tuple[Recorder, PooledWebClient], thread: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, client = slack
    monkeypatch.setattr(PooledWebClient, "_send", _not_slack_sdks_path)
    messenger = SlackMessenger(client, post_interval=0)
    ts = await messenger.send(_item(thread))
    await _slack_sdk(client).chat_postMessage(
        channel="C1",
        thread_ts=thread,
        text=fallback_text(CARD),
        blocks=blocks(CARD),
        unfurl_links=False,
        unfurl_media=False,
    )
    ours, sdks = recorder.requests
    assert ts == "1.000001"
    assert ours == sdks
    assert ours[0] == "POST /api/chat.postMessage"
    assert (b'"thread_ts"' in ours[2]) is (thread is not None)


async def test_an_edit_is_the_bytes_slack_sdk_sends(
    slack: tuple[Recorder, PooledWebClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, client = slack
    monkeypatch.setattr(PooledWebClient, "_send", _not_slack_sdks_path)
    messenger = SlackMessenger(client, post_interval=0)
    assert await messenger.send(_item(edit_target="1.5")) == "1.5"
    await _slack_sdk(client).chat_update(
        channel="C1", ts="1.5", text=fallback_text(CARD), blocks=blocks(CARD)
    )
    ours, sdks = recorder.requests
    assert ours == sdks
    assert ours[0] == "POST /api/chat.update"


async def test_debug_logging_takes_slack_sdks_own_path(
    slack: tuple[Recorder, PooledWebClient], caplog: pytest.LogCaptureFixture
) -> None:
    recorder, client = slack
    with caplog.at_level(logging.DEBUG, logger="slack_sdk"):
        await SlackMessenger(client, post_interval=0).send(_item())
    assert any("Sending a request" in r.getMessage() for r in caplog.records)
    assert len(recorder.requests) == 1


async def test_a_slack_sdk_without_the_helpers_takes_its_own_path(
    slack: tuple[Recorder, PooledWebClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, client = slack

    async def never(*_args: Any) -> None:
        raise AssertionError("the plain path ran without slack_sdk's helpers")

    monkeypatch.setattr(pooled, "PLAIN_PATH", False)
    monkeypatch.setattr(PooledWebClient, "_send_plain", never)
    assert await SlackMessenger(client, post_interval=0).send(_item())
    assert len(recorder.requests) == 1


async def test_slack_refusals_map_as_before(slack: tuple[Recorder, PooledWebClient]) -> None:
    recorder, client = slack
    messenger = SlackMessenger(client, post_interval=0)
    recorder.answers = [
        {"ok": False, "error": "channel_not_found"},
        web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                          headers={"Retry-After": "7"}),
        web.Response(status=502, text="<html>Bad gateway</html>", content_type="text/html"),
        web.Response(status=200, text="{not json", content_type="application/json"),
        {"ok": False, "error": "internal_error"},
    ]  # fmt: skip
    with pytest.raises(PermanentError, match="channel_not_found"):
        await messenger.send(_item())
    with pytest.raises(RateLimited) as limited:
        await messenger.send(_item())
    assert limited.value.retry_after == 7.0
    with pytest.raises(TransientError, match="502"):
        await messenger.send(_item())
    with pytest.raises(TransientError, match="no JSON body"):
        await messenger.send(_item())
    with pytest.raises(TransientError, match="internal_error"):
        await messenger.send(_item())
    with pytest.raises(SlackApiError) as raw:
        recorder.answers = [{"ok": False, "error": "msg_too_long"}]
        await client.api_call("chat.postMessage", json={"channel": "C1", "text": "x"})
    assert raw.value.response["error"] == "msg_too_long"


async def test_a_dropped_connection_is_tried_once_more(
    slack: tuple[Recorder, PooledWebClient],
) -> None:
    recorder, client = slack
    messenger = SlackMessenger(client, post_interval=0)
    await messenger.send(_item())  # a kept-alive connection to lose
    recorder.answers = ["drop"]
    ts = await asyncio.wait_for(messenger.send(_item()), timeout=10)
    assert ts == "1.000003"
    assert len(recorder.requests) == 3
    assert recorder.requests[1] == recorder.requests[2]  # the same request, sent again


@pytest.mark.parametrize(
    "card",
    [
        CARD,
        Card(CardKind.OPENER, "Case #2 · from Ana", ("in C1",), "plain words", footer="link"),
        Card(CardKind.NOTICE, "Tom & Jerry <@U1>", ("a &amp; b", "x > y"), footer="<!here>"),
        Card(CardKind.REPLY, "Hola, Lucía", footer="— ana"),
    ],
)
@pytest.mark.parametrize("link", [None, "https://example.slack.com/archives/C1/p1"])
def test_message_is_the_fallback_text_and_the_blocks(card: Card, link: str | None) -> None:
    assert message(card, "<@U9>", link) == (
        fallback_text(card, "<@U9>", link),
        blocks(card, "<@U9>", link),
    )
    text, shown = message(card, "", link)
    assert "<@U1>" not in text and "<@U1>" not in str(shown)  # still escaped


async def test_a_lookup_is_the_request_slack_sdk_sends(
    slack: tuple[Recorder, PooledWebClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, client = slack
    recorder.answers = [{"ok": True, "user": {"id": "U1", "name": "ana"}}] * 2
    monkeypatch.setattr(PooledWebClient, "_send", _not_slack_sdks_path)
    ours = await client.users_info(user="U1")
    await _slack_sdk(client).users_info(user="U1")
    assert ours["user"]["name"] == "ana"
    mine, sdks = recorder.requests
    assert mine == sdks
    assert mine[0] == "GET /api/users.info?user=U1"


async def test_a_lookups_server_error_is_tried_once_more_as_its_handler_says(
    slack: tuple[Recorder, PooledWebClient],
) -> None:
    """people.py's lookup client: one more try after a 5xx or a dropped connection."""
    recorder, pooled = slack
    client = PooledWebClient(
        token=pooled.token,
        base_url=pooled.base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )
    try:
        recorder.answers = [
            web.json_response({"ok": False, "error": "fatal_error"}, status=500),
            {"ok": True, "user": {"id": "U1", "name": "ana"}},
            web.json_response({"ok": False, "error": "fatal_error"}, status=503),
            web.json_response({"ok": False, "error": "fatal_error"}, status=503),
        ]
        assert (await client.users_info(user="U1"))["user"]["name"] == "ana"
        assert len(recorder.requests) == 2
        with pytest.raises(SlackApiError) as failed:
            await client.users_info(user="U1")
        assert failed.value.response.status_code == 503
        assert len(recorder.requests) == 4  # one more try, not more
    finally:
        await client.close()


async def test_a_handler_of_its_own_sees_every_answer(
    slack: tuple[Recorder, PooledWebClient],
) -> None:
    """A retry handler that is not one of slack_sdk's is shown every answer, as slack_sdk
    shows it (here: one that retries an answer saying `ok: false` with HTTP 200)."""
    from slack_sdk.http_retry.async_handler import AsyncRetryHandler
    from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

    class Now(RetryIntervalCalculator):
        def calculate_sleep_duration(self, current_attempt: int) -> float:
            return 0.0

    class NotOk(AsyncRetryHandler):
        async def _can_retry_async(self, *, state, request, response=None, error=None):  # type: ignore[no-untyped-def]
            return response is not None and response.body is not None and not response.body["ok"]

    recorder, pooled = slack
    client = PooledWebClient(
        token=pooled.token,
        base_url=pooled.base_url,
        retry_handlers=[NotOk(max_retry_count=1, interval_calculator=Now())],
    )
    try:
        recorder.answers = [{"ok": False, "error": "not_yet"}, {"ok": True, "user": {"id": "U1"}}]
        assert (await client.users_info(user="U1"))["user"]["id"] == "U1"
        assert len(recorder.requests) == 2
    finally:
        await client.close()
