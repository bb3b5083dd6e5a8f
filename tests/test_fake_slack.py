"""FakeSlack against the real slack_sdk / slack_bolt clients (offline, 127.0.0.1 only)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

try:
    from tests.fakes import slack_payloads as sp
    from tests.fakes.slack_api import FakeSlack, clear_proxy_env, serve_web_app
except ModuleNotFoundError:  # repo root not on sys.path (plain `pytest`, no tests/__init__.py)
    from fakes import slack_payloads as sp
    from fakes.slack_api import FakeSlack, clear_proxy_env, serve_web_app

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxy_env(monkeypatch)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(users={"U1": "alice"}, usergroups={"S1": ["U1", "U2"]}) as fake:
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(base_url=fake.base_url, token=BOT_TOKEN)


@pytest.fixture
def app(fake: FakeSlack) -> AsyncApp:
    # Pass the token via the client only: AsyncApp warns "token will be unused" if both are given.
    return AsyncApp(
        signing_secret=SECRET, client=AsyncWebClient(base_url=fake.base_url, token=BOT_TOKEN)
    )


@pytest.fixture
async def bolt_url(app: AsyncApp) -> AsyncIterator[str]:
    async with serve_web_app(app.web_app()) as root:
        yield f"{root}/slack/events"


async def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as resp,
    ):
        return resp.status, await resp.text()


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


# ---------------------------------------------------------------------- (a) AsyncWebClient


async def test_post_message_is_recorded_with_increasing_ts(fake: FakeSlack, client):
    first = await client.chat_postMessage(channel="C1", text="hello", thread_ts="1.000100")
    second = await client.chat_postMessage(
        channel="C1",
        text="again",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
    )

    assert first["ok"] and first["channel"] == "C1"
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["thread_ts"] == "1.000100"
    calls = fake.calls("chat.postMessage")
    assert [c.params["text"] for c in calls] == ["hello", "again"]
    assert calls[0].token == BOT_TOKEN
    assert calls[0].headers["Content-Type"].startswith("application/json")
    assert calls[1].params["blocks"][0]["type"] == "section"
    assert calls[0].time <= calls[1].time
    assert ("C1", first["ts"]) in fake.messages


async def test_429_raises_slack_api_error_with_retry_after(fake: FakeSlack, client):
    fake.fail_next("chat.postMessage", status=429, retry_after=3)

    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="hi")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "3"
    assert err.value.response["error"] == "ratelimited"

    await client.chat_postMessage(channel="C1", text="hi")  # the fault was one-shot
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]
    assert len(fake.calls("chat.postMessage", ok=True)) == 1


async def test_500_and_api_errors(fake: FakeSlack, client):
    fake.fail_next("chat.update", status=500, times=2)
    fake.fail_next("reactions.add", status=200, error="channel_not_found")

    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.chat_update(channel="C1", ts="1.1", text="x")
        assert err.value.response.status_code == 500
    with pytest.raises(SlackApiError) as err:
        await client.reactions_add(channel="C1", timestamp="1.1", name="eyes")
    assert err.value.response["error"] == "channel_not_found"

    assert (await client.chat_update(channel="C1", ts="1.1", text="x"))["ok"]
    # The default retry handlers do not retry 500 or 429: one request per call.
    assert len(fake.calls("chat.update")) == 3


async def test_rate_mode_per_channel_sliding_window(fake: FakeSlack, client):
    fake.enforce_rate(per_channel_per_second=1)

    await client.chat_postMessage(channel="C1", text="1")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="2")
    assert err.value.response.headers["Retry-After"] == "1"
    await client.chat_postMessage(channel="C2", text="other channel")
    assert fake.rate_limited_count == 1

    # Three posts must land inside one window even on a busy machine: half a second.
    fake.enforce_rate(per_channel_per_second=2, window=0.5, retry_after=0)
    await client.chat_postMessage(channel="C1", text="a")
    await client.chat_postMessage(channel="C1", text="b")
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="c")
    assert err.value.response.headers["Retry-After"] == "0"
    deadline = time.monotonic() + 10
    while True:  # the window slides: a retry is accepted once it has passed
        try:
            await client.chat_postMessage(channel="C1", text="c")
            break
        except SlackApiError:
            assert time.monotonic() < deadline, "the rate window never slid"
            await asyncio.sleep(0.02)
    assert fake.rate_limited_count >= 2


async def test_other_web_api_methods(fake: FakeSlack, client):
    auth = await client.auth_test()
    assert (auth["user_id"], auth["bot_id"], auth["team_id"]) == ("UBOT", "BBOT", "T0001")

    posted = await client.chat_postMessage(channel="C1", text="v1")
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    assert updated["message"]["text"] == "v2" == fake.messages[("C1", posted["ts"])]["text"]
    eph = await client.chat_postEphemeral(channel="C1", user="U1", text="psst")
    assert float(eph["message_ts"]) > float(posted["ts"])
    await client.chat_delete(channel="C1", ts=posted["ts"])
    assert ("C1", posted["ts"]) not in fake.messages

    await client.reactions_add(channel="C1", timestamp="5.5", name="eyes")
    with pytest.raises(SlackApiError) as err:
        await client.reactions_add(channel="C1", timestamp="5.5", name="eyes")
    assert err.value.response["error"] == "already_reacted"
    await client.reactions_remove(channel="C1", timestamp="5.5", name="eyes")
    assert fake.reactions == set()

    assert (await client.users_info(user="U1"))["user"]["name"] == "alice"
    with pytest.raises(SlackApiError):
        await client.users_info(user="U404")
    fake.add_channel("C9", "support")
    assert (await client.conversations_info(channel="C9"))["channel"]["name"] == "support"
    assert (await client.conversations_info(channel="D1"))["channel"]["is_im"] is True
    assert (await client.usergroups_users_list(usergroup="S1"))["users"] == ["U1", "U2"]
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}
    view = await client.views_open(trigger_id=fake.new_trigger(), view=modal)
    assert view["view"]["id"] in fake.views

    unknown = await client.api_call("pins.add", params={"channel": "C1", "timestamp": "1.1"})
    assert unknown["ok"]
    assert fake.calls("pins.add")[0].params == {"channel": "C1", "timestamp": "1.1"}
    assert fake.calls("users.info")[0].http_method == "GET"  # params arrive as a query string


async def test_files_upload_v2_flow(fake: FakeSlack, client):
    result = await client.files_upload_v2(
        channel="C1", content="hello file", filename="notes.txt", title="Notes", thread_ts="1.1"
    )

    assert result["file"]["name"] == "notes.txt"
    assert [c.method for c in fake.records] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    stored = fake.files[result["file"]["id"]]
    assert (stored["data"], stored["channel_id"], stored["thread_ts"]) == (
        b"hello file",
        "C1",
        "1.1",
    )
    assert fake.calls("files.completeUploadExternal")[0].params["files"][0]["title"] == "Notes"


async def test_wait_for_times_out_and_reset_clears(fake: FakeSlack, client):
    await client.chat_postMessage(channel="C1", text="x")
    fake.fail_next("chat.postMessage")
    fake.reset()
    assert fake.calls() == [] and fake.messages == {}
    assert (await client.chat_postMessage(channel="C1", text="y"))["ok"]  # fault was cleared
    with pytest.raises(TimeoutError):
        await fake.wait_for("chat.delete", timeout=0.05)


# ---------------------------------------------------------------------- (b) Bolt over HTTP


async def test_bolt_http_event_reaches_listener_and_say_reaches_fake(
    fake: FakeSlack, app: AsyncApp, bolt_url: str
):
    @app.message("hello")
    async def greet(message, say):
        await say(text=f"hi <@{message['user']}>", thread_ts=message["ts"])

    body, headers = sp.json_request(
        SECRET, sp.event_body(sp.message_event("C1", "U1", "hello", "9.000100"))
    )
    status, _ = await _post(bolt_url, body, headers)

    assert status == 200
    [call] = await fake.wait_for("chat.postMessage")
    assert call.params["channel"] == "C1" and call.params["text"] == "hi <@U1>"
    assert call.params["thread_ts"] == "9.000100"
    assert call.token == BOT_TOKEN
    assert fake.calls("auth.test")  # AsyncApp authorizes lazily on the first request


async def test_bolt_http_ignores_own_bot_messages(fake: FakeSlack, app: AsyncApp, bolt_url: str):
    seen: list[str] = []

    @app.event("message")
    async def on_message(event):
        seen.append(event["text"])

    own = sp.message_event("C1", "UBOT", "from me", bot_id="BBOT")
    other = sp.message_event("C1", "U1", "from alice")
    # Bolt's self-event filter is middleware: it has decided before the 200 comes back.
    for event in (own, other):
        status, _ = await _post(bolt_url, *sp.json_request(SECRET, sp.event_body(event)))
        assert status == 200
    await _until(lambda: seen)
    assert seen == ["from alice"]


async def test_bolt_http_rejects_forged_and_stale_requests(fake: FakeSlack, bolt_url: str):
    raw, _ = sp.json_request(SECRET, sp.event_body(sp.message_event("C1", "U1", "hello")))
    forged = {"Content-Type": "application/json", **sp.sign("wrong-secret", raw)}
    stale = {"Content-Type": "application/json", **sp.sign(SECRET, raw, time.time() - 301)}

    assert (await _post(bolt_url, raw, forged))[0] == 401
    assert (await _post(bolt_url, raw, stale))[0] == 401
    assert fake.calls("chat.postMessage") == []


async def test_bolt_http_slash_command_ack_body_and_respond(
    fake: FakeSlack, app: AsyncApp, bolt_url: str
):
    @app.command("/sereno")
    async def sereno(ack, respond, command):
        await ack(f"on it: {command['text']}")
        await respond(text="done", response_type="ephemeral")

    form = sp.slash_command_form("/sereno", "help", "U1", "C1", fake.response_url("r1"))
    status, text = await _post(bolt_url, *sp.form_request(SECRET, form))

    assert (status, text) == (200, "on it: help")
    [call] = await fake.wait_for("respond")
    assert call.params["text"] == "done" and call.params["response_type"] == "ephemeral"
    assert fake.responses("r1") == [call.params]


async def test_bolt_http_block_action(fake: FakeSlack, app: AsyncApp, bolt_url: str):
    @app.action("calm")
    async def calm(ack, body, respond):
        await ack()
        await respond(text=f"chose {body['actions'][0]['value']}", replace_original=False)

    payload = sp.block_action_payload(
        "calm", "breathe", "U1", "C1", "7.000100", "6.000100", fake.response_url("r2")
    )
    status, _ = await _post(bolt_url, *sp.interactive_request(SECRET, payload))

    assert status == 200
    [call] = await fake.wait_for("respond")
    assert call.params["text"] == "chose breathe" and call.path.endswith("/r2")


# ---------------------------------------------------------------------- (c) Socket Mode


async def test_socket_mode_event_is_acked_and_say_reaches_fake(fake: FakeSlack, app: AsyncApp):
    retry_headers: list[object] = []

    @app.message("hello")
    async def greet(message, say, request):
        retry_headers.append(request.headers.get("x-slack-retry-num"))
        await say(text="hi from socket mode")

    @app.command("/sereno")
    async def sereno(ack):
        await ack("socket ack")

    # The handler's SocketModeClient uses app.client (and so its base_url) unless web_client=.
    handler = AsyncSocketModeHandler(app, app_token=APP_TOKEN)
    await handler.connect_async()
    try:
        [opened] = fake.calls("apps.connections.open")
        assert opened.token == APP_TOKEN

        envelope_id = await fake.push_envelope(
            "events_api", sp.event_body(sp.message_event("C1", "U1", "hello"))
        )
        assert await fake.wait_ack(envelope_id) == {"envelope_id": envelope_id}
        [call] = await fake.wait_for("chat.postMessage")
        assert call.params["channel"] == "C1" and call.params["text"] == "hi from socket mode"
        assert call.token == BOT_TOKEN

        form = sp.slash_command_form("/sereno", "", "U1", "C1", fake.response_url())
        cmd_id = await fake.push_envelope("slash_commands", form)
        ack = await fake.wait_ack(cmd_id)
        assert ack["payload"] == {"text": "socket ack"}
        # Quirk: a first delivery (retry_attempt 0) still gets an x-slack-retry-num header.
        assert retry_headers == [["0"]]
    finally:
        await handler.close_async()
