"""An agent's reply to the customer (issue 11, item 3), in the core: drafted from a
suggestion, sent where the customer reads, counted when the platform accepts it.

The real engine and the real outbox drainer on a real SQLite file; the messenger
records what would be posted.
"""

from __future__ import annotations

from bot.core.base.cards import ActionId, CardKind
from bot.core.base.case import EventKind
from bot.core.base.clocks import ReminderKind
from bot.core.base.outbox import TransientError
from bot.core.cases import replies
from bot.core.delivery.drainer import OutboxDrainer
from bot.wiring import App
from tests.conftest import AGENT, LUCIA, complaint
from tests.support import FakeClock, RecordingMessenger

EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."


def drainer(app: App, messenger: RecordingMessenger) -> OutboxDrainer:
    return OutboxDrainer(
        app.store, messenger, app.engine.clock, on_sent=replies.on_sent(app.engine)
    )


def kinds(app: App, case_id: int) -> list[EventKind]:
    return [e.kind for e in app.store.events(case_id)]


def first_response_pending(app: App, case_id: int) -> bool:
    return any(
        r.kind is ReminderKind.FIRST_RESPONSE and r.status == "pending"
        for r in app.store.reminders_for(case_id)
    )


def test_every_suggestion_offers_a_reply_button(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    suggestions = [
        i.card for i in app.store.outbox_for_case(case.id) if i.card.kind.value == "suggestion"
    ]
    assert suggestions
    for card in suggestions:
        assert card.actions[0].id is ActionId.REPLY
        assert card.actions[0].value == f"{case.id}:first-reply"


def test_the_draft_is_the_suggestion_in_the_customers_language_signed_by_the_agent(
    app: App,
) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    draft = replies.draft(app.engine, case, "first-reply", "ana")
    assert draft.suggestion_id == "first-reply"
    assert "ana" in draft.text and "5521" in draft.text and "[your name]" not in draft.text
    assert replies.draft(app.engine, case, "no-such", "ana").text == ""


async def test_a_reply_goes_to_the_customer_and_counts_once_the_platform_takes_it(
    app: App, clock: FakeClock
) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    messenger = RecordingMessenger()
    await drainer(app, messenger).drain_once()
    messenger.sent.clear()

    told = replies.send(app.engine, case, AGENT, "Hello Lucía, I am on it.", "first-reply")
    assert told.ok, told.text
    # queued, not yet sent: the clock still runs
    assert first_response_pending(app, case.id)
    assert EventKind.REPLY_SENT not in kinds(app, case.id)

    clock.advance(seconds=5)
    await drainer(app, messenger).drain_once()
    reply = next(i for i in messenger.sent if i.card.kind is CardKind.REPLY)
    assert (reply.channel_id, reply.thread_id) == (case.channel_id, case.thread_id)
    assert reply.card.title == "Hello Lucía, I am on it." and reply.card.footer == "— ana"
    sent = app.store.last_event(case.id, EventKind.REPLY_SENT)
    assert sent is not None and sent.actor_name == "ana"
    assert sent.details["suggestion"] == "first-reply" and sent.details["via"] == "posted"
    assert sent.at == clock.now()
    after = app.store.get_case(case.id)
    assert after is not None and after.first_response_at == clock.now()
    assert not first_response_pending(app, case.id)
    notices = [i.card.title for i in messenger.sent if i.card.kind is CardKind.NOTICE]
    assert notices == ["✉️ Reply sent to the customer by ana."]


async def test_a_reply_the_platform_has_not_taken_yet_does_not_stop_the_clock(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    messenger = RecordingMessenger()
    await drainer(app, messenger).drain_once()
    replies.send(app.engine, case, AGENT, "Hello, on it.")
    messenger.failures.append(TransientError("down"))
    await drainer(app, messenger).drain_once()
    assert first_response_pending(app, case.id)
    assert EventKind.REPLY_SENT not in kinds(app, case.id)


async def test_a_staff_thread_case_replies_in_the_customers_thread_and_tells_the_staff_one(
    app: App,
) -> None:
    case = app.engine.open_case(complaint(EN, channel="C2"), staff_channel="CSTAFF")
    assert case is not None
    messenger = RecordingMessenger()
    await drainer(app, messenger).drain_once()
    replies.send(app.engine, case, AGENT, "Hello Lucía.")
    await drainer(app, messenger).drain_once()
    reply = next(i for i in messenger.sent if i.card.kind is CardKind.REPLY)
    assert (reply.channel_id, reply.thread_id) == ("C2", case.thread_id)
    others = [i for i in messenger.sent if i.card.kind is not CardKind.REPLY]
    assert others and all(i.channel_id == "CSTAFF" for i in others)


async def test_copy_and_mark_as_sent_records_the_reply_and_posts_nothing_to_the_customer(
    app: App,
) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    messenger = RecordingMessenger()
    await drainer(app, messenger).drain_once()
    told = replies.send(app.engine, case, AGENT, "Dear Lucía, …", copied=True)
    assert told.ok and "recorded as sent" in told.text
    await drainer(app, messenger).drain_once()
    assert not [i for i in messenger.sent if i.card.kind is CardKind.REPLY]
    sent = app.store.last_event(case.id, EventKind.REPLY_SENT)
    assert sent is not None and sent.details["via"] == "copied"
    assert not first_response_pending(app, case.id)


def test_bad_replies_are_refused_politely_and_queue_nothing(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    before = len(app.store.outbox_for_case(case.id))
    for who, text, says in [
        (LUCIA, "hi", "Only the support team"),
        (AGENT, "   ", "empty"),
        (AGENT, "x" * (replies.MAX_REPLY + 1), "the most is 3000"),
        (AGENT, "We can offer [option A] or [option B].", "Fill in [option A], [option B]"),
    ]:
        told = replies.send(app.engine, case, who, text)
        assert not told.ok and says in told.text, told.text
    assert len(app.store.outbox_for_case(case.id)) == before
    assert EventKind.REPLY_QUEUED not in kinds(app, case.id)


def test_a_platform_may_ask_for_shorter_replies(app: App) -> None:
    """Discord's message holds 2,000 characters with the signature: longer is refused."""
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    told = replies.send(app.engine, case, AGENT, "x" * 1991, limit=1990)
    assert not told.ok and "1991 characters; the most is 1990" in told.text
    assert EventKind.REPLY_QUEUED not in kinds(app, case.id)
    assert replies.send(app.engine, case, AGENT, "x" * 1990, limit=1990).ok
    told = replies.send(app.engine, case, AGENT, "x" * 3001, limit=4000)
    assert not told.ok and "the most is 3000" in told.text  # never above MAX_REPLY


def test_console_style_arguments_pick_a_suggestion_or_take_the_text(app: App) -> None:
    case = app.engine.open_case(complaint(EN))
    assert case is not None
    suggestion, text = replies.parse_args(app.engine, case, "first-reply", "ana")
    assert suggestion == "first-reply" and "ana" in text
    assert replies.parse_args(app.engine, case, "first-reply Short and mine.") == (
        "first-reply",
        "Short and mine.",
    )
    assert replies.parse_args(app.engine, case, "Thanks for waiting.") == (
        None,
        "Thanks for waiting.",
    )


def test_a_reply_click_reaching_the_core_opens_nothing_and_says_what_to_do(app: App) -> None:
    """Adapters answer Reply… with the form; a click that reaches the generic button
    path (an old client, a replay) changes nothing and never posts a suggestion."""
    from bot.core.commands.interactions import on_button

    case = app.engine.open_case(complaint(EN))
    assert case is not None
    before = len(app.store.outbox_for_case(case.id))
    told = on_button(app.engine, ActionId.REPLY.value, f"{case.id}:first-reply", AGENT)
    assert not told.ok and "Reply…" in told.text
    assert len(app.store.outbox_for_case(case.id)) == before
