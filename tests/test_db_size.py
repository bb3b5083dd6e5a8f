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

from bot.core.base.model import Actor, Incoming
from bot.wiring import App
from storage.db import open_database
from storage.migrations import INBOX_COLUMNS, OUTBOX_COLUMNS
from tests.fakes.slack_payloads import event_body, message_event
from tests.support import FakeClock

CASES = 80
#: Bytes per case: 3,584 measured when this was set (12.7 KB before m009, m010 and compact
#: JSON); the goal is under 4 KB, and this ceiling keeps 10% margin under it.
CEILING = 3_950
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


def open_through_the_inbox(app: App, clock: FakeClock, count: int) -> None:
    """`count` complaints as Slack delivers them: kept in the inbox, claimed, worked."""
    store = app.store
    for n in range(count):
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
        event = message_event("C1", f"U{n:05d}", text, ts=ts, blocks=blocks)
        now = clock.now()
        row = store.inbox_add("slack", f"msg:C1:{ts}", "C1", "events_api", event_body(event), now)
        assert row is not None
        assert store.inbox_claim("slack", "C1", "worker", now, now + timedelta(minutes=1))
        author = Actor("slack", f"U{n:05d}", f"customer {n}")
        with store.inbox_processing(row, "worker", now):
            assert app.engine.open_case(Incoming("slack", "C1", ts, author, text)) is not None
        clock.advance(minutes=3)


def deliver_everything(app: App, clock: FakeClock) -> None:
    for item in list(app.store.iter_pending_outbox("slack")):
        app.store.mark_outbox_sent(item.id, f"1790000000.{item.id:06d}", clock.now())


def test_a_typical_case_with_its_inbox_row_stays_under_the_ceiling(
    app: App, clock: FakeClock, tmp_path: Path
) -> None:
    open_through_the_inbox(app, clock, CASES)
    deliver_everything(app, clock)
    empty = tmp_path / "empty.db"
    open_database(empty).close()
    used, cases = used_bytes(app.settings.db_path)
    per_case = (used - used_bytes(empty)[0]) / cases
    assert cases == CASES
    assert per_case < CEILING, f"{per_case:.0f} bytes per case"


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
