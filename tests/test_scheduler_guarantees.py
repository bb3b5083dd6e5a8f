"""The scheduler's delivery guarantee across processes, and a 10,000-reminder burst."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.base.clocks import ReminderKind
from bot.core.base.model import Actor
from bot.core.base.outbox import OutboxItem, RateLimited
from bot.core.base.ports import LanguageDetector
from bot.core.delivery.drainer import OutboxDrainer
from bot.settings import Settings
from bot.wiring import App, build
from tests.conftest import AGENT, complaint
from tests.support import FakeClock

CRASH_AFTER_CLAIM = """
import os, sys
from bot.settings import Settings
from bot.wiring import build
app = build(Settings.from_env({"SERENO_DB": sys.argv[1]}))
claim = app.store.update_reminder
def claim_then_die(*args, **kwargs):
    claim(*args, **kwargs)
    os._exit(9)  # killed after claiming and queueing the ping, before the commit
app.store.update_reminder = claim_then_die
app.scheduler.tick()
"""

TICKER = """
import sys
from bot.settings import Settings
from bot.wiring import build
app = build(Settings.from_env({"SERENO_DB": sys.argv[1]}))
app.scheduler.batch = 7
sent = sum(app.scheduler.tick() for _ in range(60))
print(sent)
"""


def ping_rows(app: App) -> list[dict[str, object]]:
    return list(
        app.store.db.query(
            "SELECT step_id, count(*) AS n FROM outbox WHERE kind = 'ping' GROUP BY step_id"
        )
    )


def customer(n: int) -> Actor:
    """One customer per case: one author's many complaints in a minute would be a flood."""
    return Actor("test", f"U-{n}", f"Customer {n}")


def open_cases_an_hour_ago(db: Path, detector: LanguageDetector, count: int) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(hours=1))
    app = build(Settings.from_env({"SERENO_DB": str(db)}), clock=clock, detector=detector)
    for n in range(count):
        app.engine.open_case(complaint(f"My order {n} never arrived!", f"m-{n}", customer(n)))
    app.close()


def run_python(script: str, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(db)],
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_process_killed_after_claiming_leaves_the_reminder_to_the_next(
    db_path: Path, detector: LanguageDetector
) -> None:
    open_cases_an_hour_ago(db_path, detector, 1)
    child = run_python(CRASH_AFTER_CLAIM, db_path)
    assert child.wait(timeout=120) == 9, child.stderr.read() if child.stderr else ""
    app = build(Settings.from_env({"SERENO_DB": str(db_path)}), detector=detector)
    assert ping_rows(app) == []  # the dead process's claim and ping were rolled back together
    assert app.scheduler.tick() == 1
    assert app.scheduler.tick() == 0
    assert ping_rows(app) == [{"step_id": "reminder:1", "n": 1}]  # exactly once
    app.close()


def test_two_schedulers_on_one_file_never_double_ping(
    db_path: Path, detector: LanguageDetector
) -> None:
    open_cases_an_hour_ago(db_path, detector, 60)
    children = [run_python(TICKER, db_path) for _ in range(2)]
    totals = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        totals.append(int(out.strip()))
    app = build(Settings.from_env({"SERENO_DB": str(db_path)}), detector=detector)
    rows = ping_rows(app)
    assert sum(totals) == len(rows) == 60
    assert {row["n"] for row in rows} == {1}
    app.close()


class RateLimitedMessenger:
    """Accepts `per_second` messages per second of the fake clock, 429s the rest."""

    platform = "test"

    def __init__(self, clock: FakeClock, per_second: int) -> None:
        self.clock, self.per_second = clock, per_second
        self.sent: list[OutboxItem] = []
        self.per_bucket: dict[int, int] = {}

    async def send(self, item: OutboxItem) -> str:
        bucket = int(self.clock.now().timestamp())
        if self.per_bucket.get(bucket, 0) >= self.per_second:
            raise RateLimited(1.0)
        self.per_bucket[bucket] = self.per_bucket.get(bucket, 0) + 1
        self.sent.append(item)
        return item.edit_target or f"p{item.id}"


async def test_ten_thousand_due_reminders_go_out_in_order_within_the_rate(
    app: App, clock: FakeClock
) -> None:
    cases = [
        app.engine.open_case(complaint(f"Order {n} is late", f"m-{n}", customer(n)))
        for n in range(20)
    ]
    now = clock.now()
    with app.store.atomic():
        for n in range(10_000):
            case = cases[n % 20]
            assert case is not None
            due = now - timedelta(hours=3) + timedelta(seconds=n)
            app.store.add_reminder(case.id, ReminderKind.CUSTOM, due, f"r{n}", AGENT, now)
    queued = 0
    while batch := app.scheduler.tick():
        queued += batch
    assert queued == 10_000

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    messenger = RateLimitedMessenger(clock, per_second=200)
    await OutboxDrainer(app.store, messenger, clock, sleep=sleep).drain_once()
    notes = [item.card.lines[-1] for item in messenger.sent if item.card.kind == "ping"]
    assert notes == [f"Note: r{n}" for n in range(10_000)]  # in due order, none twice
    assert max(messenger.per_bucket.values()) <= 200
