"""The outbox: order, rate limits, retries, failures, and resending after a crash."""

from __future__ import annotations

import contextlib

from bot.core.base.outbox import PermanentError, RateLimited, TransientError, backoff
from bot.core.delivery.drainer import OutboxDrainer
from bot.wiring import App
from tests.conftest import JOHN, complaint
from tests.support import FakeClock, RecordingMessenger


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def open_two(app: App) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    app.engine.open_case(complaint("Mi pedido 2 llegó roto.", "m-2", author=JOHN))


async def test_drains_in_order_and_marks_sent(app: App, clock: FakeClock) -> None:
    open_two(app)
    messenger = RecordingMessenger()
    delivered = await OutboxDrainer(app.store, messenger, clock).drain_once()
    assert delivered == 6
    assert [i.id for i in messenger.sent] == sorted(i.id for i in messenger.sent)
    assert [i.case_id for i in messenger.sent] == [1, 1, 1, 2, 2, 2]
    assert list(app.store.iter_pending_outbox("test")) == []
    assert app.store.outbox_by_message("test", f"p{messenger.sent[1].id}") is not None


async def test_rate_limit_is_waited_out_in_place(app: App, clock: FakeClock) -> None:
    open_two(app)
    sleeps = Sleeps()
    messenger = RecordingMessenger(failures=[RateLimited(7.0)])
    await OutboxDrainer(app.store, messenger, clock, sleep=sleeps).drain_once()
    assert sleeps.calls == [7.0]
    assert [i.id for i in messenger.sent] == sorted(i.id for i in messenger.sent)
    assert len(messenger.sent) == 6


async def test_transient_errors_back_off_then_succeed(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    messenger = RecordingMessenger(failures=[TransientError("502")])
    drainer = OutboxDrainer(app.store, messenger, clock)
    assert await drainer.drain_once() == 0  # held back: nothing overtakes the failed row
    assert messenger.sent == []
    clock.advance(seconds=backoff(1))
    assert await drainer.drain_once() == 3
    assert backoff(1) < backoff(3) <= backoff(30) == 300.0


async def test_a_held_back_channel_does_not_block_the_others(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1", channel="C1"))
    app.engine.open_case(complaint("My order 2 never arrived!", "m-2", channel="C2"))
    messenger = RecordingMessenger(failures=[TransientError("503")])
    assert await OutboxDrainer(app.store, messenger, clock).drain_once() == 3
    assert {i.channel_id for i in messenger.sent} == {"C2"}


async def test_permanent_error_marks_failed_and_moves_on(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    messenger = RecordingMessenger(failures=[PermanentError("missing permission")])
    assert await OutboxDrainer(app.store, messenger, clock).drain_once() == 2
    failed = list(app.store.db.query("SELECT * FROM outbox WHERE status = 'failed'"))
    assert len(failed) == 1 and failed[0]["error"] == "missing permission"


async def test_edits_wait_for_their_target_and_use_its_id(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    assert case is not None
    app.engine.note(case, app_agent(), "x")
    app.engine.claim(case, app_agent())
    messenger = RecordingMessenger()
    await OutboxDrainer(app.store, messenger, clock).drain_once()
    header = messenger.sent[0]
    edits = [i for i in messenger.sent if i.edit_of == header.id]
    assert edits and all(i.edit_target == f"p{header.id}" for i in edits)


async def test_a_crash_before_marking_sent_resends_after_restart(
    app: App, clock: FakeClock
) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))

    class CrashAfterSending(RecordingMessenger):
        async def send(self, item):  # type: ignore[no-untyped-def]
            await super().send(item)
            if len(self.sent) == 2:
                raise KeyboardInterrupt  # the process dies after the platform accepted it

    crashing = CrashAfterSending()
    with contextlib.suppress(KeyboardInterrupt):
        await OutboxDrainer(app.store, crashing, clock).drain_once()
    assert len(crashing.sent) == 2
    restarted = RecordingMessenger()
    await OutboxDrainer(app.store, restarted, clock).drain_once()
    # At least once: the row in flight at the crash is sent again, nothing else twice.
    assert [i.id for i in restarted.sent] == [crashing.sent[1].id, crashing.sent[1].id + 1]
    assert list(app.store.iter_pending_outbox("test")) == []


def app_agent():  # type: ignore[no-untyped-def]
    from tests.conftest import AGENT

    return AGENT
