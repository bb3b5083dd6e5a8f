"""A burst of complaints through the served process: posting starts while it is still being
taken (issue 15, "burst"): the first case's cards go out before the burst's last event is
acknowledged, and every complaint of the burst is guided in the end, each in its thread.

Ordering, not timing: which came first is read from the fake's own record of the first
post and the moments this process heard each acknowledgement; no duration is asserted.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from tests.acceptance.chat import COMPLAINT, GUIDANCE_WITHIN, timing_settings
from tests.acceptance.served import Served, until
from tests.acceptance.slack_chat import EVENTS_PATH, ROOMS, SECRET, USERS, SlackChat
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
BURST = 300  # complaints sent at once, each from a customer of their own
ROOM = ROOMS[0]
CUSTOMERS = {f"U-burst{n:03d}": f"Customer {n}" for n in range(BURST)}
ALL_GUIDED_WITHIN = 300.0  # generous: 900 posts in one channel, two cores shared


def first_posts(fake: FakeSlack, stamps: set[str]) -> dict[str, float]:
    """When each complaint's thread got its first post, as the fake received it."""
    first: dict[str, float] = {}
    for call in fake.calls("chat.postMessage", ok=True):
        thread = str(call.params.get("thread_ts"))
        if thread in stamps:
            first.setdefault(thread, call.time)
    return first


async def send_burst(url: str, requests: list[tuple[bytes, dict[str, str]]]) -> list[float]:
    """Send every request at once; when each acknowledgement (200) arrived."""
    acked: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        async def send(raw: bytes, headers: dict[str, str]) -> None:
            async with session.post(url, data=raw, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            acked.append(time.monotonic())

        await asyncio.gather(*(send(raw, headers) for raw, headers in requests))
    return acked


async def test_a_bursts_first_post_goes_before_its_last_event_is_acknowledged(
    tmp_path: Path,
) -> None:
    async with FakeSlack(users={**USERS, **CUSTOMERS}) as fake:
        chat = SlackChat(fake, socket_mode=False)
        config = {
            **chat.settings(),
            **timing_settings(),
            "SERENO_DB": str(tmp_path / "burst.db"),
            "SERENO_FIRST_RESPONSE": "1h",  # no ping takes a turn in the channel
        }
        chat.attach(Served(tmp_path, config))
        try:
            await chat.start()
            warm = await chat.post_complaint(ROOM, COMPLAINT)  # the first loads the models
            await until(
                lambda: first_posts(fake, {warm}),
                timeout=GUIDANCE_WITHIN,
                what="the warm-up complaint's first post",
                served=chat.served,
            )
            events = [
                sp.message_event(ROOM, customer, COMPLAINT, sp.next_ts()) for customer in CUSTOMERS
            ]
            stamps = {str(event["ts"]) for event in events}
            requests = [sp.json_request(SECRET, sp.event_body(event)) for event in events]
            url = f"http://127.0.0.1:{chat.port}{EVENTS_PATH}"

            acked = await send_burst(url, requests)

            guided = await until(
                lambda: (f := first_posts(fake, stamps)) and len(f) == BURST and f,
                timeout=ALL_GUIDED_WITHIN,
                what=lambda: f"{len(first_posts(fake, stamps))} of {BURST} complaints guided",
                served=chat.served,
            )
            first_post = min(guided.values())
            assert first_post < max(acked), (
                f"the burst's first post came after all {BURST} acknowledgements: "
                "posting waited for the whole burst to be taken"
            )
        finally:
            await chat.served.close()
