"""Delivery rules: per-case order, per-channel lanes, priorities, retries, refusals."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import pytest

from bot.core.base.cards import CardKind
from bot.core.base.case import EventKind
from bot.core.base.model import Actor, StepState, Via
from bot.core.base.outbox import (
    Fatal,
    OutboxItem,
    PermanentError,
    RateLimited,
    TransientError,
    backoff,
)
from bot.core.commands.views import show
from bot.core.delivery.drainer import OutboxDrainer
from bot.core.delivery.refusals import refusal_reporter
from bot.wiring import App
from tests.conftest import AGENT, JOHN, complaint
from tests.support import FakeClock, RecordingMessenger, eventually


@dataclass
class ScriptedMessenger:
    """Fails the rows a rule picks; records the rest, with when they went."""

    fail: dict[int, list[Exception]] = field(default_factory=dict)
    delay: dict[str, float] = field(default_factory=dict)  # per channel, seconds per post
    platform: str = "test"
    sent: list[tuple[float, OutboxItem]] = field(default_factory=list)

    async def send(self, item: OutboxItem) -> str:
        errors = self.fail.get(item.id)
        if errors:
            raise errors.pop(0)
        await asyncio.sleep(self.delay.get(item.channel_id, 0.0))
        self.sent.append((time.monotonic(), item))
        return f"p{item.id}"


def _rows(app: App, case_id: int) -> list[int]:
    return [row_id for row_id, *_ in app.store.posted_messages(case_id)]


async def test_a_retried_row_holds_only_its_own_case(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    app.engine.open_case(complaint("My order 2 never arrived!", "m-2", author=JOHN))  # C1 too
    first_of_case_1 = _rows(app, 1)[0]
    messenger = ScriptedMessenger(fail={first_of_case_1: [TransientError("503")]})
    assert await OutboxDrainer(app.store, messenger, clock).drain_once() == 3
    assert {item.case_id for _, item in messenger.sent} == {2}
    clock.advance(seconds=backoff(1))
    assert await OutboxDrainer(app.store, messenger, clock).drain_once() == 3
    assert [item.id for _, item in messenger.sent][3:] == _rows(app, 1)  # in order


async def test_opening_cards_go_before_later_steps_of_other_cases(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    assert case is not None
    messenger = RecordingMessenger()
    await OutboxDrainer(app.store, messenger, clock).drain_once()
    step = app.store.steps(case.id)[0].step_id
    app.engine.set_step(case, step, StepState.DONE, AGENT, Via.COMMAND)
    app.engine.open_case(complaint("My order 2 never arrived!", "m-2", author=JOHN))
    messenger.sent.clear()
    await OutboxDrainer(app.store, messenger, clock).drain_once()
    cases = [item.case_id for item in messenger.sent]
    assert cases[:3] == [2, 2, 2] and 1 in cases[3:]


async def test_transient_failures_are_retried_for_24_hours_then_reported(
    app: App, clock: FakeClock
) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    head = _rows(app, 1)[0]
    refused: list[tuple[int, str]] = []
    messenger = ScriptedMessenger(fail={head: [TransientError("502")] * 10_000})
    drainer = OutboxDrainer(
        app.store, messenger, clock, on_refused=lambda item, error: refused.append((item.id, error))
    )
    gaps = []
    for _ in range(400):  # every try, then wait just as long as the backoff asks
        await drainer.drain_once()
        row = app.store.db["outbox"].get(head)
        if row["status"] == "failed":
            break
        gaps.append(backoff(row["attempts"]))
        clock.advance(seconds=backoff(row["attempts"]))
    assert max(gaps) == 300.0  # capped at five minutes between tries
    assert sum(gaps) >= 24 * 3600 - 300
    assert refused and refused[0][0] == head and "24 h" in refused[0][1]


async def test_a_refusal_is_recorded_shown_and_told_to_the_lead_once(
    app: App, clock: FakeClock
) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    header, step = _rows(app, 1)[:2]
    messenger = ScriptedMessenger(
        fail={header: [PermanentError("not_in_channel")], step: [PermanentError("is_archived")]}
    )
    drainer = OutboxDrainer(
        app.store, messenger, clock, on_refused=refusal_reporter(app.engine, "U-lead")
    )
    await drainer.drain_once()
    notices = [item for _, item in messenger.sent if item.channel_id == "dm:U-lead"]
    assert len(notices) == 1 and notices[0].card.kind is CardKind.NOTICE
    assert "#1" in notices[0].card.title
    assert not [
        i for _, i in messenger.sent if i.channel_id == "C1" and i.card.kind is CardKind.NOTICE
    ]
    kinds = [e.kind for e in app.store.events(1)]
    assert kinds.count(EventKind.DELIVERY_FAILED) == 2
    case = app.store.get_case(1)
    assert case is not None
    assert "not_in_channel" in show(app.engine, case) and "is_archived" in show(app.engine, case)


async def test_without_a_lead_a_refusal_is_logged_and_shown_only(
    app: App, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    header = _rows(app, 1)[0]
    messenger = ScriptedMessenger(fail={header: [PermanentError("channel_not_found")]})
    drainer = OutboxDrainer(
        app.store, messenger, clock, on_refused=refusal_reporter(app.engine, None)
    )
    await drainer.drain_once()
    assert all(item.channel_id == "C1" for _, item in messenger.sent)
    assert "channel_not_found" in caplog.text


async def _run_until(drainer: OutboxDrainer, done: object, timeout: float = 10.0) -> None:
    task = asyncio.create_task(drainer.run(poll_seconds=0.05))
    try:
        deadline = time.monotonic() + timeout
        while not done():  # type: ignore[operator]
            assert time.monotonic() < deadline, "delivery did not finish in time"
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_a_slow_channel_does_not_hold_another(app: App, clock: FakeClock) -> None:
    for n in range(3):  # three customers: one customer's second message would join her case
        who = Actor("test", f"U-c{n}", f"c{n}")
        app.engine.open_case(complaint(f"My order {n} never arrived!", f"a-{n}", who, "CA"))
    app.engine.open_case(complaint("My order 9 never arrived!", "b-1", channel="CB"))
    messenger = ScriptedMessenger(delay={"CA": 0.05})
    drainer = OutboxDrainer(app.store, messenger, clock)
    await _run_until(drainer, lambda: len(messenger.sent) == 12)
    b_done = max(at for at, item in messenger.sent if item.channel_id == "CB")
    a_done = max(at for at, item in messenger.sent if item.channel_id == "CA")
    assert b_done < a_done - 0.2  # CB's three cards did not queue behind CA's nine


async def test_a_channel_rate_limit_holds_only_that_channel(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "a-1", channel="CA"))
    app.engine.open_case(complaint("My order 2 never arrived!", "b-1", channel="CB"))
    head_a = _rows(app, 1)[0]
    messenger = ScriptedMessenger(fail={head_a: [RateLimited(0.5)]})
    drainer = OutboxDrainer(app.store, messenger, clock)
    started = time.monotonic()
    await _run_until(drainer, lambda: len(messenger.sent) == 6)
    first_a = min(at for at, item in messenger.sent if item.channel_id == "CA")
    last_b = max(at for at, item in messenger.sent if item.channel_id == "CB")
    assert last_b < first_a and first_a - started >= 0.5


async def test_a_global_rate_limit_holds_every_channel(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "a-1", channel="CA"))
    head_a = _rows(app, 1)[0]
    messenger = ScriptedMessenger(fail={head_a: [RateLimited(0.4, "platform")]})
    drainer = OutboxDrainer(app.store, messenger, clock)
    task = asyncio.create_task(drainer.run(poll_seconds=0.05))
    try:
        deadline = time.monotonic() + 5
        while messenger.fail[head_a]:  # until the platform-wide 429 has been raised
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
        held_at = time.monotonic()
        app.engine.open_case(complaint("My order 2 never arrived!", "b-1", channel="CB"))
        while len(messenger.sent) < 6:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    first_b = min(at for at, item in messenger.sent if item.channel_id == "CB")
    assert first_b - held_at >= 0.3  # CB waited for the platform-wide limit too


async def test_fatal_ends_the_drainer(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    head = _rows(app, 1)[0]
    messenger = ScriptedMessenger(fail={head: [Fatal("token revoked")]})
    with pytest.raises(Fatal):
        await asyncio.wait_for(OutboxDrainer(app.store, messenger, clock).run(0.05), 5)
    assert app.store.db["outbox"].get(head)["status"] == "pending"  # kept for a new token


async def test_a_lane_woken_while_an_event_is_worked_leaves_its_inbox_row_alone(
    app: App, clock: FakeClock
) -> None:
    """A lane a wake starts inside an inbox event's work (the engine's notify) runs in the
    drainer's own context: its transactions do not mark that event's row done again (the
    event's own commit did), so marking a post sent writes nothing to the inbox."""
    messenger = RecordingMessenger()
    drainer = OutboxDrainer(app.store, messenger, clock)
    task = asyncio.create_task(drainer.run_woken_by(app.engine.on_outbox, poll_seconds=60))
    statements: list[str] = []
    try:
        await asyncio.sleep(0.01)  # running, idle
        with app.store.inbox_processing(7, "worker-1", clock.now()):
            app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))  # wakes it
        assert set(drainer._lanes) == {"C1"}  # started in the event's work
        app.store.db.conn.set_trace_callback(statements.append)
        await eventually(lambda: len(messenger.sent) == 3)
        await eventually(lambda: not drainer._lanes)  # each row marked sent
    finally:
        app.store.db.conn.set_trace_callback(None)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert sum(s == "COMMIT" for s in statements) == 3  # each row marked sent
    assert not [s for s in statements if "inbox" in s]


async def test_an_idle_drainer_starts_a_new_cases_lane_as_it_is_woken(
    app: App, clock: FakeClock
) -> None:
    """No turn of the drainer's loop between the engine's commit and the lane: the first
    post goes as soon as the writer yields. A busy drainer is only woken, as before."""
    messenger = RecordingMessenger()
    drainer = OutboxDrainer(app.store, messenger, clock)
    task = asyncio.create_task(drainer.run_woken_by(app.engine.on_outbox, poll_seconds=60))
    try:
        await asyncio.sleep(0.01)  # running, idle
        app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))  # wakes it
        assert set(drainer._lanes) == {"C1"}  # started within open_case's notify
        app.engine.open_case(complaint("My order 2 never arrived!", "m-2", author=JOHN))
        assert set(drainer._lanes) == {"C1"}  # busy: that lane takes its channel's rows
        await eventually(lambda: len(messenger.sent) == 6)
        assert [item.case_id for item in messenger.sent] == [1, 1, 1, 2, 2, 2]
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
