"""What a case costs the file (issue 15: under 4 KB for a typical case, inbox included).

Cases are opened through the engine from Slack-shaped inbox rows (claimed and worked as the
inbox worker does, so each row is marked done with its case), and every outbox row is
then delivered. The figure is the file's bytes in use (free pages left out, the WAL folded
in) past an empty database's, per case: deterministic for the same inputs, so a ceiling
with some margin is a test. bench/ reports the figure of a served burst.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.base.model import Actor, Incoming
from bot.wiring import App
from storage.db import open_database
from storage.migrations import INBOX_COLUMNS, OUTBOX_COLUMNS
from tests.fakes.slack_payloads import event_body, message_event
from tests.support import FakeClock

CASES = 80
#: Bytes per case: 3,174 one after another and 3,226 in the served shape when this was set
#: (12.7 KB before m009, m010 and compact JSON; 3,584 before m011-m013 and compact readings);
#: the goal is under 4 KB, and this ceiling keeps ~10% margin over today's figure.
CEILING = 3_600
TEXTS = (
    "Llevo TRES semanas esperando el pedido 48213 y nadie me contesta!!! O me devuelven el "
    "dinero hoy o no vuelvo a comprar aquí y lo cuento en todas las redes.",
    "My order 5521 arrived broken and nobody answers my emails. I want a refund.",
    "You charged me twice for the same subscription this month, fix it now please.",
    "El técnico no vino y perdí el día entero esperando, nadie me avisó de nada.",
)


def used_bytes(path: Path) -> tuple[int, int]:
    """Bytes of the file in use and its number of cases."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages, free, size = (
            conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("page_count", "freelist_count", "page_size")
        )
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        conn.close()
    return (pages - free) * size, cases


def _event(n: int) -> tuple[str, str, dict[str, Any]]:
    """The n-th complaint as Slack delivers it: its text, ts and event body."""
    text, ts = TEXTS[n % len(TEXTS)], f"{1780000000 + n}.000100"
    blocks = [
        {
            "type": "rich_text",
            "block_id": f"b{n}",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]
    return text, ts, event_body(message_event("C1", f"U{n:05d}", text, ts=ts, blocks=blocks))


def take(app: App, clock: FakeClock, n: int) -> int:
    """Keep the n-th event as the Slack listener does (its id, then its inbox row)."""
    _, ts, body = _event(n)
    now = clock.now()
    assert app.store.remember_event("slack", f"Ev{n:06d}", now)
    row = app.store.inbox_add("slack", f"msg:C1:{ts}", "C1", "events_api", body, now)
    assert row is not None
    return row


def work(app: App, clock: FakeClock, n: int, row: int) -> None:
    """Claim the n-th event's inbox row and open its case, as the inbox worker does."""
    text, ts, _ = _event(n)
    now = clock.now()
    assert app.store.inbox_claim("slack", "C1", "worker", now, now + timedelta(minutes=1))
    author = Actor("slack", f"U{n:05d}", f"customer {n}")
    with app.store.inbox_processing(row, "worker", now):
        assert app.engine.open_case(Incoming("slack", "C1", ts, author, text)) is not None


def open_through_the_inbox(app: App, clock: FakeClock, count: int) -> None:
    """`count` complaints one after another: each kept in the inbox, claimed, worked."""
    for n in range(count):
        work(app, clock, n, take(app, clock, n))
        clock.advance(minutes=3)


def deliver_everything(app: App, clock: FakeClock) -> None:
    """Mark every pending outbox row sent, one at a time, as the drainer does."""
    for item in list(app.store.iter_pending_outbox("slack")):
        app.store.mark_outbox_sent(item.id, f"1790000000.{item.id:06d}", clock.now())


def served_burst(app: App, clock: FakeClock, count: int) -> None:
    """The served run's shape: a burst of events all kept in the inbox first, then each
    case opened and its cards sent one at a time before the next (the drainer keeps up)."""
    rows = [take(app, clock, n) for n in range(count)]
    for n, row in enumerate(rows):
        work(app, clock, n, row)
        deliver_everything(app, clock)
        clock.advance(seconds=20)


def per_case(app: App, tmp_path: Path) -> float:
    """Bytes the file uses past an empty database's, per case."""
    empty = tmp_path / "empty.db"
    open_database(empty).close()
    used, cases = used_bytes(app.settings.db_path)
    assert cases == CASES
    return (used - used_bytes(empty)[0]) / cases


def test_a_typical_case_with_its_inbox_row_stays_under_the_ceiling(
    app: App, clock: FakeClock, tmp_path: Path
) -> None:
    open_through_the_inbox(app, clock, CASES)
    deliver_everything(app, clock)
    size = per_case(app, tmp_path)
    assert size < CEILING, f"{size:.0f} bytes per case"


def test_a_served_burst_stays_under_the_ceiling(app: App, clock: FakeClock, tmp_path: Path) -> None:
    served_burst(app, clock, CASES)
    assert (
        app.store.db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
        == 0
    )
    size = per_case(app, tmp_path)
    assert size < CEILING, f"{size:.0f} bytes per case"


def test_done_rows_keep_only_what_is_read_again(app: App, clock: FakeClock) -> None:
    open_through_the_inbox(app, clock, 2)
    db = app.store.db
    assert db.execute("SELECT count(*) FROM inbox WHERE payload IS NOT NULL").fetchone() == (0,)
    before = {i.id: i.card for i in app.store.iter_pending_outbox("slack")}
    assert any(card.lines for card in before.values())
    deliver_everything(app, clock)
    for item in app.store.outbox_for_case(1) + app.store.outbox_for_case(2):
        card = before[item.id]
        assert item.platform_message_id  # sent
        assert (item.card.kind, item.card.title, item.card.mentions, item.card.source) == (
            card.kind,
            card.title,
            card.mentions,
            card.source,
        )
        assert item.card.lines == () and item.card.menu is None


def test_the_rewriting_triggers_name_every_column(app: App) -> None:
    db = app.store.db
    for table, named in (("outbox", OUTBOX_COLUMNS), ("inbox", INBOX_COLUMNS)):
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        assert named.split(", ") == columns, f"{table}: a new column needs new triggers"
