"""The drainer takes a row's card from the store that queued it (not parsed back from the
row's JSON) only while the row still holds the text that card was stored as."""

from __future__ import annotations

from bot.core.base.cards import Card, CardKind
from bot.core.delivery.drainer import OutboxDrainer
from bot.wiring import App
from storage.store import QUEUED_CARDS, SqliteStore
from tests.conftest import complaint
from tests.support import FakeClock, RecordingMessenger


async def test_drained_cards_are_what_their_rows_hold(app: App, clock: FakeClock) -> None:
    app.engine.open_case(complaint("My order 1 never arrived!!! I want my money back", "m-1"))
    rows = {i.id: i for i in app.store.iter_pending_outbox("test")}  # parsed from the rows
    messenger = RecordingMessenger()
    assert await OutboxDrainer(app.store, messenger, clock).drain_once() == len(rows) == 3
    for sent in messenger.sent:
        assert sent == rows[sent.id]
    assert {i.card.kind for i in messenger.sent} == {
        CardKind.HEADER,
        CardKind.STEP,
        CardKind.SUGGESTION,
    }


async def test_a_queued_card_is_used_only_while_its_row_holds_its_text(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    store = app.store
    assert isinstance(store, SqliteStore)
    while (item := store.next_in_channel("test", case.channel_id, clock.now())) is not None:
        store.mark_outbox_sent(item.id, f"p{item.id}", clock.now())
    queued = Card(CardKind.NOTICE, "queued", lines=("what the engine queued",))
    row = store.enqueue(case, queued, clock.now())
    stored = Card(CardKind.NOTICE, "stored", lines=("what the row holds now",))
    # another writer's text under the same id (a rolled-back insert's id taken again)
    store.db.conn.execute("UPDATE outbox SET payload = ? WHERE id = ?", [stored.to_json(), row])
    item = store.next_in_channel("test", case.channel_id, clock.now())
    assert item is not None and item.id == row
    assert item.card == stored


def test_the_store_keeps_a_bounded_number_of_queued_cards(app: App, clock: FakeClock) -> None:
    case = app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    store = app.store
    assert isinstance(store, SqliteStore)
    card = Card(CardKind.NOTICE, "note")
    with store.atomic():
        for _ in range(QUEUED_CARDS + 10):
            store.enqueue(case, card, clock.now())
    assert len(store._queued_cards) == QUEUED_CARDS


def test_an_edit_is_not_kept(app: App, clock: FakeClock) -> None:
    """An edit may be superseded by a later one and never taken: kept, it would stay."""
    case = app.engine.open_case(complaint("My order 1 never arrived!", "m-1"))
    store = app.store
    assert isinstance(store, SqliteStore)
    header = store.enqueue(case, Card(CardKind.HEADER, "v1"), clock.now())
    edit = store.enqueue(case, Card(CardKind.HEADER, "v2"), clock.now(), edit_of=header)
    assert header in store._queued_cards
    assert edit not in store._queued_cards
