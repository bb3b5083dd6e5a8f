"""Sereno on Slack, end to end: the real bolt app and slack_sdk client against FakeSlack."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.base.case import EventKind
from bot.core.base.model import Status, StepState
from bot.core.base.ports import LanguageDetector
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_api import FakeSlack
from tests.slack_harness import SECRET, Running, blocks_text, running, slack_settings
from tests.support import eventually

ES = "Llevo TRES semanas esperando el pedido 48213 y nadie me responde!!! No vuelvo a comprar."
EN = "My order 5521 arrived broken and nobody answers my emails. I want a refund."


async def open_case(slack: Running, text: str = EN, user: str = "U-lucia") -> str:
    ts = sp.next_ts()
    before = len(slack.posts())
    assert await slack.event(sp.message_event("C1", user, text, ts)) == 200
    await slack.fake.wait_for("chat.postMessage", count=before + 3, ok=True)
    await slack.delivered()  # Sereno knows each post's ts, not only the fake
    return ts


def kinds(slack: Running, case_id: int = 1) -> list[EventKind]:
    return [e.kind for e in slack.app.store.events(case_id)]


FOLDED = ["pause", "listen", "find-reason"]  # the "Before you answer" card of a calm case


def folded_states(slack: Running, case_id: int = 1) -> list[StepState]:
    """The states of the steps the first card stands for, checked to be those steps."""
    steps = slack.app.store.steps(case_id)[: len(FOLDED)]
    assert [s.step_id for s in steps] == FOLDED
    return [s.state for s in steps]


async def test_spanish_and_english_complaints_get_guidance_in_their_thread(
    slack: Running,
) -> None:
    es_ts = await open_case(slack, ES)
    en_ts = await open_case(slack, EN, "U-john")
    es_posts, en_posts = slack.posts(es_ts), slack.posts(en_ts)
    assert [p["text"].split(" ")[0] for p in es_posts] == ["Case", "Step", "Suggested"]
    assert es_posts[0]["text"].startswith("Case #1 · delivery")
    assert "Suggested reply (es)" in es_posts[2]["text"] and "48213" in es_posts[2]["text"]
    assert "Suggested reply (en)" in en_posts[2]["text"]
    assert "sereno:step-done" in blocks_text(es_posts[1])  # Block Kit buttons
    assert "sereno:claim" in blocks_text(es_posts[0])


async def test_reaction_marks_a_step_and_removing_it_undoes(slack: Running) -> None:
    ts = await open_case(slack)
    step_ts = slack.posted_ts("Step 1/", ts)
    await slack.event(sp.reaction_event(True, "U-ana", "white_check_mark", "C1", step_ts))
    await slack.fake.wait_for("chat.postMessage", count=4, ok=True)
    await slack.fake.wait_for("chat.update", count=1, ok=True)
    # the first card stands for pause, listen and find-reason (a lean thread, issue 13):
    # ✅ marks all three and the next card is the first reply, step 4
    assert slack.posts(ts)[-1]["text"].startswith("Step 4/12 · First reply")
    update = slack.fake.calls("chat.update")[-1].params
    assert update["ts"] == slack.posted_ts("Case #1", ts)
    assert "Progress 3/12 · ☑ before-answer ☐ reply" in update["text"]
    assert folded_states(slack) == [StepState.DONE] * 3
    await slack.event(sp.reaction_event(False, "U-ana", "white_check_mark", "C1", step_ts))
    # header edits are at most one every 5 s per case: the next one comes after the gap
    await slack.fake.wait_for("chat.update", count=2, ok=True, timeout=15)
    assert folded_states(slack) == [StepState.PENDING] * 3
    assert "Progress 0/12 · ☐ before-answer" in slack.fake.calls("chat.update")[-1].params["text"]
    await slack.event(sp.reaction_event(True, "U-ana", "fast_forward", "C1", step_ts))
    await slack.fake.wait_for("chat.update", count=3, ok=True, timeout=15)
    assert folded_states(slack) == [StepState.SKIPPED] * 3
    assert "⤼ before-answer" in slack.fake.calls("chat.update")[-1].params["text"]


async def test_customer_reactions_are_ignored_and_recorded(slack: Running) -> None:
    ts = await open_case(slack)
    step_ts = slack.posted_ts("Step 1/", ts)
    await slack.event(sp.reaction_event(True, "U-lucia", "white_check_mark", "C1", step_ts))
    await eventually(lambda: EventKind.REACTION_IGNORED in kinds(slack))
    assert slack.app.store.steps(1)[0].state is StepState.PENDING


async def test_button_click_claims(slack: Running) -> None:
    ts = await open_case(slack)
    answer = await slack.click("sereno:claim", "1", "U-ana", slack.posted_ts("Case #1", ts))
    assert "assigned to ana" in answer
    case = slack.app.store.get_case(1)
    assert case is not None and case.assignee_id == "U-ana"
    assert "you can" not in answer.lower()


async def test_thread_replies_edits_and_deletes_are_recorded(slack: Running) -> None:
    ts = await open_case(slack)
    reply_ts = sp.next_ts()
    reply = sp.message_event("C1", "U-lucia", "Sigo esperando", reply_ts, ts)
    answer = sp.message_event("C1", "U-ana", "Lo miro ahora", sp.next_ts(), ts)
    edit = sp.edit_event("C1", ts, "edited complaint", EN, user="U-lucia")
    delete = sp.delete_event("C1", reply_ts, user="U-lucia", old_text="Sigo", thread_ts=ts)
    sent = [
        (reply, EventKind.CUSTOMER_MESSAGE),
        (answer, EventKind.AGENT_MESSAGE),
        (edit, EventKind.MESSAGE_EDITED),
        (delete, EventKind.MESSAGE_DELETED),
    ]
    for event, kind in sent:
        # Bolt acks at once and handles events concurrently; Slack sends these seconds
        # apart, so each is sent once the one before it is recorded.
        await slack.event(event)
        await eventually(lambda kind=kind: kinds(slack)[-1] is kind)
    assert kinds(slack)[-4:] == [kind for _, kind in sent]
    case = slack.app.store.get_case(1)
    assert case is not None and case.text == EN  # recorded, never silently applied


async def test_commands_outside_and_inside_a_thread(slack: Running) -> None:
    ts = await open_case(slack)
    shown = await slack.command("show #1", "U-ana")
    assert "Case #1" in shown and "1. pause: pending" in shown
    implied = await slack.command("done 1", "U-ana")
    assert "Which case?" in implied
    assert "I don't know" in await slack.command("frobnicate", "U-ana")
    mention = sp.app_mention_event("C1", "U-ana", "<@UBOT> done 1", thread_ts=ts)
    await slack.event(mention)
    await slack.fake.wait_for("chat.postEphemeral", count=1, ok=True)
    ephemeral = slack.fake.calls("chat.postEphemeral")[-1].params
    assert ephemeral["user"] == "U-ana" and ephemeral["thread_ts"] == ts
    assert "done by ana" in ephemeral["text"]
    assert slack.app.store.steps(1)[0].state is StepState.DONE
    assert len([c for c in kinds(slack) if c is EventKind.AGENT_MESSAGE]) == 0


async def test_a_customer_cannot_run_agent_commands(slack: Running) -> None:
    await open_case(slack)
    answer = await slack.command("resolve #1", "U-lucia")
    assert "Only the support team" in answer
    case = slack.app.store.get_case(1)
    assert case is not None and case.status is Status.NEW


async def test_retries_and_duplicates_open_one_case(slack: Running) -> None:
    event = sp.message_event("C1", "U-lucia", EN, sp.next_ts())
    assert await slack.event(event, "Ev-same") == 200
    assert await slack.event(event, "Ev-same", retry=1) == 200
    assert await slack.event(event, "Ev-other") == 200  # Socket Mode style redelivery
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)
    await asyncio.sleep(0.2)
    assert slack.app.store.db["cases"].count == 1 and len(slack.posts()) == 3


async def test_bots_sereno_itself_and_other_channels_are_ignored(slack: Running) -> None:
    await slack.event(sp.message_event("C1", None, "I am Sereno", bot_id="BBOT"))
    await slack.event(sp.message_event("C1", None, "deploy finished", bot_id="BOTHER"))
    await slack.event(sp.message_event("C9", "U-lucia", EN))
    await slack.event(sp.message_event("C1", "U-ana", "Team: the courier is late today"))
    forwarded = sp.message_event("C1", None, "Web form: my invoice is wrong!", bot_id="BFWD")
    forwarded["username"] = "webform"
    await slack.event(forwarded)
    await slack.fake.wait_for("chat.postMessage", count=3, ok=True)
    await asyncio.sleep(0.2)
    cases = list(slack.app.store.db.query("SELECT customer_id FROM cases"))
    assert cases == [{"customer_id": "BFWD:webform"}]


async def test_forged_stale_and_malformed_requests(slack: Running) -> None:
    raw, headers = sp.json_request(
        "wrong-secret", sp.event_body(sp.message_event("C1", "U-lucia", EN))
    )
    assert (await slack.post(raw, headers))[0] == 401
    raw, headers = sp.json_request(
        SECRET, sp.event_body(sp.message_event("C1", "U-lucia", EN)), timestamp=1_000_000
    )
    assert (await slack.post(raw, headers))[0] == 401
    bad = b'{"type": "event_callback", "event": {'
    status, _ = await slack.post(bad, {"Content-Type": "application/json", **sp.sign(SECRET, bad)})
    assert status in (400, 404)
    assert slack.app.store.db["cases"].count == 0
    await open_case(slack)  # still serving


async def test_a_40000_character_complaint(slack: Running) -> None:
    text = ("My order 777 is late and nobody answers! " * 1000)[:40_000]
    ts = await open_case(slack, text)
    assert all(len(p["text"]) <= 4000 for p in slack.posts(ts))
    case = slack.app.store.get_case(1)
    assert case is not None and len(case.text) == 40_000


async def test_rate_limits_and_server_errors_are_retried(slack: Running) -> None:
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    slack.fake.fail_next("chat.update", status=500)
    ts = await open_case(slack)
    step_ts = slack.posted_ts("Step 1/", ts)
    await slack.event(sp.reaction_event(True, "U-ana", "white_check_mark", "C1", step_ts))
    await slack.fake.wait_for("chat.update", count=1, ok=True, timeout=8)
    await slack.fake.wait_for("chat.postMessage", count=4, ok=True, timeout=8)
    titles = [p["text"].split("\n")[0][:6] for p in slack.posts(ts)]
    assert titles == ["Case #", "Step 1", "Sugges", "Step 4"]  # ✅ marked steps 1-3
    assert slack.posts(ts)[-1]["text"].startswith("Step 4/12 · First reply")
    assert folded_states(slack) == [StepState.DONE] * 3


async def test_restart_then_react_to_a_step_posted_before(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    settings = slack_settings(db_path, fake)
    async with running(settings, fake, detector) as first:
        ts = await open_case(first)
        step_ts = first.posted_ts("Step 1/", ts)
    async with running(settings, fake, detector) as second:
        await second.event(sp.reaction_event(True, "U-luis", "white_check_mark", "C1", step_ts))
        await fake.wait_for("chat.postMessage", count=4, ok=True)
        assert second.posts(ts)[-1]["text"].startswith("Step 4/12 · First reply")
        assert folded_states(second) == [StepState.DONE] * 3
        assert [s.actor_name for s in second.app.store.steps(1)[:3]] == ["luis"] * 3
    assert not fake.calls("conversations.replies")  # storage knows; Slack is not re-read


async def test_burst_of_200_complaints_under_a_posting_rate(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    fake.enforce_rate(per_channel_per_second=150, retry_after=0.2)
    # A slow machine may post under 150 a second: one 429 is waited out whatever the speed.
    fake.fail_next("chat.postMessage", status=429, retry_after=0.2)
    async with running(slack_settings(db_path, fake), fake, detector) as slack:
        stamps = [sp.next_ts() for _ in range(200)]
        await asyncio.gather(
            *(
                slack.event(sp.message_event("C1", f"U{n}", f"Order {n} never arrived!", ts))
                for n, ts in enumerate(stamps)
            )
        )
        await fake.wait_for("chat.postMessage", count=600, ok=True, timeout=120)
        await slack.delivered()  # nothing left to send: no later post can come
        assert any(c.status == 429 for c in fake.calls("chat.postMessage"))
        assert len(slack.posts()) == 600  # none twice
        for ts in stamps:
            titles = [p["text"].split(" ")[0] for p in slack.posts(ts)]
            assert titles == ["Case", "Step", "Suggested"], ts


async def test_a_ping_in_the_thread_mentions_the_agents_and_a_reaction_finishes_it(
    fake: FakeSlack, db_path: Path, detector: LanguageDetector
) -> None:
    settings = slack_settings(
        db_path,
        fake,
        SERENO_FIRST_RESPONSE="0s",
        SERENO_SLACK_AGENT_GROUP="SAGENTS",
        SERENO_SLACK_PING_DM="true",
    )
    fake.set_usergroup("SAGENTS", ["U-ana", "U-luis"])
    async with running(settings, fake, detector) as slack:
        ts = await open_case(slack)
        assert slack.app.scheduler.tick() == 1
        slack.app.engine.notify()
        await fake.wait_for("chat.postMessage", count=4, ok=True)
        await slack.delivered()  # Sereno knows the ping's ts before it is reacted to
        ping = slack.posts(ts)[-1]
        assert ping["text"].startswith("<!subteam^SAGENTS> ⏰ First response due · #1")
        ping_ts = slack.posted_ts("<!subteam^SAGENTS>", ts)
        await slack.event(sp.reaction_event(True, "U-ana", "white_check_mark", "C1", ping_ts))
        store = slack.app.store
        await eventually(
            lambda: all(r.kind.value != "first-response" for r in store.reminders_for(1))
        )
        kinds = [r.kind.value for r in slack.app.store.reminders_for(1)]
        assert "first-response" not in kinds


async def test_case_report_and_team_report_are_uploaded_as_files(slack: Running) -> None:
    ts = await open_case(slack)
    assert "posted in its thread" in await slack.command("export #1 md", "U-ana")
    await slack.fake.wait_for("files.completeUploadExternal", count=1, ok=True)
    [report] = [f for f in slack.fake.files.values() if f["name"] == "case-1.md"]
    assert report["thread_ts"] == ts and report["channel_id"] == "C1"
    assert report["data"].startswith(b"# Case #1")
    assert "posted here" in await slack.command("report 7d", "U-ana")
    await slack.fake.wait_for("files.completeUploadExternal", count=2, ok=True)
    [chart] = [f for f in slack.fake.files.values() if f["name"].endswith(".png")]
    assert chart["data"].startswith(b"\x89PNG") and chart["thread_ts"] is None
    assert "Team report" in (chart["initial_comment"] or "")
