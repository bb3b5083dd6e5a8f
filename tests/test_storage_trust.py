"""Storage you can trust: private files, one line for a bad file, a background
integrity check and `sereno backup` (issue 10, item 7).

Real SQLite files in tmp_path; the commands run as subprocesses, as an operator runs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.serve import core_jobs
from bot.settings import Settings
from bot.wiring import App, build
from storage.db import open_database, quick_check, report_integrity

SECRET = "test-signing-secret"
RUN_WITHIN = 60  # seconds for one `sereno` subprocess: two cores shared with other work


def sereno(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`sereno ARGS` in tmp_path with only PATH and the given settings."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_WITHIN,
        stdin=subprocess.DEVNULL,
    )


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def damaged_database(path: Path) -> None:
    """A migrated database whose pages Sereno never reads at start-up are overwritten."""
    db = open_database(path)
    db.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("CREATE INDEX filler_body ON filler (body)")
    with db.conn:
        db.conn.executemany(
            "INSERT INTO filler (body) VALUES (?)",
            [(f"row {i} " + "x" * 200,) for i in range(2000)],
        )
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'filler_body'").fetchone()[0]
    page = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    with path.open("r+b") as raw:
        raw.seek((root - 1) * page + 200)
        raw.write(os.urandom(page - 300))


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a plain open() makes world-readable files."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_new_database_files_are_readable_by_their_owner_only(
    tmp_path: Path, umask_022: None
) -> None:
    path = tmp_path / "new.db"
    db = open_database(path)
    db["cases"].count  # noqa: B018 - the WAL files exist once the file is used
    for name in ("new.db", "new.db-wal", "new.db-shm"):
        assert mode(tmp_path / name) == 0o600, name
    db.close()


def test_looser_database_files_are_narrowed_with_one_warning(
    tmp_path: Path, umask_022: None, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.db"
    open_database(path).close()
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="storage.db"):
        open_database(path).close()
        open_database(path).close()
    assert mode(path) == 0o600
    warnings = [r.getMessage() for r in caplog.records if r.name == "storage.db"]
    assert len(warnings) == 1 and str(path) in warnings[0], warnings


SERVED = {"SLACK_BOT_TOKEN": "xoxb-test", "SERENO_SLACK_CHANNELS": "C1"}
SERVED |= {"SERENO_SLACK_AGENTS": "U-ana", "SLACK_SIGNING_SECRET": SECRET}
SERVED |= {"SLACK_API_URL": "http://127.0.0.1:9/api/"}  # never reached: start-up stops first


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["export"], {}),
        (["report"], {}),
        (["console"], {}),
        (["forget-customer", "slack:U1", "--yes"], {}),
        (["backup", "copy.db"], {}),
        (["run"], SERVED),
    ],
    ids=["export", "report", "console", "forget-customer", "backup", "run-slack"],
)
def test_a_corrupt_database_stops_every_command_with_one_line(
    tmp_path: Path, args: list[str], extra: dict[str, str]
) -> None:
    (tmp_path / "x.db").write_bytes(os.urandom(16384))
    result = sereno(tmp_path, *args, SERENO_DB="x.db", **extra)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "sereno: SERENO_DB x.db is not a SQLite database (file is not a database); restore it "
        "from a backup (see README 'Backups') or move it away to start afresh"
    ]
    assert not (tmp_path / "copy.db").exists()


def test_a_database_that_cannot_be_opened_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "x.db").mkdir()  # as root, a directory is what cannot be opened
    result = sereno(tmp_path, "export", SERENO_DB="x.db")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("sereno: SERENO_DB x.db cannot be opened (") and "read and write" in line


def test_a_world_readable_env_file_gets_one_warning_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SERENO_DB=env.db\nSLACK_BOT_TOKEN=\n", encoding="utf-8")
    env_file.chmod(0o644)
    result = sereno(tmp_path, "export", "--out", "all.csv")
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert "WARNING" in line and "can be read by other users (mode 0644)" in line
    assert f"chmod 600 {env_file}" in line and (tmp_path / "env.db").exists()
    env_file.chmod(0o600)
    assert sereno(tmp_path, "export", "--out", "all.csv").stderr == ""


def test_quick_check_finds_damage_that_start_up_never_reads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "damaged.db"
    damaged_database(path)
    open_database(path).close()  # start-up does not notice ...
    assert quick_check(path)  # ... the check does
    with caplog.at_level(logging.INFO, logger="storage.db"):
        assert report_integrity(path)  # the first problem found
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    message = error.getMessage()
    assert "\n" not in message and str(path) in message and "is damaged" in message
    sound = tmp_path / "sound.db"
    open_database(sound).close()
    assert quick_check(sound) == [] and report_integrity(sound) is None


def test_the_database_check_is_a_core_job_of_the_served_process(app: App) -> None:
    assert "database-check" in [job.name for job in core_jobs(app)]


async def test_damage_found_while_serving_is_told_to_each_lead_once(tmp_path: Path) -> None:
    from bot.core.delivery.inbox_report import damage_reporter
    from storage.db import watch_integrity

    path = tmp_path / "damaged.db"
    damaged_database(path)
    live = build(Settings.from_env({"SERENO_DB": str(tmp_path / "live.db")}))
    report = damage_reporter(live.engine, {"slack": "U-lead", "discord": None})
    task = asyncio.create_task(watch_integrity(path, 0, 0.01, report))
    try:
        await asyncio.sleep(0.3)  # several checks, each finding the damage
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    notices = list(live.store.iter_pending_outbox("slack"))
    assert [n.channel_id for n in notices] == ["dm:U-lead"]
    assert "damaged" in notices[0].card.title and "backup" in " ".join(notices[0].card.lines)
    assert list(live.store.iter_pending_outbox("discord")) == []
    live.close()


def test_backup_is_private_refuses_to_overwrite_and_is_consistent(
    tmp_path: Path, umask_022: None
) -> None:
    db = open_database(tmp_path / "live.db")
    db["cases"].insert(
        {"platform": "t", "channel_id": "C1", "message_id": "m1", "customer_id": "U1"}
        | {"status": "new", "opened_at": "2026-11-26"}
    )
    db.execute("BEGIN IMMEDIATE")  # a writer in the middle of a transaction, as when serving
    db.execute(
        "INSERT INTO cases (platform, channel_id, message_id, customer_id, status, opened_at) "
        "VALUES ('t', 'C1', 'm2', 'U1', 'new', '2026-11-26')"
    )
    made = sereno(tmp_path, "backup", "copies/one.db", SERENO_DB="live.db")
    db.conn.commit()
    db.close()
    assert made.returncode == 0, made.stderr
    [line] = made.stdout.splitlines()
    assert line.startswith("Backed up live.db to copies/one.db: ") and line.endswith(", 1 case.")
    copy = tmp_path / "copies" / "one.db"
    assert mode(copy) == 0o600 and not copy.with_name("one.db-wal").exists()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT message_id FROM cases").fetchall() == [("m1",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    refused = sereno(tmp_path, "backup", "copies/one.db", SERENO_DB="live.db")
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "sereno: copies/one.db already exists; pass --force to overwrite it"
    ]
    forced = sereno(tmp_path, "backup", "copies/one.db", "--force", SERENO_DB="live.db")
    assert forced.returncode == 0 and forced.stdout.endswith(", 2 cases.\n"), forced.stderr
    assert mode(copy) == 0o600 and sorted(p.name for p in copy.parent.iterdir()) == ["one.db"]
    nothing = sereno(tmp_path, "backup", "two.db", SERENO_DB="missing.db")
    assert nothing.returncode == 2 and not (tmp_path / "missing.db").exists()
    assert nothing.stderr == "sereno: missing.db does not exist; there is nothing to back up\n"


def test_exports_written_to_files_are_readable_by_this_user_only(
    tmp_path: Path, umask_022: None
) -> None:
    (tmp_path / "old.csv").write_text("stale", encoding="utf-8")
    (tmp_path / "old.csv").chmod(0o644)  # an earlier export, world-readable
    result = sereno(tmp_path, "export", "--out", "old.csv", SERENO_DB=str(tmp_path / "e.db"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "old.csv").stat().st_mode & 0o777 == 0o600
    assert "stale" not in (tmp_path / "old.csv").read_text(encoding="utf-8-sig")
