"""Helpers for the fault battery (issue 10, item 9): complaints delivered as Slack delivers
them, a tally of what became of them, and the faults themselves (a held write lock, a full
disk).

*Acknowledged* means what it means to Slack: an HTTP 200 within 3 s. Anything else (a
non-200, a dropped connection, no answer within 3 s) is a failed delivery, which Slack
tries again — at once, after about a minute, after about five — with the same body and
``event_id`` and an ``X-Slack-Retry-Num`` header, then gives up. `SlackSender.deliver`
does the same on a clock 30 times faster. A complaint is also written to the fake's
channel history when it is posted (as on Slack, where a message is in the channel
whether or not its event got through), so a Sereno that catches up after downtime can
find it there.

A complaint is *lost* when it was acknowledged and, once everything has settled, has no
case or not all of its guidance (`CARDS`) in its thread. A *duplicate* is a card posted
twice in one thread.

``FAULTS_SOURCE_TREE=/path/to/a/checkout`` (in the test process's environment) serves
that checkout's code instead of this one — to measure an older Sereno with the same
tests: its packages are linked into the served process's working directory, which
``python -m`` puts first on the path.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.acceptance.chat import COMPLAINT
from tests.acceptance.delivery import CARDS
from tests.acceptance.served import Served
from tests.acceptance.slack_chat import EVENTS_PATH, SECRET, USERS
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack

SLACK_TIMEOUT = 3.0  # Slack gives up on a delivery not answered 2xx within 3 s
SLACK_RETRIES_AFTER = (0.0, 2.0, 10.0)  # at once, ~1 min, ~5 min after a failure, 30x faster
POLL = 0.2
QUIET = 4.0  # nothing changes and nothing is pending this long: settled
SOURCE_PACKAGES = ("bot", "handlers", "storage", "playbooks")


def served(workdir: Path, config: dict[str, str]) -> Served:
    """A `Served` on `workdir`, running ``FAULTS_SOURCE_TREE``'s code when that is set."""
    tree = os.environ.get("FAULTS_SOURCE_TREE")
    workdir.mkdir(parents=True, exist_ok=True)
    if tree:
        for name in SOURCE_PACKAGES:
            if (Path(tree) / name).exists() and not (workdir / name).exists():
                (workdir / name).symlink_to(Path(tree) / name)
    return Served(workdir, config)


def slack_config(settings: dict[str, str], db: Path, **extra: str) -> dict[str, str]:
    """A served Slack that posts as fast as the fake takes it and pings nobody here."""
    return {
        **settings,
        "SERENO_DB": str(db),
        "SERENO_LOG_LEVEL": "INFO",
        "SERENO_SLACK_POST_INTERVAL": "0s",
        "SERENO_FIRST_RESPONSE": "1h",
        **extra,
    }


def customers(count: int, tag: str) -> tuple[dict[str, str], list[str]]:
    """`count` distinct customers (``U-cust-<tag>-<n>``): the fake's users (with the usual
    agents) and their ids, in order."""
    ids = [f"U-cust-{tag}-{n:04d}" for n in range(count)]
    return {**USERS, **{uid: f"customer {tag} {n}" for n, uid in enumerate(ids)}}, ids


# -- complaints as Slack delivers them --------------------------------------------------------

_last_ts = 0.0


def slack_ts() -> str:
    """A message ts as Slack makes them (the wall clock), unique and increasing."""
    global _last_ts
    _last_ts = max(time.time(), _last_ts + 0.000_01)
    return f"{_last_ts:.6f}"


@dataclass
class Complaint:
    """One complaint a customer posted, and every attempt to deliver its event."""

    n: int
    room: str
    user: str
    ts: str
    event_id: str
    body: bytes
    answers: list[str] = field(default_factory=list)  # "200", "503", "timeout", "dropped", …
    acked: bool = False

    @property
    def retries_left(self) -> bool:
        return len(self.answers) < 1 + len(SLACK_RETRIES_AFTER)

    @property
    def gave_up(self) -> bool:
        return not self.acked and not self.retries_left


def complaint(fake: FakeSlack, n: int, room: str, user: str) -> Complaint:
    """`user` posts a complaint in `room` now: in the channel's history, its event to send."""
    ts, text = slack_ts(), f"{COMPLAINT} Ref {n}."
    fake.add_history(room, text, user=user, ts=ts)
    body = sp.event_body(sp.message_event(room, user, text, ts))
    return Complaint(n, room, user, ts, str(body["event_id"]), json.dumps(body).encode())


class SlackSender:
    """Delivers events to the served process's Events API as Slack does."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SlackSender:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=SLACK_TIMEOUT),
            connector=aiohttp.TCPConnector(limit=0, force_close=True),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def attempt(self, c: Complaint) -> str:
        """One delivery of `c`'s event (a retry if it was tried before); how it went."""
        assert self._session is not None
        headers = {"Content-Type": "application/json", **sp.sign(SECRET, c.body)}
        if c.answers:
            headers["X-Slack-Retry-Num"] = str(len(c.answers))
            headers["X-Slack-Retry-Reason"] = _retry_reason(c.answers[-1])
        try:
            async with self._session.post(self.url, data=c.body, headers=headers) as response:
                await response.read()
                answer = str(response.status)
        except TimeoutError:
            answer = "timeout"
        except aiohttp.ClientConnectorError:
            answer = "refused"
        except aiohttp.ClientError:
            answer = "dropped"
        c.answers.append(answer)
        c.acked = c.acked or answer == "200"
        return answer

    async def deliver(self, c: Complaint) -> bool:
        """Deliver `c`, retrying as Slack does until acknowledged or given up."""
        for wait in (None, *SLACK_RETRIES_AFTER):
            if wait:
                await asyncio.sleep(wait)
            if await self.attempt(c) == "200":
                return True
        return False


def _retry_reason(answer: str) -> str:
    if answer == "timeout":
        return "http_timeout"
    return "http_error" if answer.isdigit() else "connection_failed"


async def later(delay: float, work: Callable[[], Awaitable[Any]]) -> Any:
    await asyncio.sleep(delay)
    return await work()


# -- what became of them ----------------------------------------------------------------------


def _query(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        return conn.execute(sql, args).fetchall()


def cases(db: Path, platform: str) -> dict[tuple[str, str], int]:
    """(channel, message id) -> case id, for every case the served process opened."""
    if not db.exists():
        return {}
    rows = _query(db, "SELECT channel_id, message_id, id FROM cases WHERE platform = ?", platform)
    return {(str(ch), str(msg)): int(case) for ch, msg, case in rows}


def pending(db: Path) -> int:
    """Outbox rows not yet sent and inbox rows not yet worked (work still under way)."""
    if not db.exists():
        return 0
    total = 0
    for sql in (
        "SELECT count(*) FROM outbox WHERE status = 'pending'",
        "SELECT count(*) FROM inbox WHERE state = 'pending'",
    ):
        with contextlib.suppress(sqlite3.OperationalError):  # no inbox in older schemas
            total += int(_query(db, sql)[0][0])
    return total


def kind(title: str) -> str:
    return next((k for k in CARDS if title.startswith(k)), title)


def slack_threads(fake: FakeSlack) -> dict[str, list[str]]:
    """Thread ts -> the kinds of the posts Slack accepted there, in order."""
    threads: dict[str, list[str]] = {}
    for c in fake.calls("chat.postMessage", ok=True):
        thread = c.params.get("thread_ts")
        if thread:
            title = str(c.params.get("text", "")).split("\n", 1)[0]
            threads.setdefault(str(thread), []).append(kind(title))
    return threads


@dataclass
class Tally:
    """What became of a batch of complaints."""

    what: str
    acked_means: str = f"acknowledged (HTTP 200 within {SLACK_TIMEOUT:g} s)"
    sent: int = 0
    acked: int = 0
    gave_up: list[int] = field(default_factory=list)  # complaint numbers never acknowledged
    lost_no_case: list[int] = field(default_factory=list)
    lost_no_guidance: dict[int, list[str]] = field(default_factory=dict)  # n -> kinds seen
    unacked_lost: int = 0  # never acknowledged and no case either
    duplicates: dict[int, int] = field(default_factory=dict)  # case id -> extra posts
    disorder: dict[int, list[str]] = field(default_factory=dict)  # case id -> kinds
    answers: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    progress: tuple[int, ...] = ()
    row: tuple[str, str, str] | None = None  # the table: (fault, acknowledged, lost)

    @property
    def lost(self) -> int:
        return len(self.lost_no_case) + len(self.lost_no_guidance)

    @property
    def duplicate_posts(self) -> int:
        return sum(self.duplicates.values())

    @property
    def complete(self) -> bool:
        return not self.lost and not self.unacked_lost

    @property
    def measured(self) -> str:
        """The numbers to quote: acknowledged, lost (of those), duplicate posts."""
        return (
            f"MEASURED: acknowledged {self.acked} / lost {self.lost} / "
            f"duplicates {self.duplicate_posts}"
        )

    def report(self) -> str:
        fault, acknowledged, lost = self.row or (self.what, str(self.acked), str(self.lost))
        lines = [
            f"{self.what} — {self.measured}",
            f"  the issue's table re-measured: | {fault} | {acknowledged} | {lost} |",
            f"  {self.sent} complaints sent, {self.acked} {self.acked_means}, "
            f"{len(self.gave_up)} never acknowledged",
            f"  LOST (acknowledged, then no case or no guidance): {self.lost}"
            + (f" — no case: {_few(self.lost_no_case)}" if self.lost_no_case else "")
            + (
                f" — no full guidance: {_few(list(self.lost_no_guidance.items()))}"
                if self.lost_no_guidance
                else ""
            ),
            f"  never acknowledged and never opened either: {self.unacked_lost}"
            + (f" ({_few(self.gave_up)})" if self.gave_up else ""),
            f"  duplicate posts: {self.duplicate_posts}"
            + (f" in cases {_few(sorted(self.duplicates))}" if self.duplicates else ""),
            f"  guidance out of order: {len(self.disorder)}"
            + (f" — {_few(list(self.disorder.items()))}" if self.disorder else ""),
            f"  delivery attempts answered: {dict(sorted(self.answers.items()))}",
            *[f"  {n}" for n in self.notes],
        ]
        return "\n".join(lines)


def _few(items: list[Any], shown: int = 12) -> str:
    more = f" … (+{len(items) - shown})" if len(items) > shown else ""
    return ", ".join(str(i) for i in items[:shown]) + more


def tally_threads(
    what: str,
    sent: list[tuple[int, str, str, bool]],  # (n, room, message id, acknowledged)
    opened: dict[tuple[str, str], int],
    threads: dict[str, list[str]],
) -> Tally:
    """The tally of complaints (n, room, message id, acked) against cases and thread posts."""
    t = Tally(what, sent=len(sent))
    for n, room, message, acked in sent:
        case = opened.get((room, message))
        kinds = threads.get(message, [])
        t.acked += acked
        if not acked:
            t.gave_up.append(n)
        if case is None:
            if acked:
                t.lost_no_case.append(n)
            else:
                t.unacked_lost += 1
            continue
        if not set(CARDS) <= set(kinds):
            if acked:
                t.lost_no_guidance[n] = kinds
            else:
                t.unacked_lost += 1
        extra = len(kinds) - len(set(kinds))
        if extra:
            t.duplicates[case] = extra
        firsts = [k for i, k in enumerate(kinds) if k not in kinds[:i]]
        if firsts != list(CARDS)[: len(firsts)] or kinds != sorted(kinds, key=_card_order):
            t.disorder[case] = kinds
    t.progress = (len(opened), sum(len(k) for k in threads.values()))
    return t


def _card_order(k: str) -> int:
    return CARDS.index(k) if k in CARDS else len(CARDS)


def tally_slack(what: str, fake: FakeSlack, db: Path, sent: list[Complaint]) -> Tally:
    t = tally_threads(
        what,
        [(c.n, c.room, c.ts, c.acked) for c in sent],
        cases(db, "slack"),
        slack_threads(fake),
    )
    t.answers = Counter(a for c in sent for a in c.answers)
    return t


async def settle(
    look: Callable[[], Tally], db: Path, *, timeout: float, served: Served | None = None
) -> Tally:
    """Poll `look` until every complaint is served, or until nothing has changed and nothing
    is pending for QUIET seconds (what is missing then stays missing), or `timeout`."""
    deadline = time.monotonic() + timeout
    last: tuple[int, ...] | None = None
    since = time.monotonic()
    while True:
        t = look()
        now = time.monotonic()
        if t.complete:
            return t
        busy = pending(db)
        signature = (*t.progress, busy)
        if signature != last:
            last, since = signature, now
        elif not busy and now - since >= QUIET:
            t.notes.append(f"settled: nothing changed and nothing pending for {QUIET:g} s")
            return t
        if now >= deadline:
            t.notes.append(f"gave up waiting after {timeout:g} s ({busy} rows still pending)")
            return t
        if served is not None and not served.running:
            t.notes.append(f"sereno run died\n{served.tail()}")
            return t
        await asyncio.sleep(POLL)


# -- the faults -------------------------------------------------------------------------------


class WriteLock:
    """Another process's connection holding the database's write lock (BEGIN IMMEDIATE)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.conn: sqlite3.Connection | None = None

    async def take(self) -> None:
        self.conn = sqlite3.connect(
            str(self.db), timeout=10, isolation_level=None, check_same_thread=False
        )
        await asyncio.to_thread(self.conn.execute, "BEGIN IMMEDIATE")

    async def release(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            await asyncio.to_thread(conn.execute, "ROLLBACK")
            conn.close()


def can_mount() -> bool:
    return os.geteuid() == 0


class TmpfsDisk:
    """A small tmpfs (root only) holding the database, filled up and freed on demand."""

    def __init__(self, where: Path, size: str) -> None:
        self.where, self.size = where, size
        self.filler = where / "filler"
        self.mounted = False

    def mount(self) -> None:
        self.where.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.size},mode=0700", "tmpfs", str(self.where)],
            check=True,
            capture_output=True,
            timeout=10,
        )
        self.mounted = True

    def unmount(self) -> None:
        if self.mounted:
            subprocess.run(["umount", str(self.where)], check=False, timeout=10)
            self.mounted = False

    def fill(self) -> int:
        """Write until the disk is full; the bytes written."""
        written, chunk = 0, b"\0" * 65536
        with self.filler.open("wb", buffering=0) as f:
            for size in (65536, 4096, 512, 1):
                try:
                    while True:
                        written += f.write(chunk[:size])
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
        return written

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


class CappedDatabase:
    """Without root: the database filled to SERENO_DB_MAX_MB by another connection's filler
    table (Sereno's connection may not grow the file past it), and freed by dropping it."""

    def __init__(self, db: Path, cap_mb: int) -> None:
        self.db, self.cap_mb = db, cap_mb

    def fill(self) -> int:
        cap = self.cap_mb * 1024 * 1024
        with contextlib.closing(sqlite3.connect(str(self.db), timeout=10)) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS faults_filler (b BLOB)")
            page = int(conn.execute("PRAGMA page_size").fetchone()[0])
            while int(conn.execute("PRAGMA page_count").fetchone()[0]) * page < cap - 4 * page:
                conn.execute("INSERT INTO faults_filler VALUES (zeroblob(16384))")
                conn.commit()
            return int(conn.execute("PRAGMA page_count").fetchone()[0]) * page

    def free(self) -> None:
        with contextlib.closing(sqlite3.connect(str(self.db), timeout=10)) as conn:
            conn.execute("DROP TABLE IF EXISTS faults_filler")
            conn.commit()
