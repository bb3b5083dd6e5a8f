"""A lean thread (issue 13, items 1 and 2): steps that need no decision share one card,
the kind-of-customer tip comes with the first card, "route it" only when the case is not
the team's, ✅ on a card marks all it stands for, the header lists every step, and its
edits are coalesced (at most one every 5 s per case, the latest content, across restarts).

On the real engine and a real SQLite file; the drainer runs against a recording messenger
and a fake clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.base.case import Case
from bot.core.base.model import Actor, Incoming, Status, StepState, Via
from bot.core.base.outbox import OutboxItem
from bot.core.commands.interactions import mark_card, on_reaction
from bot.core.delivery.drainer import EDIT_GAP, OutboxDrainer
from bot.settings import Settings
from bot.wiring import App, build
from playbooks.advice import load_advice_ids
from playbooks.errors import PlaybookError
from playbooks.loader import load_playbook
from tests.conftest import AGENT
from tests.support import FakeClock, RecordingMessenger

CALM = "Hello, could you please check invoice 7781? I think I was charged twice. Thank you."
RUDE = "Where the hell is my order 5521?? You useless idiots, three weeks and NOTHING!!!"
LEGAL = (
    "This is unacceptable. My order 9912 never arrived. If this is not fixed today I will "
    "contact my lawyer and post about it on Twitter for everyone to see!!!"
)
BEFORE_ANSWER = ("Pause before you answer", "Let them finish", "Find the real reason")
#: Steps an agent works after resolving (the "Once it's solved" card).
AFTER = {"show-resolution", "document", "follow-up", "offer-more", "share-improvements"}


def open_case(app: App, text: str, n: int = 1) -> Case:
    author = Actor("test", f"U-c{n}", f"Customer{n} Example")
    case = app.engine.open_case(Incoming("test", f"C{n}", f"m-{n}", author, text, None, None))
    assert case is not None
    return case


def posts(app: App, case_id: int) -> list[OutboxItem]:
    """What Sereno posted (or will post) in the case's thread; header edits excluded."""
    return [i for i in app.store.outbox_for_case(case_id) if i.edit_of is None]


def step_cards(app: App, case_id: int) -> list[OutboxItem]:
    return [i for i in posts(app, case_id) if i.card.kind.value == "step"]


def work_to_resolution(app: App, case: Case) -> None:
    """An agent claims the case, ✅s each card as it comes, then resolves it."""
    engine = app.engine
    engine.claim(case, AGENT)
    for _ in range(20):
        current = engine.store.get_case(case.id)
        assert current is not None
        pending = [
            s
            for s in engine.store.steps(case.id)
            if s.state is StepState.PENDING and s.step_id not in AFTER
        ]
        if not pending:
            break
        reply = mark_card(engine, current, pending[0].step_id, StepState.DONE, AGENT, Via.REACTION)
        assert reply.ok, reply.text
    resolved = engine.transition(
        engine.store.get_case(case.id) or case, AGENT, Status.RESOLVED, "resolve"
    )
    assert resolved.ok, resolved.text


@pytest.mark.parametrize("text", [CALM, RUDE, LEGAL], ids=["calm-invoice", "rude", "legal"])
def test_a_typical_case_takes_at_most_eight_posts(app: App, text: str) -> None:
    case = open_case(app, text)
    work_to_resolution(app, case)
    made = posts(app, case.id)
    assert len(made) <= 8, [(i.card.kind.value, i.step_id, i.card.title) for i in made]
    titles = [i.card.title for i in made]
    assert titles[0].startswith(f"Case #{case.id} · ")
    assert any("Before you answer" in title for title in titles)
    assert titles[-1].endswith("Once it's solved"), titles  # posted on resolving, last


def test_a_calm_polite_question_gets_one_before_you_answer_card(app: App) -> None:
    case = open_case(app, CALM)
    _header, card, suggestion = posts(app, case.id)
    assert card.card.title == "Step 1/12 · Before you answer"
    for title in BEFORE_ANSWER:
        assert sum(line.startswith(f"{title} — ") for line in card.card.lines) == 1
    assert suggestion.card.title.startswith("Suggested reply (en)")
    ids = [s.step_id for s in app.store.steps(case.id)]
    assert "right-channel" not in ids  # not on every case
    assert not [s for s in ids if s.startswith("tip-")]  # no kind read: no tip


def test_the_kind_tip_is_on_the_first_card_before_the_first_reply(app: App) -> None:
    case = open_case(app, RUDE)
    header, card, suggestion = posts(app, case.id)
    assert "Customer seems: rude" in "\n".join(header.card.lines)
    assert any(line.startswith("Rude customer: never insult back — ") for line in card.card.lines)
    assert suggestion.card.title == "Suggested reply (en) — First reply"
    ids = [s.step_id for s in app.store.steps(case.id)]
    assert ids.index("tip-rude") < ids.index("first-reply")


def test_route_it_only_when_the_agent_says_the_case_is_not_ours(app: App) -> None:
    case = open_case(app, CALM)
    assert "right-channel" not in [s.step_id for s in app.store.steps(case.id)]
    reply = app.engine.flag(case, AGENT, "not-ours")
    assert reply.ok, reply.text
    assert "right-channel" in [s.step_id for s in app.store.steps(case.id)]
    made = posts(app, case.id)
    assert made[-2].card.title.endswith("Route it if it isn't yours")
    assert made[-1].card.kind.value == "suggestion" and made[-1].step_id == "right-channel"


async def test_a_check_mark_on_a_folded_card_marks_each_step_and_removing_it_undoes(
    app: App, clock: FakeClock
) -> None:
    case = open_case(app, RUDE)
    messenger = RecordingMessenger()
    drainer = OutboxDrainer(app.store, messenger, clock)
    await drainer.drain_once()
    card = step_cards(app, case.id)[0]
    message = f"p{card.id}"  # the recording messenger's message ids
    assert on_reaction(app.engine, "test", message, "white_check_mark", AGENT, True) is not None
    states = {s.step_id: s.state for s in app.store.steps(case.id)}
    folded = ("pause", "listen", "find-reason", "tip-rude")
    assert all(states[s] is StepState.DONE for s in folded), states
    assert states["first-reply"] is StepState.PENDING
    assert (
        step_cards(app, case.id)[1].card.title
        == "Step 5/14 · First reply: acknowledge, align, assure"
    )
    # one header edit waits for the whole ✅, not one per step
    [header] = [i for i in app.store.iter_pending_outbox("test") if i.edit_of is not None]
    progress = next(line for line in header.card.lines if line.startswith("Progress"))
    assert progress.startswith("Progress 4/14 · ☑ before-answer ☐ reply ☐ solve ☐ after · ")
    on_reaction(app.engine, "test", message, "white_check_mark", AGENT, False)
    states = {s.step_id: s.state for s in app.store.steps(case.id)}
    assert all(states[s] is StepState.PENDING for s in folded), states


def test_the_checklist_shows_every_step_and_which_are_left(app: App) -> None:
    case = open_case(app, LEGAL)
    app.engine.set_step(case, "pause", StepState.DONE, AGENT, Via.COMMAND)
    app.engine.set_step(case, "apologize", StepState.SKIPPED, AGENT, Via.COMMAND)
    app.engine.set_step(case, "first-reply", StepState.SKIPPED, AGENT, Via.COMMAND)
    header = app.store.outbox_for_case(case.id)[-1]
    progress = next(line for line in header.card.lines if line.startswith("Progress"))
    assert progress == (
        "Progress 3/13 · ☐ before-answer 1/3 ⤼ reply ☐ solve ☐ after · ▸ now: listen"
    )


# -- coalesced header edits ------------------------------------------------------------------


def header_edits(messenger: RecordingMessenger) -> list[OutboxItem]:
    return [i for i in messenger.sent if i.edit_of is not None and i.card.kind.value == "header"]


async def test_header_edits_are_coalesced_at_most_one_every_five_seconds(
    app: App, clock: FakeClock
) -> None:
    case = open_case(app, LEGAL)
    messenger = RecordingMessenger()
    drainer = OutboxDrainer(app.store, messenger, clock)
    await drainer.drain_once()
    sent_at = {}
    steps = ["pause", "listen", "find-reason", "apologize", "first-reply", "solve"]
    for step in steps:  # a burst of ticks, a second apart
        app.engine.set_step(case, step, StepState.DONE, AGENT, Via.COMMAND)
        await drainer.drain_once()
        for item in header_edits(messenger):
            sent_at.setdefault(item.id, clock.now())
        clock.advance(seconds=1)
    # the first tick's edit went at once, the next waited for the gap (with the latest
    # content by then); the step cards never waited
    edits = header_edits(messenger)
    assert len(edits) == 2
    assert sent_at[edits[1].id] - sent_at[edits[0].id] == EDIT_GAP
    assert "Progress 6/13 " in " ".join(edits[1].card.lines)
    assert [i.card.title for i in messenger.sent if i.card.kind.value == "step"][-1].endswith(
        "Solve it: offer options"
    )
    app.engine.set_step(case, "take-offline", StepState.DONE, AGENT, Via.COMMAND)
    await drainer.drain_once()
    assert len(header_edits(messenger)) == 2  # held back: the last edit is 1 s old
    clock.advance(seconds=4)
    await drainer.drain_once()
    edits = header_edits(messenger)
    assert len(edits) == 3 and "Progress 7/13 " in " ".join(edits[2].card.lines)
    assert not [i for i in app.store.iter_pending_outbox("test")]


async def test_a_held_back_edit_is_sent_after_a_restart(
    settings: Settings, clock: FakeClock, detector: object, db_path: Path
) -> None:
    first = build(settings, clock=clock, detector=detector)  # type: ignore[arg-type]
    case = open_case(first, CALM)
    messenger = RecordingMessenger()
    drainer = OutboxDrainer(first.store, messenger, clock)
    await drainer.drain_once()
    first.engine.set_step(case, "pause", StepState.DONE, AGENT, Via.COMMAND)
    await drainer.drain_once()
    first.engine.set_step(case, "listen", StepState.DONE, AGENT, Via.COMMAND)
    await drainer.drain_once()  # within the gap: held back
    assert len(header_edits(messenger)) == 1
    first.close()
    clock.advance(seconds=6)
    again = build(settings, clock=clock, detector=detector)  # type: ignore[arg-type]
    try:
        after = RecordingMessenger()
        await OutboxDrainer(again.store, after, clock).drain_once()
        [edit] = header_edits(after)
        assert "Progress 2/12 " in " ".join(edit.card.lines)
    finally:
        again.close()


async def test_no_gap_for_a_drainer_told_so(app: App, clock: FakeClock) -> None:
    """The console has no rate limit: each edit shows at once (still the latest only)."""
    case = open_case(app, CALM)
    messenger = RecordingMessenger()
    drainer = OutboxDrainer(app.store, messenger, clock, edit_gap=EDIT_GAP * 0)
    for step in ("pause", "listen"):
        app.engine.set_step(case, step, StepState.DONE, AGENT, Via.COMMAND)
        await drainer.drain_once()
    assert len(header_edits(messenger)) == 2


# -- the playbook's groups -------------------------------------------------------------------

GROUPED = """
id = "mini"
name = { es = "Mini", en = "Mini" }

[groups.first]
title = { es = "Primero", en = "First" }

[[steps]]
id = "one"
group = "first"
title = { es = "Uno", en = "One" }
guidance = { es = "Uno.", en = "One." }
advice = ["listen"]

[[steps]]
id = "two"
group = "first"
title = { es = "Dos", en = "Two" }
guidance = { es = "Dos.", en = "Two." }
advice = ["listen"]

[[steps]]
id = "three"
title = { es = "Tres", en = "Three" }
guidance = { es = "Tres.", en = "Three." }
advice = ["listen"]
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "mini.toml"
    path.write_text(text, encoding="utf-8")
    return load_playbook(path, load_advice_ids())


def test_a_grouped_playbook_loads(tmp_path: Path) -> None:
    playbook = load(tmp_path, GROUPED)
    assert [s.group for s in playbook.steps] == ["first", "first", None]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        (
            'id = "two"\ngroup = "first"',
            'id = "two"\ngroup = "second"',
            "step 'two'",
            "unknown group 'second'",
        ),
        ('id = "three"\n', 'id = "three"\ngroup = "first"\n', "step 'three'", None),
    ],
    ids=["unknown", "apart"],
)
def test_a_bad_group_is_refused_naming_file_step_and_field(
    tmp_path: Path, old: str, new: str, where: str, problem: str | None
) -> None:
    text = GROUPED.replace(old, new)
    if problem is None:  # 'three' joins the group with 'one' and 'two' apart from it
        text = text.replace('id = "two"\ngroup = "first"', 'id = "two"')
        where, problem = "step 'three'", "must be consecutive"
    with pytest.raises(PlaybookError) as info:
        load(tmp_path, text)
    error = info.value
    assert str(tmp_path / "mini.toml") in str(error)
    assert (error.where, error.field) == (where, "group"), str(error)
    assert problem in str(error)


def test_a_group_flag_must_be_true_or_false(tmp_path: Path) -> None:
    text = GROUPED.replace("[groups.first]\n", '[groups.first]\nafter_resolution = "yes"\n')
    with pytest.raises(PlaybookError) as info:
        load(tmp_path, text)
    assert (info.value.where, info.value.field) == ("group 'first'", "after_resolution")
