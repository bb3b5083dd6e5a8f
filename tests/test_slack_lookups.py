"""Name lookups never block a complaint: users.info failing still opens the case."""

from __future__ import annotations

import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from handlers.slack.people import SlackPeople
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import serve_web_app
from tests.slack_harness import Running
from tests.support import free_port

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."


async def _complaint_opens(slack: Running, user: str = "U-lucia") -> str:
    ts = sp.next_ts()
    assert await slack.event(sp.message_event("C1", user, EN, ts)) == 200
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True, timeout=15)
    case = slack.app.store.find_case_by_message("slack", "C1", ts)
    assert case is not None
    return case.customer_name


@pytest.mark.parametrize("status", [500, 503])
async def test_users_info_failing_falls_back_to_the_id(slack: Running, status: int) -> None:
    slack.fake.fail_next("users.info", status, times=10)
    assert await _complaint_opens(slack) == "U-lucia"
    slack.fake._faults["users.info"].clear()  # Slack is back: the next event learns the name
    assert "resolved" in await slack.command("resolve #1", "U-ana")  # else hers would join #1
    # resolving posts #1's "Once it's solved" card (issue 13): the new case's posts follow it
    await slack.fake.wait_for("chat.postMessage", count=4, ok=True, timeout=15)
    await slack.delivered()
    assert "Once it's solved" in slack.posts()[-1]["text"]
    ts = sp.next_ts()
    assert await slack.event(sp.message_event("C1", "U-lucia", EN + " again", ts)) == 200
    await slack.fake.wait_for("chat.postMessage", count=4 + 3, ok=True, timeout=15)
    assert [p["text"].split(" ")[0] for p in slack.posts(ts)] == ["Case", "Step", "Suggested"]
    case = slack.app.store.find_case_by_message("slack", "C1", ts)
    assert case is not None and case.customer_name != "U-lucia"


@pytest.mark.parametrize("answer", ["plain-text 503", "connection refused"])
async def test_a_lookup_that_cannot_get_json_falls_back_to_the_id(answer: str) -> None:
    async def proxy_page(request: web.Request) -> web.Response:
        return web.Response(status=503, text="<html>Service Unavailable</html>")

    application = web.Application()
    application.router.add_route("*", "/api/users.info", proxy_page)
    async with serve_web_app(application) as root:
        url = root + "/api/" if answer == "plain-text 503" else f"http://127.0.0.1:{free_port()}/"
        people = SlackPeople(AsyncWebClient(token="xoxb-test", base_url=url), (), None)
        assert await people.name("U-lucia") == "U-lucia"
        assert "U-lucia" not in people._members  # not cached: asked again next time
