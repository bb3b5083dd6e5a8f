"""The customer's side mirrored (issue 11, item 4): what is written in the thread of a
complaint customers can read shows in the case's staff-only thread, who, when and what;
the rise-in-anger notice follows it there. Cases worked in their own thread (internal
channels) get no copy: the team reads the thread itself.

The real engine on a real SQLite file; rows are read back from the outbox.
"""

from __future__ import annotations

from bot.core.base.cards import CardKind
from bot.core.base.model import Actor, Incoming
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, complaint
from tests.support import FakeClock

CALM = "Hello, my invoice 7781 shows a charge I do not recognise. Could you check it?"


def said(app: App, case_id: int, at: str, author: Actor = LUCIA, text: str = "Any news?") -> None:
    msg = Incoming("test", "C2", f"m-{at}", author, text, at)
    app.engine.conversation.record_thread_message(msg)


def cards(app: App, case_id: int) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (i.card.kind.value, i.channel_id, i.card.title, i.card.quote)
        for i in app.store.outbox_for_case(case_id)
    ]


def test_a_customer_message_in_their_thread_is_shown_in_the_staff_thread(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint(CALM, channel="C2"), staff_channel="CSTAFF")
    assert case is not None
    said(app, case.id, case.thread_id, text="Hello?? Anyone there?")
    mirrored = [c for c in cards(app, case.id) if c[0] == CardKind.MIRROR.value]
    assert len(mirrored) == 1
    _, channel, title, quote = mirrored[0]
    assert channel == "CSTAFF" and quote == "Hello?? Anyone there?"
    assert title is not None and "Lucía Pérez (the customer)" in title
    assert f"{clock.now():%H:%M} UTC" in title
    assert all(c[1] == "CSTAFF" for c in cards(app, case.id))


def test_rising_anger_is_told_after_the_mirrored_message(app: App) -> None:
    case = app.engine.open_case(complaint(CALM, channel="C2"), staff_channel="CSTAFF")
    assert case is not None
    said(app, case.id, case.thread_id, author=AGENT, text="We are looking into it.")
    said(app, case.id, case.thread_id, text="THIS IS A SCAM!!! I will sue you, you idiots!!!")
    kinds = [c[0] for c in cards(app, case.id)]
    last_mirror = len(kinds) - 1 - kinds[::-1].index(CardKind.MIRROR.value)
    assert CardKind.NOTICE.value in kinds[last_mirror + 1 :]
    titles = [c[2] or "" for c in cards(app, case.id) if c[0] == CardKind.MIRROR.value]
    assert "ana (team)" in titles[0] and "(the customer)" in titles[1]


def test_messages_in_the_staff_thread_itself_are_not_copied(app: App) -> None:
    case = app.engine.open_case(complaint(CALM, channel="C2"), staff_channel="CSTAFF")
    assert case is not None
    app.store.mark_outbox_sent(
        app.store.outbox_for_case(case.id)[0].id, "staff-ts", app.engine.clock.now()
    )
    msg = Incoming("test", "CSTAFF", "m-9", AGENT, "I'll take this one.", "staff-ts")
    assert app.engine.conversation.record_thread_message(msg) is not None
    assert not [c for c in cards(app, case.id) if c[0] == CardKind.MIRROR.value]


def test_a_case_in_its_own_thread_gets_no_copy(app: App) -> None:
    case = app.engine.open_case(complaint(CALM))
    assert case is not None
    said(app, case.id, case.thread_id)
    assert not [c for c in cards(app, case.id) if c[0] == CardKind.MIRROR.value]
