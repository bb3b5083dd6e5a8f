"""Life-cycle fixes on Slack (issue 13 item 4), with the real bolt app against FakeSlack:
a forwarded complaint's customer is the person the forwarder names, so form complaints
from different people never join one case; a customer's second top-level message joins
their open case and `@Sereno split` in the case's thread makes it a case of its own;
`/complaint dismiss` closes a stray message without a word to the customer."""

from __future__ import annotations

from typing import Any

from bot.core.base.case import EventKind
from bot.core.base.model import Status
from handlers.slack.forwarded import sender
from tests.fakes import slack_payloads as sp
from tests.slack_harness import Running
from tests.support import eventually

ANA_FORM = "New contact form message\nFrom: Ana Ruiz <ana@example.com>\nMy invoice 5521 is wrong!"
LUIS_FORM = "New contact form message\nFrom: Luis Gil <luis@example.org>\nMy parcel never came!"
ANA_AGAIN = "New contact form message\nFrom: Ana Ruiz <ANA@example.com>\nAnd nobody answers!!"
EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
LATER = "Also my other order 7788 never came at all, that is a different problem!"


def forwarded(text: str, **extra: Any) -> dict[str, Any]:
    """A message the contact-form bot (a source bot) posts, as Slack escapes it."""
    escaped = text.replace("<", "&lt;").replace(">", "&gt;")
    event = sp.message_event("C1", None, escaped, bot_id="BFWD")
    return {"username": "Contact form", **event, **extra}


def customers(slack: Running) -> list[tuple[str, str]]:
    rows = slack.app.store.db.query("SELECT customer_id, customer_name FROM cases ORDER BY id")
    return [(r["customer_id"], r["customer_name"]) for r in rows]


def test_the_forwarded_sender_is_read_from_the_text_or_the_name_it_posts_under() -> None:
    slack_mailto = "From: Ana Ruiz &lt;<mailto:ana@x.com|ana@x.com>&gt;\nhelp"
    assert sender("BFWD", {"text": slack_mailto, "username": "Contact form"}).user_id == (
        "BFWD:ana@x.com"
    )
    assert sender("BFWD", {"text": slack_mailto}).name == "Ana Ruiz"
    assert sender("BFWD", {"text": "*De:* luis@y.es\nhola"}).user_id == "BFWD:luis@y.es"
    named = sender("BFWD", {"text": "my invoice", "username": "Marta Gil"})
    assert (named.user_id, named.name) == ("BFWD:Marta Gil", "Marta Gil")
    profile = sender(
        "BFWD", {"text": "From: nobody in particular", "bot_profile": {"name": "Forms"}}
    )
    assert profile.user_id == "BFWD:Forms"


async def test_forwarded_complaints_from_two_people_are_two_cases(slack: Running) -> None:
    await slack.event(forwarded(ANA_FORM))
    await slack.event(forwarded(LUIS_FORM))
    await slack.fake.wait_for("chat.postMessage", count=6, ok=True)
    assert customers(slack) == [
        ("BFWD:ana@example.com", "Ana Ruiz"),
        ("BFWD:luis@example.org", "Luis Gil"),
    ]
    ana = slack.app.store.get_case(1)
    assert ana is not None
    await slack.event(forwarded(ANA_AGAIN))  # the same person writes again: her case
    calls = await slack.fake.wait_for("chat.postMessage", count=7, ok=True)
    assert len(customers(slack)) == 2
    last = calls[-1].params
    assert last["thread_ts"] == ana.thread_id
    assert last["text"].startswith("Ana Ruiz wrote again outside the thread: added to #1")
    assert slack.app.store.events(1)[-1].details["joined"] is True


async def test_split_from_the_thread_by_mentioning_sereno(slack: Running) -> None:
    ts = sp.next_ts()
    await slack.event(sp.message_event("C1", "U-lucia", EN, ts))
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)
    later_ts = sp.next_ts()
    await slack.event(sp.message_event("C1", "U-lucia", LATER, later_ts))
    await slack.fake.wait_for("chat.postMessage", count=4, ok=True)
    notice = slack.posts(ts)[-1]["text"]
    assert "wrote again outside the thread: added to #1" in notice and "@Sereno split" in notice
    assert slack.app.store.db["cases"].count == 1
    await slack.event(sp.app_mention_event("C1", "U-ana", "<@UBOT> split", thread_ts=ts))
    await slack.fake.wait_for("chat.postEphemeral", count=1, ok=True)
    answer = slack.fake.calls("chat.postEphemeral")[-1].params
    assert answer["thread_ts"] == ts and answer["user"] == "U-ana"
    assert answer["text"] == "Split off from #1: the customer's latest message is case #2 now."
    new = slack.app.store.get_case(2)
    assert new is not None and (new.message_id, new.thread_id) == (later_ts, later_ts)
    # The new case is guided in the thread of the message it came from.
    await eventually(lambda: len(slack.posts(later_ts)) >= 3)
    assert slack.posts(later_ts)[0]["text"].startswith("Case #2 · ")
    assert [e.kind for e in slack.app.store.events(1)][-1] is EventKind.SPLIT


async def test_dismiss_on_slack_posts_nothing_to_the_customer(slack: Running) -> None:
    ts = sp.next_ts()
    await slack.event(sp.message_event("C1", "U-lucia", "thanks!", ts))
    await slack.fake.wait_for("chat.postMessage", count=2, ok=True)
    await slack.delivered()
    before = len(slack.posts(ts))
    answer = await slack.command("dismiss #1 just a thank-you", "U-ana")
    assert "#1 dismissed by ana: not a complaint" in answer
    case = slack.app.store.get_case(1)
    assert case is not None and case.status is Status.DISMISSED
    await slack.delivered()
    assert len(slack.posts(ts)) == before  # the header is edited in place; nothing new
