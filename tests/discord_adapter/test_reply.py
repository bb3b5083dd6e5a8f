"""Reply… on a suggestion (issue 11, item 3) with the real discord.py against FakeDiscord:
the click opens a modal prefilled with the suggestion, its submit sends the agent's
text to the customer's thread, signed, once; refusals keep the text for another try.

#support is a team-only channel in the fake's world (complaints relayed by a forwarder),
so the form also offers COPY ("I send it myself"); emptying that field posts the reply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.base.case import EventKind
from bot.core.base.outbox import OutboxItem
from bot.core.base.ports import LanguageDetector
from bot.settings import Settings
from bot.wiring import App
from handlers.discord.reply import limit_for
from tests.discord_harness import ENGLISH, custom_ids, kinds, open_complaint, sereno
from tests.fakes import discord_payloads as dp
from tests.fakes.discord_access import CREATE_PRIVATE_THREADS
from tests.fakes.discord_api import FakeDiscord, RecordedRequest
from tests.support import eventually, wait_delivered

REPLY_LABEL, COPY_LABEL = "Your reply", "Type COPY if you send it yourself"
EDITED = "Dear customer, we are sending a new one for order 48213 today. Sorry! "


def suggestion_item(app: App, case_id: int) -> OutboxItem | None:
    """The case's first suggestion, once posted."""
    return next(
        (
            i
            for i in app.store.outbox_for_case(case_id)
            if i.card.kind == "suggestion" and i.platform_message_id
        ),
        None,
    )


def suggestion(fake: FakeDiscord, app: App, case_id: int) -> tuple[str, str]:
    """The first suggestion's message id and its Reply… button's custom_id."""
    item = suggestion_item(app, case_id)
    assert item is not None
    message_id = str(item.platform_message_id)
    [reply] = [
        c for c in custom_ids(fake.messages[int(message_id)]) if c.startswith("sereno:reply|")
    ]
    return message_id, reply


async def open_form(fake: FakeDiscord, app: App, user: str = "agent") -> tuple[dict, dict, int]:
    """A complaint, and ``user`` clicks Reply… on its suggestion: (message, click, case)."""
    msg, case_id = await open_complaint(fake, app)
    message_id, reply = suggestion(fake, app, case_id)
    clicked = await fake.click(reply, message_id, user=user)
    await fake.wait_for("POST", f"/interactions/{clicked['id']}/")
    return msg, clicked, case_id


async def answer_to(fake: FakeDiscord, interaction: dict) -> RecordedRequest:
    [answered] = await fake.wait_for("POST", f"/interactions/{interaction['id']}/")
    return answered


def replies_in(fake: FakeDiscord, thread_id: str) -> list[str]:
    posts = fake.requests("POST", f"/channels/{thread_id}/messages")
    return [
        p.json["content"]
        for p in posts
        if p.json and (p.json.get("content") or "") and not p.json.get("embeds")
    ]


def notices(fake: FakeDiscord, thread_id: str) -> list[str]:
    posts = fake.requests("POST", f"/channels/{thread_id}/messages")
    return [e.get("title", "") for p in posts if p.json for e in p.json.get("embeds") or []]


async def test_reply_opens_a_modal_prefilled_with_the_suggestion(
    fake: FakeDiscord, app: App
) -> None:
    _, clicked, _ = await open_form(fake, app)
    modal = fake.modal(clicked["id"])
    assert modal is not None and modal["title"] == "Reply to the customer"
    [text, copy] = [row["components"][0] for row in modal["components"]]
    assert text["label"] == REPLY_LABEL and text["style"] == 2
    assert "48213" in text["value"] and "Alex" in text["value"]  # signed by who clicked
    assert text["max_length"] == limit_for("Alex") == 2000 - len("\n— Alex")
    assert copy["label"] == COPY_LABEL and copy["value"] == "COPY" and not copy["required"]


async def test_a_customer_gets_no_modal_only_a_polite_no(fake: FakeDiscord, app: App) -> None:
    _, clicked, _ = await open_form(fake, app, user="customer")
    refused = await answer_to(fake, clicked)
    assert refused.json["type"] == 4 and refused.json["data"]["flags"] & dp.EPHEMERAL
    assert "support team" in refused.json["data"]["content"]
    assert fake.modal(clicked["id"]) is None


async def test_the_edited_reply_is_posted_once_in_the_customers_thread(
    fake: FakeDiscord, app: App
) -> None:
    msg, clicked, case_id = await open_form(fake, app)
    sent = await fake.submit_modal(clicked, {REPLY_LABEL: EDITED, COPY_LABEL: ""})
    told = await answer_to(fake, sent)
    assert told.json["data"]["flags"] & dp.EPHEMERAL
    assert "on its way to the customer" in told.json["data"]["content"]
    thread = msg["id"]  # the complaint's thread: where the customer reads
    await eventually(lambda: replies_in(fake, thread) or None)
    await eventually(lambda: EventKind.REPLY_SENT in kinds(app, case_id) or None)
    await wait_delivered(app.store, "discord")
    assert replies_in(fake, thread) == [f"{EDITED.strip()}\n— Alex"]
    assert "✉️ Reply sent to the customer by Alex." in notices(fake, thread)
    case = app.store.get_case(case_id)
    assert case is not None and case.first_response_at is not None


async def test_a_blank_left_is_refused_nothing_is_posted_and_the_text_is_kept(
    fake: FakeDiscord, app: App
) -> None:
    msg, clicked, case_id = await open_form(fake, app)
    blank = "We can offer [option A] for order 48213."
    sent = await fake.submit_modal(clicked, {REPLY_LABEL: blank, COPY_LABEL: ""})
    refused = (await answer_to(fake, sent)).json["data"]
    assert refused["flags"] & dp.EPHEMERAL and "Fill in [option A] first" in refused["content"]
    assert EventKind.REPLY_QUEUED not in kinds(app, case_id)
    assert not replies_in(fake, msg["id"])
    # "Edit and send" reopens the form with what the agent wrote
    [edit] = [
        m
        for m in fake.messages.values()
        if m.get("interaction_metadata", {}).get("id") == sent["id"]
    ]
    again = await fake.click(custom_ids(edit)[0], edit["id"])
    await answer_to(fake, again)
    modal = fake.modal(again["id"])
    assert modal is not None and modal["components"][0]["components"][0]["value"] == blank
    assert modal["components"][1]["components"][0].get("value") is None  # still "post it"


async def test_copy_and_mark_as_sent_records_it_and_posts_nothing(
    fake: FakeDiscord, app: App
) -> None:
    msg, clicked, case_id = await open_form(fake, app)
    sent = await fake.submit_modal(clicked, {REPLY_LABEL: EDITED})  # COPY as prefilled
    told = (await answer_to(fake, sent)).json["data"]
    assert "recorded as sent" in told["content"]
    sent_event = app.store.last_event(case_id, EventKind.REPLY_SENT)
    assert sent_event is not None and sent_event.details["via"] == "copied"
    await wait_delivered(app.store, "discord")
    assert not replies_in(fake, msg["id"])
    assert any("outside the chat" in n for n in notices(fake, msg["id"]))


async def test_anything_but_copy_in_the_copy_field_is_explained(
    fake: FakeDiscord, app: App
) -> None:
    _, clicked, case_id = await open_form(fake, app)
    sent = await fake.submit_modal(clicked, {REPLY_LABEL: EDITED, COPY_LABEL: "yes"})
    told = (await answer_to(fake, sent)).json["data"]
    assert "Type COPY" in told["content"] and "leave that field empty" in told["content"]
    assert EventKind.REPLY_SENT not in kinds(app, case_id)


def public_general(fake: FakeDiscord, settings_for: Callable[..., Settings]) -> Settings:
    """Sereno on #general, which @everyone can view: cases get private threads there."""
    w = fake.world
    found = w.roles["Sereno"]
    found["permissions"] = str(int(found["permissions"]) | CREATE_PRIVATE_THREADS)
    return settings_for(
        SERENO_DISCORD_CHANNELS=str(w.channel_id("general")),
        SERENO_DISCORD_AGENT_ROLE=str(w.role_id("Agents")),
    )


async def reply_clicked_in(fake: FakeDiscord, app: App, channel: str) -> tuple[dict, Any, dict]:
    """A complaint in `channel`, its suggestion delivered, and the agent's click on
    Reply… answered: (the complaint, its case, the click)."""
    msg = await fake.user_message(ENGLISH, channel=channel)
    where = str(fake.world.channel_id(channel))
    case = await eventually(lambda: app.store.find_case_by_message("discord", where, msg["id"]))
    await eventually(lambda: suggestion_item(app, case.id))
    await wait_delivered(app.store, "discord")
    message_id, reply = suggestion(fake, app, case.id)
    clicked = await fake.click(reply, message_id, user="agent")
    await answer_to(fake, clicked)
    return msg, case, clicked


async def test_where_customers_read_the_channel_the_reply_is_the_one_thing_they_see(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    """#general is public: guidance is in the case's private thread, the reply form has no
    COPY, and the signed reply goes to a thread on the customer's own message."""
    settings = public_general(fake, settings_for)
    general = str(fake.world.channel_id("general"))
    async with sereno(fake, settings, detector) as app:
        msg, case, clicked = await reply_clicked_in(fake, app, "general")
        modal = fake.modal(clicked["id"])
        assert modal is not None and len(modal["components"]) == 1  # no COPY: customers read
        sent = await fake.submit_modal(clicked, {REPLY_LABEL: EDITED})
        await answer_to(fake, sent)
        await eventually(lambda: EventKind.REPLY_SENT in kinds(app, case.id) or None)
        await wait_delivered(app.store, "discord")
        staff = app.store.get_case(case.id)
    assert staff is not None and staff.staff_thread_id
    assert replies_in(fake, msg["id"]) == [f"{EDITED.strip()}\n— Alex"]
    assert "✉️ Reply sent to the customer by Alex." in notices(fake, staff.staff_thread_id)
    seen = [m.get("content") for m in fake.visible_to("customer")]
    assert seen == [f"{EDITED.strip()}\n— Alex"], seen
    [opened] = fake.requests("POST", f"/channels/{general}/messages/{msg['id']}/threads")
    name = opened.json["name"]  # customers read it: the complaint's words, not the case's
    assert not name.startswith("Case") and ENGLISH.split()[0] in name


async def test_what_the_customer_answers_in_their_thread_shows_in_the_private_thread(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    """Issue 11, item 4 on Discord: the staff thread shows the customer's side too."""
    settings = public_general(fake, settings_for)
    async with sereno(fake, settings, detector) as app:
        msg, case, clicked = await reply_clicked_in(fake, app, "general")
        await answer_to(fake, await fake.submit_modal(clicked, {REPLY_LABEL: EDITED}))
        await eventually(lambda: EventKind.REPLY_SENT in kinds(app, case.id) or None)
        await wait_delivered(app.store, "discord")
        later = "Thanks, but when exactly will it arrive? I need it by Friday."
        await fake.user_message(later, channel=msg["id"])
        await eventually(lambda: EventKind.CUSTOMER_MESSAGE in kinds(app, case.id) or None)
        await wait_delivered(app.store, "discord")
        staff = app.store.get_case(case.id)
    assert staff is not None and staff.staff_thread_id
    posts = fake.requests("POST", f"/channels/{staff.staff_thread_id}/messages")
    mirrored = [
        e
        for p in posts
        if p.json
        for e in p.json.get("embeds") or []
        if "wrote in their thread" in e.get("title", "")
    ]
    assert len(mirrored) == 1 and later in mirrored[0]["description"]
    seen = [m.get("content") for m in fake.visible_to("customer")]
    assert seen == [f"{EDITED.strip()}\n— Alex"], seen


async def test_a_form_opened_before_a_restart_is_still_sent_after_it(
    fake: FakeDiscord, settings_for: Callable[..., Settings], detector: LanguageDetector
) -> None:
    """The agent types while Sereno restarts: the new process takes the form back."""
    settings = settings_for()
    async with sereno(fake, settings, detector) as app:
        msg, clicked, case_id = await open_form(fake, app)
    async with sereno(fake, settings, detector) as app:
        sent = await fake.submit_modal(clicked, {REPLY_LABEL: EDITED, COPY_LABEL: ""})
        told = await answer_to(fake, sent)
        assert "on its way to the customer" in told.json["data"]["content"]
        await eventually(lambda: EventKind.REPLY_SENT in kinds(app, case_id) or None)
        await wait_delivered(app.store, "discord")
    assert replies_in(fake, msg["id"]) == [f"{EDITED.strip()}\n— Alex"]
