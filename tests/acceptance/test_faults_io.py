"""The fault battery, continued (see `test_faults`): what is around Sereno fails.

* users.info answering a proxy's 503 page (not JSON) for 10 s, as text/plain (the
  issue's row), text/html and labelled application/json:
  every complaint is served meanwhile, addressed to the customer's id, with no traceback;
* another process holding the database's write lock for 10 s;
* a full disk: the database on a small tmpfs (root), else on SQLite's page cap
  (``SERENO_DB_MAX_MB``); ``FAULTS_DISK=cap`` picks the cap even as root.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from tests.acceptance.fault_served import (
    FAULT_COMPLAINTS,
    RECOVER,
    bit,
    faulty_period,
    slack_served,
    warm_up,
)
from tests.acceptance.faults import (
    CappedDatabase,
    SlackSender,
    Tally,
    TmpfsDisk,
    WriteLock,
    can_mount,
    customers,
    kind,
    settle,
    tally_slack,
)
from tests.acceptance.slack_chat import USERS

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.faults]

LOCK = 10.0
FULL = 6.0  # how long the disk stays full


# -- 2b. users.info answering a proxy's plain-text 503 ----------------------------------------

PROXY = 10.0  # how long users.info answers the proxy's page
PROXY_PAGES = {  # what a proxy in front of Slack answers, by the Content-Type it says
    "text/plain": "503 Service Unavailable: no healthy upstream\n",  # the row
    "text/html": "<html><head><title>503 Service Unavailable</title></head></html>",
}


async def proxied(workdir: Path, content_type: str) -> tuple[Tally, list[str]]:
    """Complaints sent while users.info answers a proxy's 503 page of `content_type`: their
    tally, and what went wrong (nothing: every one has its case and guidance, addressed to
    the customer's id, and the log has no traceback)."""
    tag = content_type.replace("/", "")
    _, ids = customers(FAULT_COMPLAINTS + 1, tag)
    names = {uid: f"Proxied{n} Customer" for n, uid in enumerate(ids)}  # told apart from ids
    page = PROXY_PAGES.get(content_type, PROXY_PAGES["text/html"])
    async with slack_served(workdir, {**USERS, **names}) as (chat, db):
        async with SlackSender(chat.port) as sender:
            await warm_up(chat, sender, ids[0])
            chat.fake.fail_for("users.info", PROXY, 503, body=page, content_type=content_type)
            ended = time.monotonic() + PROXY
            sent, tasks = await faulty_period(chat, sender, ids[1:], PROXY - 2.0)
            await asyncio.gather(*tasks)
        what = f"users.info answering a proxy's {content_type} 503 for {PROXY:g} s"
        tally = await settle(
            lambda: tally_slack(what, chat.fake, db, sent),
            db,
            timeout=RECOVER,
            served=chat.served,
        )
        log = chat.served.stderr()
        replies = {  # the post that addresses the customer: "<first name>, this is …"
            c.user: [p.text for p in chat.posts(c.ts) if kind(p.title) == "Suggested reply"]
            for c in sent
        }
        warm_named = any(
            f"{names[ids[0]].split()[0]}," in str(c.params.get("text"))
            for c in chat.fake.calls("chat.postMessage", ok=True)
        )
        lookups = [c for c in chat.fake.calls("users.info") if c.params.get("user") in replies]
    pages = [c for c in lookups if c.text is not None]
    answered = {str(c.params["user"]) for c in lookups if c.ok and c.time < ended}
    by_id = [u for u, texts in replies.items() if texts and all(f"{u}," in t for t in texts)]
    named = [u for u, texts in replies.items() if any(names[u].split()[0] in t for t in texts)]
    tracebacks = log.count("Traceback")
    tally.notes.append(
        f"users.info for these customers: {len(lookups)} calls, {len(pages)} answered the "
        f"proxy's page, {len(answered)} answered JSON during the fault; suggested replies "
        f"addressing the customer by id: {len(by_id)} of {len(replies)}, by name: "
        f"{len(named)} (the warm-up's, before the fault, by name: {warm_named}); "
        f"tracebacks in the log: {tracebacks}"
    )
    if tracebacks:
        first = log.index("Traceback")
        tally.notes.append("first traceback:\n" + log[first : first + 3000])
    problems = [
        *(["the proxy's page never reached Sereno"] if not pages or answered else []),
        *(["lost or duplicated"] if tally.lost or tally.unacked_lost or tally.duplicates else []),
        *(["not addressed by id meanwhile"] if len(by_id) < len(sent) or named else []),
        *(["the warm-up was not addressed by name"] if not warm_named else []),
        *(["a traceback in the log"] if tracebacks else []),
    ]
    return tally, problems


def proxy_report(results: list[tuple[Tally, list[str]]]) -> str:
    for tally, _ in results:
        tally.row = (tally.what, str(tally.acked), str(tally.lost))
    return "\n".join(t.report() + (f"\n  FAILED: {p}" if p else "") for t, p in results)


async def test_users_info_answering_a_proxys_plain_text_or_html_503_for_10s_loses_nothing(
    tmp_path: Path,
) -> None:
    results = await asyncio.gather(
        *(proxied(tmp_path / ct.replace("/", "-"), ct) for ct in PROXY_PAGES)
    )
    report = proxy_report(results)
    print(report)  # the measurement, shown by pytest -rP when it passes
    assert not any(problems for _, problems in results), report


async def test_users_info_answering_a_proxys_page_labelled_json_for_10s_loses_nothing(
    tmp_path: Path,
) -> None:
    results = [await proxied(tmp_path, "application/json")]
    report = proxy_report(results)
    print(report)  # the measurement, shown by pytest -rP when it passes
    assert not results[0][1], report


# -- 3. a write lock held for 10 s -----------------------------------------------------------


async def test_a_write_lock_held_10s_by_another_process_loses_no_acknowledged_complaint(
    tmp_path: Path,
) -> None:
    users, ids = customers(FAULT_COMPLAINTS + 1, "lock")
    async with slack_served(tmp_path, users) as (chat, db):
        async with SlackSender(chat.port) as sender:
            await warm_up(chat, sender, ids[0])
            lock = WriteLock(db)
            await lock.take()
            locked = time.monotonic()
            try:
                sent, tasks = await faulty_period(chat, sender, ids[1:], LOCK - 1.0)
                await asyncio.sleep(max(0.0, LOCK - (time.monotonic() - locked)))
            finally:
                await lock.release()
            held = time.monotonic() - locked
            await asyncio.gather(*tasks)
        tally = await settle(
            lambda: tally_slack(f"write lock held {held:.1f} s", chat.fake, db, sent),
            db,
            timeout=RECOVER,
            served=chat.served,
        )
        log = chat.served.stderr()
    tally.notes.append(f"'database is locked' in the log: {log.count('database is locked')}x")
    assert bit(tally, log, ("locked",)), "the lock never reached Sereno\n" + tally.report()
    print(tally.report())  # the measurement, shown by pytest -rP when it passes
    assert tally.lost == 0 and not tally.duplicates, tally.report()


# -- 4. a full disk ----------------------------------------------------------------------------

TMPFS_SIZE = "12m"
CAP_MB = 8


def disk_variant() -> str:
    wanted = os.environ.get("FAULTS_DISK")
    if wanted:
        return wanted
    return "tmpfs" if can_mount() else "cap"


async def test_a_full_disk_loses_no_acknowledged_complaint(tmp_path: Path) -> None:
    variant = disk_variant()
    users, ids = customers(FAULT_COMPLAINTS + 1, "disk")
    disk = TmpfsDisk(tmp_path / "disk", TMPFS_SIZE)
    extra: dict[str, str] = {}
    if variant == "tmpfs":
        disk.mount()
    else:
        extra["SERENO_DB_MAX_MB"] = str(CAP_MB)
    db_dir = disk.where if variant == "tmpfs" else None
    try:
        async with slack_served(tmp_path / "run", users, db_dir, **extra) as (chat, db):
            full: TmpfsDisk | CappedDatabase = (
                disk if variant == "tmpfs" else CappedDatabase(db, CAP_MB)
            )
            async with SlackSender(chat.port) as sender:
                await warm_up(chat, sender, ids[0])
                filled = full.fill()
                began = time.monotonic()
                try:
                    sent, tasks = await faulty_period(chat, sender, ids[1:], FULL - 1.0)
                    await asyncio.sleep(max(0.0, FULL - (time.monotonic() - began)))
                finally:
                    full.free()
                await asyncio.gather(*tasks)
            what = (
                f"disk full for {FULL:g} s ({TMPFS_SIZE} tmpfs, {filled} bytes of filler)"
                if variant == "tmpfs"
                else f"database at SERENO_DB_MAX_MB={CAP_MB} for {FULL:g} s"
            )
            tally = await settle(
                lambda: tally_slack(what, chat.fake, db, sent),
                db,
                timeout=RECOVER,
                served=chat.served,
            )
            log = chat.served.stderr()
    finally:
        disk.unmount()
    tally.notes.append(f"'full' in the log: {log.count('full')}x")
    assert bit(tally, log, ("full",)), "the full disk never reached Sereno\n" + tally.report()
    print(tally.report())  # the measurement, shown by pytest -rP when it passes
    assert tally.lost == 0 and not tally.duplicates, tally.report()
