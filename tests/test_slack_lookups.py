"""Name lookups never block a complaint: users.info failing still opens the case."""

from __future__ import annotations

import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from handlers.slack.people import SlackPeople
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack, serve_web_app
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


async def test_a_kept_message_s_author_is_looked_up_once_from_the_moment_it_is_kept(
    slack: Running,
) -> None:
    """The lookup starts as the message is kept (before it is worked), and the listener
    takes that answer instead of asking again; a bot's message starts none."""
    people = slack.runtime.people
    ts = sp.next_ts()
    assert await slack.event(sp.message_event("C1", "U-john", EN, ts)) == 200
    assert "U-john" in people._lookups or "U-john" in people._members  # under way at the ack
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True, timeout=15)
    case = slack.app.store.find_case_by_message("slack", "C1", ts)
    assert case is not None and case.customer_name == "John"
    assert [c.params["user"] for c in slack.fake.calls("users.info")].count("U-john") == 1
    bot = sp.message_event("C1", "U-luis", "a bot's line", sp.next_ts()) | {"bot_id": "B-other"}
    assert await slack.event(bot) == 200
    assert "U-luis" not in people._lookups and "U-luis" not in people._members


async def test_warming_up_looks_up_a_few_people_at_once_and_each_once(fake: FakeSlack) -> None:
    people = SlackPeople(AsyncWebClient(token="xoxb-test", base_url=fake.base_url), (), None)
    for user in ("U-lucia", "U-lucia", "U-john", "U-ana", "U-luis", "U-nobody", "U-late"):
        people.warm(user)
    assert sorted(people._lookups) == sorted(["U-lucia", "U-john", "U-ana", "U-luis"])
    names = [await people.name(u) for u in ("U-lucia", "U-john", "U-ana", "U-luis", "U-late")]
    assert names == ["Lucía", "John", "ana", "luis", "U-late"]
    assert len(fake.calls("users.info")) == 5 and people._lookups == {}
    people.warm("U-lucia")  # known: nothing to ask
    assert people._lookups == {} and len(fake.calls("users.info")) == 5
    await people.client.close()


def test_warming_up_outside_a_running_loop_does_nothing() -> None:
    people = SlackPeople(
        AsyncWebClient(token="xoxb-test", base_url="http://127.0.0.1:9/"), (), None
    )
    people.warm("U-lucia")
    assert people._lookups == {}
