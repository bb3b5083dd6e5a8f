"""No pings from customer text on Discord (issue 10, item 5).

A customer named `@everyone Mallory` writes `@everyone`, `@here` and mentions of an
agent, a role and the owner into a complaint. The fake works out whom each message
Sereno posts notifies, as Discord does from `allowed_mentions`: only the ping's
mention of the agents' role may notify, and no answer to a command notifies anyone.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from tests.discord_harness import command, guidance, sereno
from tests.fakes.discord_api import FakeDiscord
from tests.support import eventually


async def test_customer_text_never_notifies_anyone_on_discord(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    w = fake.world
    agents = str(w.role_id("Agents"))
    w.roles["Agents"]["mentionable"] = True  # so the ping's own role mention does notify
    w.add_user("mallory", "mallory", global_name="@everyone Mallory")
    agent, owner = w.user_id("agent"), w.user_id("owner")
    text = (
        f"@everyone @here <@{agent}> <@!{owner}> <@&{agents}> my order 48213 arrived broken "
        "and nobody answers my emails. I want a refund now!"
    )
    settings = settings_for(SERENO_FIRST_RESPONSE="0s", SERENO_DISCORD_AGENT_ROLE=agents)
    async with sereno(fake, settings, detector) as app:
        msg = await fake.user_message(text, author="mallory")
        await guidance(fake, msg["id"], count=3)
        case = await eventually(lambda: app.store.find_case_by_thread("discord", msg["id"]))
        assert app.scheduler.tick() == 1  # the first-response ping, for the agents' role
        app.engine.notify()
        await guidance(fake, msg["id"], count=4)
        shown = await command(fake, "show", {"case": case.id})
        listed = await command(fake, "list")
    bot = str(w.user_id("bot"))
    ours = [m for m in fake.messages.values() if m["author"]["id"] == bot]
    assert len(ours) >= 4
    for message in ours:
        assert message["mention_everyone"] is False, message
        assert message["mentions"] == [], message
        pinged = message["mention_roles"]
        assert pinged == ([agents] if message["content"] == f"<@&{agents}>" else []), message
    assert sum(1 for m in ours if m["mention_roles"]) == 1
    # the complaint is shown to the agent as written, with nothing allowed to notify
    assert "@everyone @here" in shown["data"]["content"]
    assert "@everyone Mallory" in listed["data"]["content"]
    for answer in (shown, listed):
        assert answer["data"]["allowed_mentions"]["parse"] == []
        assert not answer["data"]["allowed_mentions"].get("users")
        assert not answer["data"]["allowed_mentions"].get("roles")
