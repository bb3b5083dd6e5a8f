"""Forgetting a customer: their name, handle and words leave the file; counts stay.

Every case of the customer keeps its numbers (status, times, reason, intensity,
steps, remedies, scores) so reports do not change, but the customer's name,
handle and message text — in cases, readings, timeline details, outbox
payloads and reminder notes — are replaced by a placeholder, and the customer
id by a random pseudonym shared by their cases. The timeline's append-only
triggers are lifted inside the one transaction that redacts, then restored; a
`customer_forgotten` entry records that it happened, not what was erased.
SQLite's secure_delete, a VACUUM and a WAL checkpoint make sure no copy of the
old text survives in free pages or the write-ahead log.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core.base.cards import Card, CardKind
from bot.core.base.model import Signal
from bot.core.base.reading_json import reading_from_compact, reading_to_compact
from storage.codec import ts

PLACEHOLDER = "[forgotten]"
_TEXT_KEYS = {"text", "new_text", "old_text", "evidence", "comment", "note", "order"}
_TRIGGERS = (
    ("events_append_only_update", "UPDATE"),
    ("events_append_only_delete", "DELETE"),
)


def forget_customer(
    db: Database, platform: str, customer_id: str, at: datetime, by: str = "operator"
) -> int:
    """Redact every case of one customer; return how many cases were touched."""
    rows = list(
        db.query(
            "SELECT * FROM cases WHERE platform = ? AND customer_id = ?", [platform, customer_id]
        )
    )
    _forget_in_inbox(db, platform, customer_id, at)
    return _forget(db, rows, at, by)


def _forget_in_inbox(db: Database, platform: str, customer_id: str, at: datetime) -> int:
    """Drop the raw events the customer wrote, or that name them; ones not yet worked are
    closed unworked (the customer asked to be forgotten before Sereno read them)."""
    with db.atomic():
        return db.execute(
            "UPDATE inbox SET payload = NULL, state = CASE state WHEN 'pending' THEN 'done' "
            "ELSE state END, done_at = coalesce(done_at, ?) WHERE platform = ? AND "
            "payload IS NOT NULL AND (author_id = ? OR instr(payload, ?) > 0)",
            [ts(at), platform, customer_id, customer_id],
        ).rowcount


def forget_closed_before(
    db: Database, cutoff: datetime, at: datetime, by: str = "retention"
) -> int:
    """Redact the customers of cases closed (or let go) before `cutoff`."""
    rows = list(
        db.query(
            "SELECT * FROM cases WHERE status IN ('closed', 'let_go') AND closed_at < ? "
            "AND customer_name IS NOT ?",
            [ts(cutoff), PLACEHOLDER],
        )
    )
    with db.atomic():  # raw events that old are past any use
        db.execute("DELETE FROM inbox WHERE state != 'pending' AND received_at < ?", [ts(cutoff)])
    return _forget(db, rows, at, by)


def _forget(db: Database, rows: list[dict[str, Any]], at: datetime, by: str) -> int:
    if not rows:
        return 0
    db.execute("PRAGMA secure_delete = ON")
    pseudonyms: dict[str, str] = {}
    with db.atomic():
        for name, _ in _TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {name}")
        for row in rows:
            key = f"{row['platform']}:{row['customer_id']}"
            pseudonym = pseudonyms.setdefault(key, f"forgotten-{secrets.token_hex(6)}")
            _redact_case(db, row, pseudonym)
        for name, action in _TRIGGERS:
            db.execute(
                f"CREATE TRIGGER {name} BEFORE {action} ON events "
                "BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END"
            )
        for row in rows:
            db["events"].insert(
                {
                    "case_id": row["id"],
                    "at": ts(at),
                    "actor_id": by,
                    "actor_name": by,
                    "kind": "customer_forgotten",
                    "details": json.dumps({"by": by}),
                }
            )
    db.conn.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(rows)


def _scrubber(row: dict[str, Any]) -> re.Pattern[str] | None:
    names = {
        row["customer_name"] or "",
        (row["customer_name"] or "").split(" ")[0],
        row["customer_id"] or "",
    }
    words = sorted((re.escape(n) for n in names if len(n) >= 2), key=len, reverse=True)
    return re.compile("|".join(words), re.IGNORECASE) if words else None


def _scrub(value: Any, pattern: re.Pattern[str] | None) -> Any:
    if isinstance(value, str):
        return pattern.sub(PLACEHOLDER, value) if pattern else value
    if isinstance(value, dict):
        return {
            k: PLACEHOLDER if k in _TEXT_KEYS and v else _scrub(v, pattern)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value]
    return value


def _redacted_reading(raw: str | None) -> str | None:
    """The reading without the customer's words: each piece of evidence keeps its name only,
    the order number goes."""
    if not raw:
        return raw
    r = reading_from_compact(raw)

    def hidden(signals: tuple[Signal, ...]) -> tuple[Signal, ...]:
        return tuple(Signal(s.name, PLACEHOLDER) for s in signals)

    return reading_to_compact(
        replace(
            r,
            reason_evidence=hidden(r.reason_evidence),
            kind_evidence=hidden(r.kind_evidence),
            intensity_evidence=hidden(r.intensity_evidence),
            impact_evidence=hidden(r.impact_evidence),
            subject_evidence=hidden(r.subject_evidence),
            order_ref=None,
        )
    )


def _redact_case(db: Database, row: dict[str, Any], pseudonym: str) -> None:
    pattern = _scrubber(row)
    reading = _redacted_reading(row["reading"])
    db["cases"].update(
        row["id"],
        {
            "customer_id": pseudonym,
            "customer_name": PLACEHOLDER,
            "text": PLACEHOLDER,
            "reading": reading,
        },
    )
    customer_key = f"{row['platform']}:{row['customer_id']}"
    for event in db.query("SELECT * FROM events WHERE case_id = ?", [row["id"]]):
        changes = {
            "details": json.dumps(
                _scrub(json.loads(event["details"] or "{}"), pattern), ensure_ascii=False
            )
        }
        if event["actor_id"] == customer_key:
            changes |= {"actor_id": f"{row['platform']}:{pseudonym}", "actor_name": PLACEHOLDER}
        db["events"].update(event["id"], changes)
    for item in db.query("SELECT id, kind FROM outbox WHERE case_id = ?", [row["id"]]):
        card = Card(CardKind(item["kind"]), f"{PLACEHOLDER} (case #{row['id']})")
        db["outbox"].update(item["id"], {"payload": card.to_json(), "error": None})
    for reminder in db.query("SELECT id, note FROM reminders WHERE case_id = ?", [row["id"]]):
        db["reminders"].update(reminder["id"], {"note": _scrub(reminder["note"] or "", pattern)})
