"""`assign` gives a case to a real account: a mention's id, never a typed name on a chat
platform, and the assignee's pings mention that id.

The Slack tests run the real bolt app and slack_sdk against FakeSlack, with signed
slash commands whose text is escaped as the shipped manifest tells Slack to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.core.base.ports import LanguageDetector
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.wiring import App
from tests.conftest import AGENT, complaint
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_manifest import typed_command_form
from tests.slack_harness import SECRET, Running, running, slack_settings

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
USERS = {"U-lucia": "Lucía", "U-luis": "luis", "U123": "ana"}


def _assign(app: App, text: str, **where: bool) -> tuple[bool, str, str | None]:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    reply = run(
        app.engine, app.times, f"assign #{case.id} {text}", Context(AGENT, "test", "C1", **where)
    )
    stored = app.store.get_case(case.id)
    assert stored is not None
    return reply.ok, reply.text, stored.assignee_id


def test_a_mention_stores_its_id_and_name(app: App) -> None:
    ok, text, assignee = _assign(app, "<@U123|ana>", bare_names=False)
    assert ok and assignee == "U123" and "assigned to ana" in text
    case = app.store.get_case(1)
    assert case is not None and case.assignee_name == "ana"


def test_a_discord_style_mention_without_a_name_keeps_working(app: App) -> None:
    ok, _, assignee = _assign(app, "<@112233445566778899>", bare_names=False)
    assert ok and assignee == "112233445566778899"


@pytest.mark.parametrize("typed", ["@ana", "ana"])
def test_a_typed_name_on_a_chat_platform_is_refused_politely(app: App, typed: str) -> None:
    ok, text, assignee = _assign(app, typed, bare_names=False)
    assert not ok and assignee is None
    assert "pick the person from the list" in text and "'ana'" in text


def test_in_the_console_a_name_is_the_id(app: App) -> None:
    ok, _, assignee = _assign(app, "ana")  # Context's default: bare names are ids
    assert ok and assignee == "ana"


# ---------------------------------------------------------------------- Slack, end to end


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(users=USERS) as server:
        yield server


@pytest.fixture
async def slack(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> AsyncIterator[Running]:
    settings = slack_settings(
        db_path,
        fake,
        SERENO_SLACK_AGENTS="U-luis,U123",
        SERENO_FOLLOWUP_AFTER="0s",
        SERENO_SLACK_PING_DM="true",
    )
    async with running(settings, fake, detector) as r:
        yield r


async def _open(slack: Running) -> str:
    ts = sp.next_ts()
    assert await slack.event(sp.message_event("C1", "U-lucia", EN, ts)) == 200
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)
    return ts


async def _typed(slack: Running, typed: str, *, should_escape: bool | None = None) -> str:
    """Send what an agent typed after /complaint, signed, as Slack would; the reply."""
    form = typed_command_form(
        slack.fake, "/complaint", typed, "U-luis", "C1", should_escape=should_escape
    )
    raw, headers = sp.form_request(SECRET, form)
    before = len(slack.fake.calls("respond"))
    async with (
        aiohttp.ClientSession() as session,
        session.post(slack.url, data=raw, headers=headers) as response,
    ):
        assert response.status == 200
    await slack.fake.wait_for("respond", count=before + 1)
    return str(slack.fake.calls("respond")[-1].params["text"])


async def test_assign_at_ana_reaches_ana_in_her_pings(slack: Running) -> None:
    ts = await _open(slack)
    form = typed_command_form(slack.fake, "/complaint", "assign #1 @ana", "U-luis", "C1")
    assert form["text"] == "assign #1 <@U123|ana>"  # what Slack sends with should_escape
    assert "#1 is now assigned to ana." in await _typed(slack, "assign #1 @ana")
    case = slack.app.store.get_case(1)
    assert case is not None and (case.assignee_id, case.assignee_name) == ("U123", "ana")
    assert "#1 resolved by luis" in await _typed(slack, "resolve #1 refund sent")
    assert slack.app.scheduler.tick() == 1  # the follow-up is due at once (0s)
    slack.app.engine.notify()
    pings = await slack.fake.wait_for(
        "chat.postMessage", ok=True, where=lambda c: "<@U123>" in str(c.params.get("text"))
    )
    assert (
        pings[0].params["thread_ts"] == ts
        and "Follow up with the customer" in pings[0].params["text"]
    )
    await slack.fake.wait_for(
        "chat.postMessage", ok=True, where=lambda c: c.params["channel"] == "U123"
    )


async def test_a_mention_without_a_name_is_named_from_slack(slack: Running) -> None:
    await _open(slack)
    assert "assigned to ana" in await _typed(slack, "assign #1 <@U123>", should_escape=False)
    case = slack.app.store.get_case(1)
    assert case is not None and (case.assignee_id, case.assignee_name) == ("U123", "ana")


@pytest.mark.parametrize("typed", ["assign #1 @ana", "assign #1 @nobody"])
async def test_an_unresolved_name_is_refused_with_how_to_pick_the_person(
    slack: Running, typed: str
) -> None:
    """Escaping off (an old manifest) or a name Slack cannot resolve: nobody is stored."""
    await _open(slack)
    answer = await _typed(slack, typed, should_escape=typed.endswith("@nobody"))
    assert "Type @ and pick the person from the list" in answer
    case = slack.app.store.get_case(1)
    assert case is not None and case.assignee_id is None


async def test_escaped_text_is_stored_as_typed(slack: Running) -> None:
    await _open(slack)
    assert "Noted" in await _typed(
        slack, "note #1 refund < 50 & shipping > 5, see https://x.example/o?id=1"
    )
    notes = [e.details["text"] for e in slack.app.store.events(1) if e.kind.value == "note"]
    assert notes == ["refund < 50 & shipping > 5, see https://x.example/o?id=1"]
