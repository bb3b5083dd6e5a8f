"""The fault battery (issue 10, item 9): nothing acknowledged is ever lost. Slack kills and storms.

Each test starts `sereno run` as a subprocess against the fakes on 127.0.0.1, breaks
something, and counts what became of every complaint (see `faults`): a complaint Slack
saw acknowledged (HTTP 200 within 3 s) must get its case and its guidance in its thread;
what was not acknowledged is sent again as Slack sends it (same body and ``event_id``,
``X-Slack-Retry-Num``). Every complaint comes from its own customer, so no flood limit
applies. Every wait has a deadline; a failure message is the tally, and a passing test
prints it (``pytest -rP``): its first line says how many were acknowledged, how many of
those were lost and how many cards were posted twice, and its second is the issue's
table row re-measured. The battery goes on in `test_faults_io` (a proxy's pages, a write
lock, a full disk) and `test_faults_discord`.

* kill -9 at 100, 150 and 220 acknowledged complaints of a signed burst of 300 from 8
  concurrent senders, restarting on the same database each time;
* kill -9 right after the 100th acknowledged complaint of one sender posting one after
  another, restarting on the same database;
* Slack answering 429 (with Retry-After), answering 500, and refusing connections, for
  ``FAULTS_STORM_SECONDS`` (30 s, as the issue asks) each, the three side by side.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from pathlib import Path

import pytest

from tests.acceptance.fault_served import (
    RECOVER,
    slack_served,
    warm_up,
)
from tests.acceptance.faults import (
    CARDS,
    SLACK_RETRIES_AFTER,
    Complaint,
    SlackSender,
    Tally,
    cases,
    complaint,
    customers,
    later,
    settle,
    slack_threads,
    tally_slack,
)
from tests.acceptance.served import Served
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_files import FILE_HANDLERS
from tests.fakes.slack_unreachable import unreachable_for
from tests.fakes.slack_web_methods import WEB_API_HANDLERS

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.faults]

BURST, SENDERS, KILL_AT = 300, 8, (100, 150, 220)
STORM = float(os.environ.get("FAULTS_STORM_SECONDS", "30"))
STORM_COMPLAINTS = 6  # per storm, one every STORM/6 s, in two channels
RETRY_AFTER = 3.0  # the 429 storm's Retry-After
STORM_METHODS = sorted(
    {*WEB_API_HANDLERS, *FILE_HANDLERS, "conversations.history", "conversations.replies"}
)


# -- 1. kill -9 during a signed burst ------------------------------------------------------


class Burst:
    """A burst of complaints in one channel from SENDERS concurrent senders; failed
    deliveries are sent again (after a kill: once Sereno is back, as Slack's later retry)."""

    def __init__(self, fake: FakeSlack, room: str, users: list[str]) -> None:
        self.fake, self.room = fake, room
        self.todo = deque(enumerate(users))
        self.retry: deque[Complaint] = deque()
        self.sent: list[Complaint] = []
        self.runs = 0
        self.acked_in: dict[int, int] = {}  # complaint number -> the run that had it acknowledged

    def acked(self) -> int:
        return sum(c.acked for c in self.sent)

    async def run(self, sender: SlackSender, process: Served, kill_at: int | None) -> bool:
        """Send until everything is acknowledged, or kill -9 once `kill_at` are; killed?"""
        killed = False
        self.runs += 1

        async def one_sender() -> None:
            nonlocal killed
            while not killed:
                if self.retry:
                    c = self.retry.popleft()
                elif self.todo:
                    n, user = self.todo.popleft()
                    c = complaint(self.fake, n, self.room, user)
                    self.sent.append(c)
                else:
                    return
                await sender.attempt(c)
                if c.acked:
                    self.acked_in.setdefault(c.n, self.runs)
                    if kill_at is not None and not killed and self.acked() >= kill_at:
                        killed = True
                        assert process.process is not None
                        process.process.kill()  # at once, not after another await
                elif c.retries_left:
                    if not killed:
                        await asyncio.sleep(SLACK_RETRIES_AFTER[len(c.answers) - 1])
                    self.retry.append(c)

        await asyncio.gather(*(one_sender() for _ in range(SENDERS)))
        if killed:
            assert process.process is not None
            await process.process.wait()
        return killed


async def test_kill_9_at_three_points_of_a_signed_burst_loses_no_acknowledged_complaint(
    tmp_path: Path,
) -> None:
    users, ids = customers(BURST + 1, "kill")
    async with slack_served(tmp_path, users) as (chat, db):
        burst = Burst(chat.fake, chat.new_room(), ids[1:])
        at_kills: list[str] = []
        async with SlackSender(chat.port) as sender:
            await warm_up(chat, sender, ids[0])
            for point in KILL_AT:
                if await burst.run(sender, chat.served, point):
                    at_kills.append(str(burst.acked()))
                    await chat.start()  # the same database
                else:
                    at_kills.append(f"(never reached {point})")
            await burst.run(sender, chat.served, None)
        tally = await settle(
            lambda: tally_slack(
                f"kill -9 at {'/'.join(map(str, KILL_AT))} acknowledged of a burst of {BURST}",
                chat.fake,
                db,
                burst.sent,
            ),
            db,
            timeout=RECOVER,
            served=chat.served,
        )
    lost = set(tally.lost_no_case) | set(tally.lost_no_guidance)
    by_run = [sum(1 for n in lost if burst.acked_in.get(n) == run) for run in (1, 2, 3, 4)]
    tally.row = (
        f"kill -9 during a burst of {BURST} ({SENDERS} senders), at "
        f"{' / '.join(map(str, KILL_AT))} acknowledged",
        " / ".join(at_kills),
        " / ".join(map(str, by_run[:3])) + (f" (+{by_run[3]} later)" if by_run[3] else ""),
    )
    tally.notes.insert(0, f"acknowledged when killed: {' / '.join(at_kills)}")
    tally.notes.insert(
        1,
        f"lost of those acknowledged before kill 1 / 2 / 3: {' / '.join(map(str, by_run[:3]))}"
        f", after the last restart: {by_run[3]}",
    )
    print(tally.report())  # the measurement, shown by pytest -rP when it passes
    assert tally.lost == 0 and tally.duplicate_posts <= len(KILL_AT), tally.report()


# -- 1b. kill -9 after 100 acknowledged from one sender ---------------------------------------

ONE_SENDER_KILL_AT = 100
ONE_SENDER_AFTER = 10  # posted by the same sender once Sereno is back


async def test_kill_9_after_100_acknowledged_from_one_sender_loses_none_of_them(
    tmp_path: Path,
) -> None:
    most = ONE_SENDER_KILL_AT + 20  # complaints the sender may need for 100 acknowledged
    users, ids = customers(most + ONE_SENDER_AFTER + 1, "one")
    async with slack_served(tmp_path, users) as (chat, db):
        room, sent = chat.new_room(), []

        async def post() -> None:
            n = len(sent)
            sent.append(complaint(chat.fake, n, room, ids[n + 1]))
            await sender.deliver(sent[-1])  # one after another, each retried as Slack does

        async with SlackSender(chat.port) as sender:
            await warm_up(chat, sender, ids[0])
            while sum(c.acked for c in sent) < ONE_SENDER_KILL_AT and len(sent) < most:
                await post()
            await chat.served.kill()  # the signal goes before any other await: at once
            before, sent_at_kill = {c.n for c in sent if c.acked}, len(sent)
            opened, threads = cases(db, "slack"), slack_threads(chat.fake)
            at_kill = (
                sum((room, c.ts) in opened for c in sent),
                sum(set(CARDS) <= set(threads.get(c.ts, [])) for c in sent),
            )
            await chat.start()  # the same database
            for _ in range(ONE_SENDER_AFTER):
                await post()
        tally = await settle(
            lambda: tally_slack(
                f"kill -9 after {ONE_SENDER_KILL_AT} acknowledged from one sender, "
                f"{ONE_SENDER_AFTER} more after the restart",
                chat.fake,
                db,
                sent,
            ),
            db,
            timeout=RECOVER,
            served=chat.served,
        )
    lost = set(tally.lost_no_case) | set(tally.lost_no_guidance)
    later_lost = f" (+{len(lost - before)} later)" if lost - before else ""
    tally.row = ("kill -9, one sender", str(len(before)), f"{len(lost & before)}{later_lost}")
    tally.notes.insert(
        0,
        f"acknowledged when killed: {len(before)} of {sent_at_kill} sent; of those, "
        f"{at_kill[0]} had a case and {at_kill[1]} all their guidance (the rest was in flight)",
    )
    print(tally.report())  # the measurement, shown by pytest -rP when it passes
    assert len(before) == ONE_SENDER_KILL_AT, tally.report()
    assert tally.lost == 0 and tally.duplicate_posts <= 1, tally.report()


# -- 2. Slack storms: 429, 500, connection refused ------------------------------------------


async def storm(fake: FakeSlack, how: str) -> None:
    """Slack failing every call for STORM seconds."""
    if how == "refused":
        await unreachable_for(fake, STORM)
        return
    status = int(how)
    for method in STORM_METHODS:
        retry_after = RETRY_AFTER if status == 429 else None
        fake.fail_for(method, STORM, status, retry_after=retry_after)
    await asyncio.sleep(STORM)


async def weather(how: str, workdir: Path) -> tuple[Tally, bool]:
    """Complaints sent during a storm of `how`: their tally, and whether it is all right."""
    users, ids = customers(STORM_COMPLAINTS + 1, f"storm{how}")
    async with slack_served(workdir, users) as (chat, db):
        rooms = [chat.new_room(), chat.new_room()]
        sent: list[Complaint] = []
        async with SlackSender(chat.port) as sender:
            await warm_up(chat, sender, ids[0])

            async def post(n: int) -> bool:
                c = complaint(chat.fake, n, rooms[n % 2], ids[n + 1])
                sent.append(c)
                return await sender.deliver(c)

            began, calls_before = time.monotonic(), len(chat.fake.records)
            deliveries = [
                asyncio.create_task(later(n * STORM / STORM_COMPLAINTS, lambda n=n: post(n)))
                for n in range(STORM_COMPLAINTS)
            ]
            await storm(chat.fake, how)
            ended = time.monotonic()
            await asyncio.gather(*deliveries)
        label = {"refused": "refusing connections"}.get(how, f"answering {how}")
        tally = await settle(
            lambda: tally_slack(f"Slack {label} for {STORM:g} s", chat.fake, db, sent),
            db,
            timeout=RECOVER + STORM,
            served=chat.served,
        )
    during = [c for c in chat.fake.records[calls_before:] if c.time < ended]
    threads = {c.ts for c in sent}
    posted = [
        c.time
        for c in chat.fake.calls("chat.postMessage", ok=True)
        if c.params.get("thread_ts") in threads
    ]
    early = [t for t in posted if t < ended]  # Slack took a post during its own storm?
    tally.notes.append(
        f"storm {ended - began:.1f} s; Slack calls during it: {len(during)}, all failed: "
        f"{all(not c.ok for c in during)}"
        + (" (refused: none reach the fake)" if how == "refused" else "")
        + (f"; last guidance {max(posted) - ended:+.1f} s after it" if posted else "")
        + (f"; STORM DID NOT BITE: {len(early)} posts accepted during it" if early else "")
    )
    failed_calls = how == "refused" or any(not c.ok for c in during)
    if not failed_calls:
        tally.notes.append("STORM DID NOT BITE: no Slack call failed during it")
    allowed = 1 if how == "refused" else 0  # a post cut off as the socket closes
    ok = (
        not (tally.lost or tally.unacked_lost or tally.disorder or early)
        and tally.duplicate_posts <= allowed
        and failed_calls
    )
    return tally, ok


async def test_slack_429_500_and_refused_storms_lose_nothing_and_keep_each_case_in_order(
    tmp_path: Path,
) -> None:
    storms = ("429", "500", "refused")
    results = await asyncio.gather(*(weather(how, tmp_path / how) for how in storms))
    report = "\n".join(t.report() for t, _ in results)
    print(report)  # the measurement, shown by pytest -rP when it passes
    assert all(ok for _, ok in results), report
