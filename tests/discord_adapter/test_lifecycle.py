"""Life-cycle verbs on Discord (issue 13 item 4), with discord.py against FakeDiscord (which
refuses a command sync Discord would refuse): `/complaint dismiss` and `/complaint split`
are application subcommands, and the customer's second message in #support joins her case
until an agent splits it off."""

from __future__ import annotations

from bot.core.base.model import Status
from bot.wiring import App
from tests.discord_harness import ENGLISH, command, guidance, open_complaint
from tests.fakes.discord_api import FakeDiscord
from tests.support import eventually

LATER = "Also my other order 7788 never came at all, that is a different problem!"


async def test_dismiss_and_split_are_subcommands(fake: FakeDiscord, app: App) -> None:
    [sync] = fake.requests("PUT", "/commands")
    [group] = [c for c in sync.json if c["name"] == "complaint"]
    names = {option["name"] for option in group["options"]}
    assert {"dismiss", "split"} <= names and len(group["options"]) <= 25
    msg, case_id = await open_complaint(fake, app, ENGLISH)
    later = await fake.user_message(LATER)
    await eventually(lambda: app.store.events(case_id)[-1].details.get("joined"))
    [*_, notice] = await guidance(fake, msg["id"], count=4)
    assert notice == f"Casey wrote again outside the thread: added to #{case_id}"
    split = await command(fake, "split", channel=msg["id"])
    assert split["data"]["content"].startswith(f"Split off from #{case_id}: ")
    new = await eventually(lambda: app.store.find_case_by_message("discord", *_where(app, later)))
    assert new.text == LATER
    dismissed = await command(fake, "dismiss", {"case": new.id, "why": "a duplicate"})
    assert dismissed["data"]["content"].startswith(f"#{new.id} dismissed by ")
    assert app.store.get_case(new.id).status is Status.DISMISSED  # type: ignore[union-attr]


def _where(app: App, message: dict) -> tuple[str, str]:
    """(channel id, message id) of a message in #support, as the store keys a case."""
    return str(message["channel_id"]), str(message["id"])
