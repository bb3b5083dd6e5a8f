"""FakeSlack's fault injection by channel and for a while (used by the served delivery tests)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_unreachable import refusing, unreachable


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(base_url=fake.base_url, token="xoxb-test")


async def test_a_fault_for_one_channel_leaves_the_others_alone(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_next("chat.postMessage", 429, retry_after=2, channel="CA")
    assert (await client.chat_postMessage(channel="CB", text="b"))["ok"]
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="CA", text="a")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "2"
    assert (await client.chat_postMessage(channel="CA", text="a"))["ok"]  # used up
    assert [(c.params["channel"], c.status) for c in fake.calls("chat.postMessage")] == [
        ("CB", 200),
        ("CA", 429),
        ("CA", 200),
    ]


async def test_an_outage_fails_every_call_until_it_ends(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.fail_for("chat.postMessage", 0.3, 500)
    fake.fail_next("chat.postMessage", 200, error="not_in_channel", times=1, channel="CX")
    for _ in range(3):  # not used up by calls
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="CA", text="a")
        assert err.value.response.status_code == 500
    deadline = time.monotonic() + 5.0
    while True:
        try:
            await client.chat_postMessage(channel="CA", text="a")
            break
        except SlackApiError:
            assert time.monotonic() < deadline, "the outage did not end"
            await asyncio.sleep(0.02)
    with pytest.raises(SlackApiError) as err:  # a later fault is still pending
        await client.chat_postMessage(channel="CX", text="x")
    assert err.value.response["error"] == "not_in_channel"


async def test_unreachable_refuses_connections_then_listens_on_the_same_port(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    port, url = fake.port, f"{fake.base_url}auth.test"
    async with aiohttp.ClientSession() as session:
        async with session.post(url) as response:  # a kept-alive connection in the pool
            assert response.status == 200
        async with unreachable(fake):
            assert refusing(fake)
            with pytest.raises(aiohttp.ClientConnectionError):  # the open one is closed
                async with session.post(url) as response:
                    await response.read()
            with pytest.raises(ConnectionRefusedError):  # a new one is refused
                await asyncio.open_connection("127.0.0.1", port)
            with pytest.raises(aiohttp.ClientConnectionError):
                await client.auth_test()
        assert not refusing(fake) and fake.port == port
        async with session.post(url) as response:
            assert response.status == 200
    assert (await client.auth_test())["ok"]
    assert [c.method for c in fake.calls()] == ["auth.test", "auth.test", "auth.test"]


PROXY_PAGE = "<html><body><h1>503 Service Unavailable</h1></body></html>"


async def test_a_proxys_plain_text_page_instead_of_json_once_and_for_a_while(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.add_user("U1", "Ana")
    fake.fail_next("users.info", 503, body=PROXY_PAGE)
    url = f"{fake.base_url}users.info"
    async with aiohttp.ClientSession() as session, session.post(url, data={"user": "U1"}) as got:
        assert got.status == 503
        assert got.content_type == "text/html"
        assert await got.text() == PROXY_PAGE
    assert (await client.users_info(user="U1"))["user"]["name"] == "Ana"  # used up

    fake.fail_for("users.info", 0.3, 503, body="Service Unavailable", content_type="text/plain")
    for _ in range(2):  # not used up by calls
        with pytest.raises(SlackApiError) as err:
            await client.users_info(user="U1")
        assert err.value.response.status_code == 503
        data = err.value.response.data  # slack_sdk's reading of a body that is not JSON
        assert not isinstance(data, dict) or "error" not in data, data
    await asyncio.sleep(0.35)
    assert (await client.users_info(user="U1"))["ok"]
    fake.fail_next("users.info", 503, body=PROXY_PAGE, content_type="application/json")
    with pytest.raises(SlackApiError, match="non-JSON"):  # a page that says it is JSON
        await client.users_info(user="U1")
    recorded = [(c.status, c.text, c.ok) for c in fake.calls("users.info")]
    assert recorded == [
        (503, PROXY_PAGE, False),
        (200, None, True),
        (503, "Service Unavailable", False),
        (503, "Service Unavailable", False),
        (200, None, True),
        (503, PROXY_PAGE, False),
    ]
