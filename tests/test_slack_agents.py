"""Who is an agent on Slack is explicit: named people or `*` (every full member of the own
workspace), never someone of another organisation (Slack Connect), and a failed lookup
keeps whom the settings name. The real slack_sdk client against FakeSlack."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.base.cards import Card, CardKind
from bot.core.base.case import EventKind
from bot.core.base.model import StepState
from bot.core.base.ports import LanguageDetector
from bot.settings import EVERYONE, Settings, SettingsError
from handlers.slack.people import NOT_FOUND_TTL_SECONDS, SlackPeople
from handlers.slack.render import mention_text
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import USERS, Running, running, slack_settings
from tests.support import eventually

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SERENO_SLACK_CHANNELS": "C1"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The usual directory, plus a guest, a bot and two people of another organisation."""
    async with FakeSlack(users=USERS) as server:
        server.add_user("U-guest", "gus", is_restricted=True)
        server.add_user("U-solo", "sol", is_ultra_restricted=True)
        server.add_user("U-app", "helper", is_bot=True)
        server.add_user("U-ext", "eve", team_id="TOTHER", is_stranger=True)
        server.add_user("U-partner", "pat", team_id="TPARTNER")  # shared channel, no flag
        yield server


def people(
    fake: FakeSlack,
    agents: tuple[str, ...] = (),
    monotonic: Callable[[], float] | None = None,
    **kw: str,
) -> SlackPeople:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    if monotonic is None:
        return SlackPeople(client, agents, kw.get("group"), kw.get("lead"))
    return SlackPeople(client, agents, kw.get("group"), kw.get("lead"), monotonic=monotonic)


# ---------------------------------------------------------------- the start-up rule


def test_slack_without_agents_stops_start_up_with_one_line_explaining_the_choice() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(SLACK)
    line = str(refused.value)
    assert line.startswith("SERENO_SLACK_AGENTS: ") and "\n" not in line
    assert "SERENO_SLACK_AGENT_GROUP" in line and "SERENO_SLACK_AGENTS=*" in line


@pytest.mark.parametrize(
    "env",
    [
        {"SERENO_SLACK_AGENTS": "U1,U2"},
        {"SERENO_SLACK_AGENT_GROUP": "S1"},
        {"SERENO_SLACK_AGENTS": "*"},
    ],
    ids=["named", "a group", "everyone"],
)
def test_naming_agents_or_everyone_starts(env: dict[str, str]) -> None:
    assert Settings.from_env({**SLACK, **env}).platforms == ("slack",)


def test_everyone_is_a_star_alone_and_the_console_needs_no_agents() -> None:
    assert Settings.from_env({**SLACK, "SERENO_SLACK_AGENTS": " * "}).slack_agents == (EVERYONE,)
    with pytest.raises(SettingsError, match=r"^SERENO_SLACK_AGENTS: use \* alone"):
        Settings.from_env({**SLACK, "SERENO_SLACK_AGENTS": "*,U1"})
    assert Settings.from_env({}).platforms == ()  # no Slack token: nothing to choose


# ---------------------------------------------------------------- SlackPeople


async def test_named_agents_of_the_own_workspace_are_agents(fake: FakeSlack) -> None:
    who = people(fake, ("U-ana",))
    assert await who.is_agent("U-ana") and await who.is_named_agent("U-ana")
    assert not await who.is_agent("U-lucia")  # not named: a customer


@pytest.mark.parametrize("user", ["U-ext", "U-partner", "U-nobody"])
async def test_another_organisations_user_is_never_an_agent_even_when_named(
    fake: FakeSlack, user: str
) -> None:
    """is_stranger, another team_id, or users.info saying user_not_found (Slack Connect)."""
    named, everyone = people(fake, (user,)), people(fake, (EVERYONE,))
    assert not await named.is_agent(user) and not await named.is_named_agent(user)
    assert not await everyone.is_agent(user)


async def test_the_events_user_team_marks_an_outsider_without_a_lookup(fake: FakeSlack) -> None:
    who = people(fake, ("U-ana",))
    assert not await who.is_agent("U-ana", team="TOTHER")
    assert await who.is_agent("U-ana", team=fake.team_id)


async def test_everyone_means_full_members_of_the_own_workspace(fake: FakeSlack) -> None:
    who = people(fake, (EVERYONE,))
    assert await who.is_agent("U-lucia") and await who.is_agent("U-john")
    for user in ("U-guest", "U-solo", "U-app", "U-ext", "U-partner"):
        assert not await who.is_agent(user), user
    assert not await who.is_named_agent("U-lucia")  # `*` names nobody: her posts are complaints
    assert len(fake.calls("auth.test")) == 1  # the own team is asked once


async def test_a_failed_lookup_keeps_named_agents_and_verifies_nobody_by_star(
    fake: FakeSlack,
) -> None:
    fake.fail_next("users.info", 500, times=10)
    named, everyone = people(fake, ("U-ana",)), people(fake, (EVERYONE,))
    assert await named.is_agent("U-ana")  # the settings are explicit
    assert not await everyone.is_agent("U-luis")  # unverified: not yet
    fake._faults["users.info"].clear()
    assert await everyone.is_agent("U-luis")  # Slack answers: verified


async def test_auth_test_failing_keeps_named_agents_and_is_asked_again(fake: FakeSlack) -> None:
    fake.fail_next("auth.test", 500, times=4)  # two lookups, each tried twice
    named, everyone = people(fake, ("U-ana",)), people(fake, (EVERYONE,))
    assert await named.is_agent("U-ana")
    assert not await everyone.is_agent("U-luis")
    assert await everyone.is_agent("U-luis")


async def test_an_agent_group_counts_and_the_lead_may_be_a_user_or_a_group(
    fake: FakeSlack,
) -> None:
    fake.set_usergroup("SAGENTS", ["U-ana", "U-luis", "U-ext"])
    fake.set_usergroup("SLEADS", ["U-luis"])
    grouped = people(fake, group="SAGENTS", lead="SLEADS")
    assert await grouped.is_agent("U-luis") and not await grouped.is_agent("U-ext")
    assert (await grouped.actor("U-luis")).is_lead and not (await grouped.actor("U-ana")).is_lead
    one = people(fake, ("U-ana",), lead="U-ana")
    assert (await one.actor("U-ana")).is_lead and not (await one.actor("U-lucia")).is_lead


async def test_user_not_found_is_kept_a_few_minutes_and_logged_once_per_user(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """A Slack Connect user users.info cannot find costs one lookup per few minutes, not
    one per event, and one warning in all; each such user is told once."""
    caplog.set_level(logging.WARNING, logger="handlers.slack.people")
    now = [1000.0]
    who = people(fake, ("U-nobody",), monotonic=lambda: now[0])
    for _ in range(5):  # five events from them within the minute
        assert not await who.is_agent("U-nobody")
        assert (await who.actor("U-nobody")).name == "U-nobody"
    assert len(fake.calls("users.info")) == 1
    now[0] += NOT_FOUND_TTL_SECONDS + 1  # a few minutes on: Slack is asked again
    assert not await who.is_agent("U-nobody") and not await who.is_agent("U-nobody")
    assert len(fake.calls("users.info")) == 2
    fake.fail_next("users.info", 500, times=2)  # a stale verdict outlives a failed re-ask
    now[0] += NOT_FOUND_TTL_SECONDS + 1
    assert not await who.is_agent("U-nobody")
    assert await who.name("U-other") == "U-other"  # another unknown user: told too
    told = [r.getMessage() for r in caplog.records if "user_not_found" in r.getMessage()]
    assert len(told) == 2 and "U-nobody" in told[0] and "U-other" in told[1]
    fake.add_user("U-nobody", "nora")  # Slack finds them after all (the cache expired)
    now[0] += NOT_FOUND_TTL_SECONDS + 1
    assert (await who.actor("U-nobody")).name == "nora"


def test_pings_to_every_member_mention_here_not_a_star() -> None:
    ping = Card(CardKind.PING, "⏰", mentions=("agents",))
    assert mention_text(ping, (EVERYONE,), None, None) == "<!here>"


# ---------------------------------------------------------------- end to end


@pytest.fixture
async def slack(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> AsyncIterator[Running]:
    settings = slack_settings(db_path, fake, SERENO_SLACK_AGENTS="*")
    async with running(settings, fake, detector) as r:
        yield r


async def test_with_everyone_an_outsiders_check_mark_and_commands_do_nothing(
    slack: Running,
) -> None:
    ts = sp.next_ts()
    assert await slack.event(sp.message_event("C1", "U-lucia", EN, ts)) == 200
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)
    await slack.delivered()
    step_ts = slack.posted_ts("Step 1/", ts)
    await slack.event(sp.reaction_event(True, "U-ext", "white_check_mark", "C1", step_ts))
    await slack.event(sp.reaction_event(True, "U-guest", "white_check_mark", "C1", step_ts))
    for outsider in ("U-ext", "U-guest"):
        listed = await slack.command("list", outsider)
        assert listed.startswith("Only the support team can run Sereno commands"), listed
    await eventually(lambda: ignored(slack) == 2)
    assert slack.app.store.steps(1)[0].state is StepState.PENDING
    await slack.event(sp.reaction_event(True, "U-john", "white_check_mark", "C1", step_ts))
    await eventually(lambda: slack.app.store.steps(1)[0].state is StepState.DONE)


def ignored(slack: Running) -> int:
    """How many reactions case #1's timeline records as ignored."""
    return [e.kind for e in slack.app.store.events(1)].count(EventKind.REACTION_IGNORED)
