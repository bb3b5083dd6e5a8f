"""Who is an agent is explicit, and floods are contained (issue 10, item 6), through
`sereno run` on Slack over HTTP as a team runs it:

- without SERENO_SLACK_AGENTS (or a group) Sereno refuses to start, in one line;
- a customer's ✅ marks nothing, and a customer's `/complaint list`, `show` and `export`
  are refused; exporting every case is for the lead alone;
- one author posting 20 complaints at once opens SERENO_FLOOD_CASES_PER_MINUTE cases, the
  rest join the latest one, and the lead gets one direct message about it.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.acceptance.chat import ANSWER_WITHIN, GUIDANCE_WITHIN
from tests.acceptance.served import Served, stays, until
from tests.acceptance.slack_chat import AGENT, CUSTOMER, USERS, SlackChat
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="session")
LEAD = AGENT  # U-ana leads the team; U-luis is an agent, not the lead
FLOODER = "U-mallory"
LIMIT = 3  # SERENO_FLOOD_CASES_PER_MINUTE of the served process
FLOOD = 20
EXIT_WITHIN = 20.0  # generous: the process imports everything before reading settings
QUIET = 1.5
REFUSED = "Only the support team can run Sereno commands"


def query(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """A read-only look at the served process's database."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        return conn.execute(sql, args).fetchall()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served_slack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SlackChat]:
    """`sereno run` on Slack with named agents, a lead and a small flood limit."""
    workdir = tmp_path_factory.mktemp("agents")
    async with FakeSlack(users={**USERS, FLOODER: "Mallory"}) as fake:
        chat = SlackChat(fake, socket_mode=False)
        config = {
            **chat.settings(),
            "SERENO_DB": str(workdir / "x.db"),
            "SERENO_SLACK_LEAD": LEAD,
            "SERENO_FLOOD_CASES_PER_MINUTE": str(LIMIT),
            "SERENO_FIRST_RESPONSE": "1h",  # no pings in these threads
        }
        chat.attach(Served(workdir, config))
        try:
            await chat.start()
            yield chat
        finally:
            await chat.served.close()


@pytest_asyncio.fixture(loop_scope="session")
async def slack(served_slack: SlackChat) -> SlackChat:
    await served_slack.ensure_running()
    return served_slack


async def command_as(chat: SlackChat, user: str, room: str, text: str) -> str:
    """`user` runs `/complaint text` in `room`; the answer they see."""
    url = chat.fake.response_url()
    rid = url.rsplit("/", 1)[1]
    form = sp.slash_command_form("/complaint", text, user, room, url)
    acked = await chat._deliver("slash_commands", form)
    if acked:
        return acked
    [answer, *_] = await until(
        lambda: chat.fake.responses(rid),
        timeout=ANSWER_WITHIN,
        what=f"an answer to {user}'s /complaint {text}",
        served=chat.served,
    )
    return str(answer.get("text", ""))


async def test_without_agents_sereno_refuses_to_start_in_one_line(tmp_path: Path) -> None:
    async with FakeSlack(users=USERS) as fake:
        settings = SlackChat(fake, socket_mode=False).settings()
        settings.pop("SERENO_SLACK_AGENTS")
        served = Served(tmp_path, {**settings, "SERENO_DB": str(tmp_path / "x.db")})
        await served.start()
        try:
            await until(lambda: not served.running, timeout=EXIT_WITHIN, what="sereno run ending")
        finally:
            await served.close()
        assert served.process is not None and served.process.returncode == 2, served.tail()
        [line] = served.stderr().splitlines()
        assert line.startswith("sereno: SERENO_SLACK_AGENTS: "), line
        assert "SERENO_SLACK_AGENT_GROUP" in line and "SERENO_SLACK_AGENTS=*" in line, line
        assert not fake.calls(), "Sereno reached Slack before refusing"


async def test_a_customers_check_mark_and_commands_are_refused(slack: SlackChat) -> None:
    thread = await slack.complain()
    step_1 = slack.posts(thread.id)[1]
    event = sp.reaction_event(True, CUSTOMER, "white_check_mark", thread.room, step_1.id)
    await slack._deliver("events_api", sp.event_body(event))
    ignored = "SELECT id FROM events WHERE case_id = ? AND kind = 'reaction_ignored'"
    await until(
        lambda: query(slack.served.db, ignored, thread.case),
        timeout=ANSWER_WITHIN,
        what="the customer's ✅ on the timeline as ignored",
        served=slack.served,
    )
    await stays(
        lambda: not [p for p in slack.posts(thread.id) if p.title.startswith("Step 2/")],
        seconds=QUIET,
        what=lambda: f"no second step after a customer's ✅: {slack.titles(thread.id)}",
        served=slack.served,
    )
    shown = await slack.command(thread.room, "show", thread.case)
    assert not re.search(r"done by", shown), shown
    for text in ("list all", f"show #{thread.case}", "export csv", f"export #{thread.case} md"):
        answer = await command_as(slack, CUSTOMER, thread.room, text)
        assert answer.startswith(REFUSED), f"{text}: {answer}"
        assert "Lucía" not in answer and "5521" not in answer, f"{text}: {answer}"
    not_lead = await command_as(slack, "U-luis", thread.room, "export csv")
    assert not_lead.startswith("Only the team lead can export every case"), not_lead
    assert "The list of cases" in await slack.command(thread.room, "export", None, "csv")


async def test_a_flood_opens_at_most_the_limit_and_tells_the_lead_once(slack: SlackChat) -> None:
    # Across channels: in one channel Mallory's open case would take all her messages.
    rooms = [slack.new_room() for _ in range(LIMIT + 1)]
    for n in range(FLOOD):
        text = f"Order {n} is late and nobody answers!!!"
        body = sp.event_body(sp.message_event(rooms[n % len(rooms)], FLOODER, text, sp.next_ts()))
        await slack._deliver("events_api", body)
    db = slack.served.db
    cases = "SELECT id FROM cases WHERE customer_id = ? ORDER BY id"
    joined = (
        "SELECT count(*) FROM events WHERE kind = 'customer_message' "
        "AND json_extract(details, '$.flood') AND case_id = ?"
    )

    def handled() -> bool:
        opened = query(db, cases, FLOODER)
        return len(opened) == LIMIT and query(db, joined, opened[-1][0])[0][0] == FLOOD - LIMIT

    await until(
        handled,
        timeout=GUIDANCE_WITHIN + FLOOD * 0.5,
        what=lambda: f"{LIMIT} cases and {FLOOD - LIMIT} joined: {query(db, cases, FLOODER)}",
        served=slack.served,
    )

    def notices() -> list[str]:
        calls = slack.fake.calls("chat.postMessage", ok=True)
        return [str(c.params["text"]) for c in calls if c.params.get("channel") == LEAD]

    [notice] = await until(notices, timeout=ANSWER_WITHIN, what="the lead's notice")
    assert notice.startswith("⚠️ Flood: Mallory posted more than 3 complaints"), notice
    await stays(lambda: len(notices()) == 1, seconds=QUIET, what=lambda: f"{notices()}")
    assert len(query(db, cases, FLOODER)) == LIMIT
