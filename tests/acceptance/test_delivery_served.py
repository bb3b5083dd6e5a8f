"""The README's delivery statements, through the served process (issue 9, items 1, 3 and 7).

`sereno run` on Slack over HTTP with ``SERENO_SLACK_POST_INTERVAL=1s`` and a lead, against
FakeSlack answering as Slack does when it limits, fails or refuses: each channel is paced on
its own, a 429 holds only its channel, an outage loses nothing, a refusal is told to the
lead once per case and never in the channel, a refused token stops Sereno with one line,
SIGTERM during a burst neither loses nor repeats a message. On Discord, an event
discord.py cannot parse is logged and skipped.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.acceptance.chat import GUIDANCE_WITHIN, Chat
from tests.acceptance.delivery import (
    CARDS,
    Sent,
    case_of,
    channel_calls,
    complain,
    gaps,
    guided,
    kinds,
    outbox_states,
)
from tests.acceptance.discord_chat import DiscordChat
from tests.acceptance.served import CLEAN_EXITS, START_WITHIN, Served, stays, until
from tests.acceptance.slack_chat import USERS, SlackChat
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_http import Call

pytestmark = pytest.mark.asyncio(loop_scope="session")
INTERVAL = 1.0  # SERENO_SLACK_POST_INTERVAL of the served process
JITTER = 0.2  # posts are timed as the fake receives them, not as Sereno sends them
LEAD = "U-lead"
FIRST_CARD_WITHIN = 1.5  # a complaint's first card, when its channel is free
RETRY_AFTER = 4.0
OUTAGE = 6.0  # Slack answering 500 this long: tries at ~0, 1, 3 fail; the 4th (~7 s) goes
RECOVERED_WITHIN = 16.0  # backoff 1, 2, 4, 8 s: the next try after the outage is this close
EXIT_WITHIN = 10.0  # a refused token ends the process (generous: it starts up first)
QUIET = 0.5


def wait_for(posts: int) -> float:
    """A bound for `posts` paced posts in one channel, after the first guidance."""
    return GUIDANCE_WITHIN + posts * INTERVAL * 2


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served_slack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SlackChat]:
    """`sereno run` on Slack, paced at 1 post/s per channel, with a lead (no pings due)."""
    workdir = tmp_path_factory.mktemp("delivery")
    async with FakeSlack(users={**USERS, LEAD: "lead"}) as fake:
        chat = SlackChat(fake, socket_mode=False)
        config = {
            **chat.settings(),
            "SERENO_DB": str(workdir / "x.db"),
            "SERENO_LOG_LEVEL": "INFO",
            "SERENO_SLACK_POST_INTERVAL": f"{INTERVAL:g}s",
            "SERENO_SLACK_LEAD": LEAD,
            "SERENO_FIRST_RESPONSE": "1h",  # no ping takes a turn in the channels here
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


def assert_in_order(chat: Chat, sent: list[Sent]) -> None:
    for s in sent:
        assert kinds(chat.posts(s.thread)) == list(CARDS), f"{s}: {chat.titles(s.thread)}"


def assert_paced(fake: FakeSlack, *rooms: str) -> None:
    for room in rooms:
        between = gaps(channel_calls(fake.calls("chat.postMessage", ok=True), room))
        assert min(between) >= INTERVAL - JITTER, f"posts in {room} {between} s apart"


async def test_each_slack_channel_is_paced_on_its_own(slack: SlackChat) -> None:
    a, b = slack.new_room(), slack.new_room()
    sent = [await complain(slack, room) for room in (a, a, b, b)]
    await guided(slack, sent, timeout=wait_for(2 * len(CARDS)))

    assert_in_order(slack, sent)
    assert_paced(slack.fake, a, b)
    accepted = slack.fake.calls("chat.postMessage", ok=True)
    in_a, in_b = channel_calls(accepted, a), channel_calls(accepted, b)
    assert len(in_a) == len(in_b) == 2 * len(CARDS)
    b_waited = in_b[0].time - sent[2].at
    assert b_waited <= FIRST_CARD_WITHIN, f"B's first card {b_waited:.2f}s after its complaint"
    assert in_b[0].time < in_a[1].time, "B's first card waited behind channel A's posts"
    span = max(c.time for c in in_a + in_b) - sent[0].at
    per_channel = (2 * len(CARDS) - 1) * INTERVAL  # 5 s: the channels side by side
    one_queue = (4 * len(CARDS) - 1) * INTERVAL  # 11 s: one channel after the other
    assert span < (per_channel + one_queue) / 2, f"12 posts in 2 channels took {span:.1f}s"


async def test_a_429_in_one_channel_holds_only_that_channel(slack: SlackChat) -> None:
    a, b = slack.new_room(), slack.new_room()
    slack.fake.fail_next("chat.postMessage", 429, retry_after=RETRY_AFTER, channel=a)
    in_a = await complain(slack, a)
    [limited] = await until(
        lambda: channel_calls(slack.fake.calls("chat.postMessage", ok=False), a),
        timeout=GUIDANCE_WITHIN,
        what="Slack limiting channel A",
        served=slack.served,
    )
    in_b = await complain(slack, b)
    posts = await guided(slack, [in_a, in_b], timeout=wait_for(len(CARDS)) + RETRY_AFTER)

    assert_in_order(slack, [in_a, in_b])
    assert_paced(slack.fake, a, b)
    assert limited.status == 429 and str(limited.params["text"]).startswith(CARDS[0])
    held_until = posts[in_a.thread][0].at
    assert held_until >= limited.time + RETRY_AFTER - JITTER, "A did not wait out Retry-After"
    b_times = [p.at - limited.time for p in posts[in_b.thread]]
    assert all(p.at < held_until for p in posts[in_b.thread]), (
        f"B waited for A's Retry-After: B's posts {b_times} s after the 429, "
        f"A's first {held_until - limited.time:.2f} s after it"
    )


async def test_an_outage_loses_no_guidance_and_keeps_each_case_in_order(
    slack: SlackChat,
) -> None:
    c, d = slack.new_room(), slack.new_room()
    slack.fake.fail_for("chat.postMessage", OUTAGE, 500)
    recovered = time.monotonic() + OUTAGE
    sent = [await complain(slack, room) for room in (c, c, d)]
    posts = await guided(slack, sent, timeout=OUTAGE + RECOVERED_WITHIN + wait_for(6))

    assert_in_order(slack, sent)  # each card once, in its order
    assert_paced(slack.fake, c, d)
    first = min(p.at for ps in posts.values() for p in ps)
    assert first - recovered <= RECOVERED_WITHIN, f"first post {first - recovered:.1f}s late"
    failed = slack.fake.calls("chat.postMessage", ok=False)
    for s in sent:
        tries = [f for f in failed if f.params.get("thread_ts") == s.thread]
        # backoff 1, 2, 4 s: a complaint that reaches Slack within the first ~3 s of the
        # outage fails at least twice (the last one sent may start later under load)
        assert len(tries) >= 2, f"{s}: {len(tries)} failed tries during a {OUTAGE}s outage"
        case = case_of(slack.served.db, s)
        assert case is not None
        # the fake has every post; Sereno marks the last one sent a moment after
        await until(
            lambda c=case: outbox_states(slack.served.db, c) == ["sent"] * 3,
            timeout=5,
            what=lambda c=case: f"case {c}: {outbox_states(slack.served.db, c)}",
            served=slack.served,
        )


async def test_a_refused_channel_is_told_to_the_lead_once_per_case(slack: SlackChat) -> None:
    e = slack.new_room()
    slack.fake.fail_next("chat.postMessage", 200, error="not_in_channel", times=99, channel=e)
    sent = [await complain(slack, e) for _ in range(2)]
    db = slack.served.db

    def settled() -> list[int] | None:
        cases = [case_of(db, s) for s in sent]
        if None in cases or any("pending" in outbox_states(db, c or 0) for c in cases):
            return None
        return [c for c in cases if c is not None]

    cases = await until(
        settled, timeout=wait_for(6), what="every row refused or sent", served=slack.served
    )

    def sent_to_lead() -> list[Call]:
        return channel_calls(slack.fake.calls("chat.postMessage"), LEAD)

    await until(
        lambda: len(sent_to_lead()) >= 2, timeout=wait_for(2), what="notices", served=slack.served
    )
    await stays(lambda: len(sent_to_lead()) == 2, seconds=QUIET, what="two notices, no more")

    notices = [str(c.params["text"]) for c in sent_to_lead()]
    assert all(c.ok for c in sent_to_lead())
    for case in cases:
        assert outbox_states(db, case) == ["failed"] * 3
        assert len([n for n in notices if f"Case #{case}:" in n]) == 1, notices
        assert any(
            "refused outbox row" in line and f"case {case}," in line and "not_in_channel" in line
            for line in slack.served.stderr().splitlines()
        ), slack.served.tail()
        shown = await slack.command(e, "show", case)
        assert "Not delivered" in shown and "not_in_channel" in shown, shown
    in_e = channel_calls(slack.fake.calls("chat.postMessage"), e)
    titles = [str(c.params["text"]).split("\n", 1)[0] for c in in_e]
    assert len(in_e) == len(cases) * len(CARDS) and not any(c.ok for c in in_e), titles
    assert all(t.startswith(CARDS) for t in titles), titles  # each card tried once, no notice
    assert not channel_calls(slack.fake.calls("chat.postEphemeral"), e)


async def test_sigterm_during_a_burst_then_a_restart_delivers_everything_once(
    slack: SlackChat,
) -> None:
    rooms = [slack.new_room() for _ in range(8)]
    sent = [await complain(slack, room) for room in rooms]
    db, threads = slack.served.db, {s.thread for s in sent}

    def posted() -> int:
        return sum(len(slack.posts(t)) for t in threads)

    def opened() -> bool:
        return all(case_of(db, s) for s in sent)

    await until(opened, timeout=GUIDANCE_WITHIN, what="every case", served=slack.served)
    await until(  # the first card of every channel is out: the burst is under way
        lambda: posted() >= len(rooms), timeout=GUIDANCE_WITHIN, what="a burst", served=slack.served
    )
    code = await slack.served.stop()  # fails unless the process is gone within 5 s
    stopping, before = slack.served.stderr(), posted()
    assert code in CLEAN_EXITS and "Traceback" not in stopping, f"{code}\n{stopping[-3000:]}"
    assert before < len(sent) * len(CARDS), "the burst was over before SIGTERM"

    await slack.start()
    await until(
        lambda: all(set(kinds(slack.posts(s.thread))) >= set(CARDS) for s in sent),
        timeout=wait_for(2 * len(CARDS)),
        what=lambda: f"guidance after the restart: {[slack.titles(s.thread) for s in sent]}",
        served=slack.served,
    )
    await stays(lambda: posted() == len(sent) * len(CARDS), seconds=QUIET, what="no repeats")
    assert_in_order(slack, sent)  # each card once: SIGTERM let the posts in flight be marked


async def test_a_refused_slack_token_stops_sereno_with_one_line(tmp_path: Path) -> None:
    async with FakeSlack(users=USERS) as fake:
        fake.fail_for("auth.test", EXIT_WITHIN * 2, 200, error="invalid_auth")
        chat = SlackChat(fake, socket_mode=False)
        served = Served(tmp_path, {**chat.settings(), "SERENO_DB": str(tmp_path / "x.db")})
        await served.start()
        try:
            await until(lambda: not served.running, timeout=EXIT_WITHIN, what="sereno run ending")
        finally:
            await served.close()
        assert served.process is not None
        log = served.stderr()
        assert served.process.returncode == 1, f"exit code {served.process.returncode}\n{log}"
        assert "Traceback" not in log, log
        named = [line for line in log.splitlines() if "SLACK_BOT_TOKEN" in line]
        assert len(named) == 1 and "invalid_auth" in named[0], log


@pytest.mark.parametrize("platform", ["discord"], indirect=True)
async def test_a_discord_event_discord_py_cannot_read_is_skipped(chat: Chat) -> None:
    assert isinstance(chat, DiscordChat)
    room, guild = chat.new_room(), str(chat.fake.world.guild_id)
    sessions, logged = chat.connections(), len(chat.served.stderr())
    await chat.fake.dispatch("MESSAGE_CREATE", {"channel_id": room, "guild_id": guild})
    await chat.fake.dispatch("GUILD_ROLE_UPDATE", {"guild_id": guild, "role": {"id": "x"}})
    for event in ("MESSAGE_CREATE", "GUILD_ROLE_UPDATE"):
        await until(
            lambda e=event: f"skipped a {e} event" in chat.served.stderr()[logged:],
            timeout=START_WITHIN,
            what=f"the unreadable {event} logged",
            served=chat.served,
        )
    thread = await chat.complain(room=room)  # still serving: the next complaint is guided
    assert kinds(chat.posts(thread.id))[:3] == list(CARDS)
    assert chat.connections() == sessions, "the gateway session ended over a bad event"
    assert "Traceback" not in chat.served.stderr()[logged:], chat.served.tail()
