"""Forward-only schema migrations, applied at startup in order.

Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("sereno")


@MIGRATIONS()
def m001_cases_and_timeline(db: Database) -> None:
    """Cases, their steps, and the append-only timeline."""
    db["cases"].create(
        {
            "id": int,
            "platform": str,
            "channel_id": str,
            "message_id": str,
            "thread_id": str,
            "customer_id": str,
            "customer_name": str,
            "text": str,
            "status": str,
            "assignee_id": str,
            "assignee_name": str,
            "playbook_id": str,
            "language": str,
            "reason": str,
            "kind": str,
            "intensity": int,
            "impact": str,
            "reading": str,
            "flags": str,
            "opened_at": str,
            "updated_at": str,
            "first_response_at": str,
            "resolved_at": str,
            "closed_at": str,
            "followup_at": str,
        },
        pk="id",
        not_null={"platform", "channel_id", "message_id", "customer_id", "status", "opened_at"},
    )
    db["cases"].create_index(["platform", "channel_id", "message_id"], unique=True)
    db["cases"].create_index(["status", "channel_id"])
    db["cases"].create_index(["platform", "customer_id", "opened_at"])
    db["cases"].create_index(["platform", "thread_id"])
    db["case_steps"].create(
        {
            "case_id": int,
            "step_id": str,
            "position": int,
            "state": str,
            "actor_id": str,
            "actor_name": str,
            "via": str,
            "at": str,
        },
        pk=("case_id", "step_id"),
        foreign_keys=[("case_id", "cases", "id")],
    )
    db["events"].create(
        {
            "id": int,
            "case_id": int,
            "at": str,
            "actor_id": str,
            "actor_name": str,
            "kind": str,
            "details": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "at", "kind"},
    )
    db["events"].create_index(["case_id", "id"])
    # The timeline is append-only: the database itself refuses changes.
    db.execute(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END"
    )


@MIGRATIONS()
def m002_outbox_dedupe_reminders(db: Database) -> None:
    """The outbox, delivered-event de-duplication, and reminders."""
    db["outbox"].create(
        {
            "id": int,
            "platform": str,
            "channel_id": str,
            "thread_id": str,
            "case_id": int,
            "kind": str,
            "step_id": str,
            "payload": str,
            "edit_of": int,
            "status": str,
            "attempts": int,
            "not_before": str,
            "platform_message_id": str,
            "error": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id"), ("edit_of", "outbox", "id")],
        not_null={"platform", "channel_id", "kind", "payload", "status", "created_at"},
        defaults={"attempts": 0},
    )
    db["outbox"].create_index(["platform", "status", "id"])
    db["outbox"].create_index(["platform", "channel_id", "status", "id"])
    db["outbox"].create_index(["platform", "platform_message_id"])
    db["outbox"].create_index(["case_id", "kind"])
    db["seen_events"].create(
        {"platform": str, "event_id": str, "at": str}, pk=("platform", "event_id")
    )
    db["reminders"].create(
        {
            "id": int,
            "case_id": int,
            "kind": str,
            "due_at": str,
            "status": str,
            "note": str,
            "created_by": str,
            "created_at": str,
            "claimed_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "kind", "due_at", "status", "created_at"},
    )
    db["reminders"].create_index(["status", "due_at"])
    db["reminders"].create_index(["case_id", "status"])


@MIGRATIONS()
def m003_reminder_delivery(db: Database) -> None:
    """Reminders remember their ping, its escalation, and who finished them."""
    table = db["reminders"]
    for column in ("escalate_at", "escalated_at", "done_at", "done_by", "claimed_by"):
        table.add_column(column, str)
    table.add_column("ping_outbox_id", int)
    table.create_index(["status", "escalate_at"])


@MIGRATIONS()
def m004_outbox_lanes(db: Database) -> None:
    """Outbox rows queue per case (not per channel) and opening cards and pings go first."""
    table = db["outbox"]
    table.add_column("priority", int, not_null_default=1)
    table.add_column("first_failed_at", str)
    table.create_index(["platform", "status", "case_id", "id"])
    table.create_index(["platform", "channel_id", "status", "priority", "id"])


@MIGRATIONS()
def m005_inbox_and_cursors(db: Database) -> None:
    """Every platform event is written here before it is acknowledged, then worked per lane;
    `channel_cursors` holds the newest message seen per channel, for catch-up after downtime."""
    db["inbox"].create(
        {
            "id": int,
            "platform": str,
            "key": str,
            "lane": str,
            "kind": str,
            "payload": str,
            "author_id": str,
            "received_at": str,
            "state": str,
            "attempts": int,
            "next_at": str,
            "last_error": str,
            "claimed_by": str,
            "claimed_until": str,
            "done_at": str,
        },
        pk="id",
        not_null={"platform", "key", "lane", "kind", "received_at", "state", "attempts"},
        defaults={"state": "pending", "attempts": 0},
    )
    db["inbox"].create_index(["platform", "key"], unique=True)
    db["inbox"].create_index(["platform", "state", "lane", "id"])
    db["inbox"].create_index(["state", "done_at"])
    db["inbox"].create_index(["author_id"])
    db["channel_cursors"].create(
        {"platform": str, "channel_id": str, "last_id": str, "updated_at": str},
        pk=("platform", "channel_id"),
        not_null={"last_id", "updated_at"},
    )


@MIGRATIONS()
def m006_cases_posted_at(db: Database) -> None:
    """Cases remember when the customer posted the complaint (Slack's `ts`, Discord's
    snowflake), which a case opened late by catch-up does not share with `opened_at`:
    flood containment counts by it. Earlier cases take their `opened_at`."""
    table = db["cases"]
    table.add_column("posted_at", str)
    db.execute("UPDATE cases SET posted_at = opened_at")
    table.create_index(["platform", "customer_id", "posted_at"])


@MIGRATIONS()
def m007_staff_places(db: Database) -> None:
    """A case opened in a channel customers can read keeps its guidance in a staff-only
    place: `staff_channel_id`, and `staff_thread_id` once the thread's opener is posted.
    Outbox rows name the opener they thread under (`thread_of`) until its ts is known."""
    cases = db["cases"]
    cases.add_column("staff_channel_id", str)
    cases.add_column("staff_thread_id", str)
    cases.create_index(["platform", "staff_thread_id"])
    db["outbox"].add_column("thread_of", int)


@MIGRATIONS()
def m008_long_histories(db: Database) -> None:
    """Indexes so what agents look at costs what it shows, not what the file holds: cases by
    the time they were opened (a period's report or export) and resolved (an agent's load),
    cases of one status in number order (`list`), and a small partial index of follow-ups by
    due time (the report's follow-up figure)."""
    cases = db["cases"]
    cases.create_index(["opened_at"])
    cases.create_index(["resolved_at"])
    cases.create_index(["status", "id"])
    db.execute(
        "CREATE INDEX idx_reminders_followup_due_at ON reminders (due_at) WHERE kind = 'follow-up'"
    )


#: What a sent outbox row keeps of its card: what later readers of a sent row look at (its
#: kind and title, whom it mentions, the message it points to), not the text the platform
#: now holds. Card.from_json reads the rest as empty.
_SENT_CARD = (
    "json_object('kind', json_extract(NEW.payload, '$.kind'), "
    "'title', json_extract(NEW.payload, '$.title'), "
    "'mentions', json(coalesce(json_extract(NEW.payload, '$.mentions'), '[]')), "
    "'source', CASE json_type(NEW.payload, '$.source') WHEN 'array' "
    "THEN json(json_extract(NEW.payload, '$.source')) END)"
)
#: Every column of `outbox` and `inbox` as of m009: the triggers below write rows again
#: by naming them (tests/test_db_size.py checks they are all named, so a migration adding a
#: column must write new triggers).
OUTBOX_COLUMNS = (
    "id, platform, channel_id, thread_id, case_id, kind, step_id, payload, edit_of, status, "
    "attempts, not_before, platform_message_id, error, created_at, sent_at, priority, "
    "first_failed_at, thread_of"
)
INBOX_COLUMNS = (
    "id, platform, key, lane, kind, payload, author_id, received_at, state, attempts, "
    "next_at, last_error, claimed_by, claimed_until, done_at"
)


def _rewrite(table: str, columns: str, payload: str) -> str:
    """Trigger statements writing the row again with `payload`: SQLite frees the page a
    row shrinks out of only on a delete, so a row cut in place keeps its page as large."""
    values = ", ".join(payload if c == "payload" else f"NEW.{c}" for c in columns.split(", "))
    return (
        f"DELETE FROM {table} WHERE id = NEW.id; INSERT INTO {table} ({columns}) VALUES ({values});"
    )


@MIGRATIONS()
def m009_done_rows_keep_little(db: Database) -> None:
    """What is done keeps only what is read again. An outbox row sent, or superseded by a
    later edit before it went, keeps the little of its card in `_SENT_CARD` (a header card
    and each of its edits were ~2 KB, most of a case's bytes); an inbox row worked to the
    end drops its raw payload (nothing reads a done row's payload; its key stays, for
    late duplicates; parked rows keep theirs). Rows already done are cut too."""
    db.execute(
        "CREATE TRIGGER outbox_done_keeps_little AFTER UPDATE OF status ON outbox "
        "WHEN NEW.status IN ('sent', 'superseded') AND json_valid(NEW.payload) "
        "AND json_type(NEW.payload, '$.lines') IS NOT NULL "
        f"BEGIN {_rewrite('outbox', OUTBOX_COLUMNS, _SENT_CARD)} END"
    )
    db.execute(
        "CREATE TRIGGER inbox_done_drops_payload AFTER UPDATE OF state ON inbox "
        "WHEN NEW.state = 'done' AND NEW.payload IS NOT NULL "
        f"BEGIN {_rewrite('inbox', INBOX_COLUMNS, 'NULL')} END"
    )
    db.execute(
        "UPDATE outbox SET payload = "
        + _SENT_CARD.replace("NEW.", "")
        + " WHERE status IN ('sent', 'superseded') AND json_valid(payload)"
    )
    db.execute("UPDATE inbox SET payload = NULL WHERE state = 'done'")


@MIGRATIONS()
def m010_leaner_rows(db: Database) -> None:
    """A case's checklist (a dozen rows a case) lives in its primary key, WITHOUT ROWID,
    instead of in a table plus an index of the same key; cases (platform, customer_id,
    opened_at) goes, the posted_at one serves every look-up of a customer; and the
    outbox's status indexes become partial ones over its pending rows."""
    db.execute(
        'CREATE TABLE "case_steps_lean" ("case_id" INTEGER REFERENCES "cases"("id"), '
        '"step_id" TEXT, "position" INTEGER, "state" TEXT, "actor_id" TEXT, '
        '"actor_name" TEXT, "via" TEXT, "at" TEXT, PRIMARY KEY ("case_id", "step_id")) '
        "WITHOUT ROWID"
    )
    db.execute(
        "INSERT INTO case_steps_lean SELECT case_id, step_id, position, state, actor_id, "
        "actor_name, via, at FROM case_steps"
    )
    db.execute("DROP TABLE case_steps")
    db.execute("ALTER TABLE case_steps_lean RENAME TO case_steps")
    db.execute("DROP INDEX IF EXISTS idx_cases_platform_customer_id_opened_at")
    # The outbox is looked into for its pending rows only: partial indexes hold those few
    # rows instead of every row ever sent; (edit_of) lets an edit supersede the earlier
    # pending one without reading the whole outbox.
    for columns in ("platform, id", "platform, case_id, id", "platform, channel_id, priority, id"):
        name = "idx_outbox_pending_" + "_".join(c.strip() for c in columns.split(","))
        db.execute(f"CREATE INDEX {name} ON outbox ({columns}) WHERE status = 'pending'")
    db.execute(
        "CREATE INDEX idx_outbox_pending_edit_of ON outbox (edit_of) WHERE status = 'pending'"
    )
    for name in ("status_id", "channel_id_status_id", "status_case_id_id"):
        db.execute(f"DROP INDEX IF EXISTS idx_outbox_platform_{name}")
    db.execute("DROP INDEX IF EXISTS idx_outbox_platform_channel_id_status_priority_id")


#: What a sent outbox row keeps as of m011: its kind and title, and whom it mentions and the
#: message it points to only when there are some (Card.from_json reads an absent key as none;
#: a merge patch drops the keys whose value is null).
_LEAN_SENT_CARD = (
    "json_patch(json_object('kind', json_extract(NEW.payload, '$.kind'), "
    "'title', json_extract(NEW.payload, '$.title')), json_object("
    "'mentions', CASE WHEN json_array_length(NEW.payload, '$.mentions') > 0 "
    "THEN json(json_extract(NEW.payload, '$.mentions')) END, "
    "'source', CASE json_type(NEW.payload, '$.source') WHEN 'array' "
    "THEN json(json_extract(NEW.payload, '$.source')) END))"
)


@MIGRATIONS()
def m011_leaner_done_rows_and_indexes(db: Database) -> None:
    """A sent card no longer spells out that it mentions nobody and points nowhere (~30 of
    its ~100 bytes, three rows a case); indexes of what only some rows have hold only those:
    pinged reminders waiting for their escalation, cases given a staff thread, cases
    resolved. Queries name the indexed condition, so SQLite still picks each index."""
    db.execute("DROP TRIGGER outbox_done_keeps_little")
    db.execute(
        "CREATE TRIGGER outbox_done_keeps_little AFTER UPDATE OF status ON outbox "
        "WHEN NEW.status IN ('sent', 'superseded') AND json_valid(NEW.payload) "
        "AND (json_type(NEW.payload, '$.lines') IS NOT NULL "
        "OR json_type(NEW.payload, '$.mentions') = 'array' "
        "AND json_array_length(NEW.payload, '$.mentions') = 0 "
        "OR json_type(NEW.payload, '$.source') = 'null') "
        f"BEGIN {_rewrite('outbox', OUTBOX_COLUMNS, _LEAN_SENT_CARD)} END"
    )
    db.execute(
        "UPDATE outbox SET payload = "
        + _LEAN_SENT_CARD.replace("NEW.", "")
        + " WHERE status IN ('sent', 'superseded') AND json_valid(payload)"
    )
    db.execute("DROP INDEX IF EXISTS idx_reminders_status_escalate_at")
    db.execute(
        "CREATE INDEX idx_reminders_sent_escalate_at ON reminders (status, escalate_at) "
        "WHERE status = 'sent' AND escalated_at IS NULL"
    )
    db.execute("DROP INDEX IF EXISTS idx_cases_platform_staff_thread_id")
    db.execute(
        "CREATE INDEX idx_cases_platform_staff_thread_id ON cases (platform, staff_thread_id) "
        "WHERE staff_thread_id IS NOT NULL"
    )
    db.execute("DROP INDEX IF EXISTS idx_cases_resolved_at")
    db.execute(
        "CREATE INDEX idx_cases_resolved_at ON cases (resolved_at) WHERE resolved_at IS NOT NULL"
    )


@MIGRATIONS()
def m012_compact_readings(db: Database) -> None:
    """Cases keep their reading as compact JSON (bot.core.base.reading_json: short keys,
    each piece of evidence once, what a new reading has left out; ~330 bytes instead of
    ~760): the rows already there are rewritten, a page of cases at a time."""
    from bot.core.base.reading_json import reading_from_compact, reading_to_compact

    last = 0
    while True:
        rows = db.execute(
            "SELECT id, reading FROM cases WHERE id > ? AND reading LIKE '{\"language\":%' "
            "ORDER BY id LIMIT 1000",
            [last],
        ).fetchall()
        if not rows:
            return
        db.conn.executemany(
            "UPDATE cases SET reading = ? WHERE id = ?",
            [(reading_to_compact(reading_from_compact(raw)), case_id) for case_id, raw in rows],
        )
        last = rows[-1][0]


@MIGRATIONS()
def m013_narrower_indexes(db: Database) -> None:
    """Two indexes lose a column that narrows nothing: a posted message's id alone finds
    its outbox row (the query's platform term is checked on that one row; rows not posted
    are left out of the index), and a case's two or three reminders are found by the case
    alone. ~35 bytes a case."""
    db.execute("DROP INDEX IF EXISTS idx_outbox_platform_platform_message_id")
    db.execute(
        "CREATE INDEX idx_outbox_platform_message_id ON outbox (platform_message_id) "
        "WHERE platform_message_id IS NOT NULL"
    )
    db.execute("DROP INDEX IF EXISTS idx_reminders_case_id_status")
    db.execute("CREATE INDEX idx_reminders_case_id ON reminders (case_id)")


@MIGRATIONS()
def m014_edits_found_by_index(db: Database) -> None:
    """Every row that edits another is in an index of its own (edit_of, rows that edit only).
    A sent row is written again (m009's trigger deletes and inserts it), and SQLite checks
    the delete against the `edit_of` foreign key: without an index that holds every edit,
    each sent row read the whole outbox (O(outbox) a post, O(n²) a burst; a partial index
    over pending rows cannot answer a foreign-key check). The same index finds an edit's
    last sending and the pending edits an edit supersedes, so the pending-only one goes."""
    db.execute("CREATE INDEX idx_outbox_edit_of ON outbox (edit_of) WHERE edit_of IS NOT NULL")
    db.execute("DROP INDEX IF EXISTS idx_outbox_pending_edit_of")
