"""Forgiving commands (issue 13 item 6): `show 6` for `show #6` where the argument is a
case, step numbers where it is a step, a did-you-mean for a mistyped verb, the playbook
numbered as the case is, and a timeline that reads as sentences, notes kept whole."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest

from bot.core import texts
from bot.core.base.case import Event, EventKind
from bot.core.base.model import Actor, Status, StepState
from bot.core.base.ports import LanguageDetector
from bot.core.cases.context import Context
from bot.core.commands.dispatch import run
from bot.core.commands.language import NUMBER_READS, USAGE, CommandError, help_text, number_reads
from bot.core.commands.language import parse as parse_command
from bot.core.commands.timeline import sentence
from bot.core.texts import for_language
from bot.settings import Settings
from bot.wiring import App, build
from tests.conftest import AGENT, LUCIA, complaint
from tests.slack_harness import Running
from tests.support import FakeClock
from tests.test_slack_adapter import open_case

ORDER = "My order {n} never arrived and nobody answers my emails!"
LONG_NOTE = (
    "called her at 10:40, she accepts the refund of 25 EUR but wants it on the card she "
    "paid with, not as store credit; the courier says the parcel is in Zaragoza, and I "
    "promised to call back tomorrow before noon"
)
#: A timeline line that is raw: a kind's value, or details as key=value.
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\w+=\S")


def open_cases(app: App, count: int) -> list[int]:
    ids = []
    for n in range(1, count + 1):
        # each from another customer: a customer's second message joins their open case
        author = LUCIA if n == 1 else Actor("test", f"U-c{n}", f"Customer {n}")
        case = app.engine.open_case(complaint(ORDER.format(n=n), f"m-{n}", author))
        assert case is not None
        ids.append(case.id)
    return ids


def say(app: App, text: str, thread: str | None = None) -> str:
    reply = run(app.engine, app.times, text, Context(AGENT, "test", "C1", thread))
    assert reply.ok, (text, reply.text)
    return reply.text


@pytest.fixture
def es_app(tmp_path: Path, clock: FakeClock, detector: LanguageDetector) -> Iterator[App]:
    env = {"SERENO_DB": str(tmp_path / "es.db"), "SERENO_AGENT_LANGUAGE": "es"}
    built = build(Settings.from_env(env), clock=clock, detector=detector)
    yield built
    built.close()


# -- bare numbers -------------------------------------------------------------------------


def test_the_table_reads_a_bare_number_as_the_case_unless_it_is_a_step_or_text() -> None:
    for name in USAGE:
        reads = number_reads(name)
        takes_case = USAGE[name].startswith(f"{name} [#case]")
        assert reads == (NUMBER_READS.get(name) or ("case" if takes_case else "none")), name
        command = parse_command(f"{name} 6 more words")
        assert (command.case_id == 6) is (reads == "case"), name
        if reads != "case":
            assert command.args.startswith("6"), name
    assert {n for n in USAGE if number_reads(n) == "step"} == {"done", "undo", "skip"}
    for case_verb in ("show", "timeline", "export", "claim", "resolve", "playbook", "close"):
        assert number_reads(case_verb) == "case"


def test_show_6_answers_as_show_hash_6(app: App) -> None:
    open_cases(app, 2)
    for verb in ("show", "timeline", "playbook"):
        assert say(app, f"{verb} 2") == say(app, f"{verb} #2")
    assert say(app, "show 2").startswith("Case #2 · ")


def test_claim_and_resolve_with_a_bare_number_act_on_that_case(app: App) -> None:
    open_cases(app, 2)
    say(app, "claim 2")
    say(app, "resolve 2 refund sent")
    first, second = app.store.get_case(1), app.store.get_case(2)
    assert first is not None and second is not None
    assert first.assignee_name is None and first.status is Status.NEW
    assert second.assignee_name == "ana" and second.status is Status.RESOLVED
    resolved = [e for e in app.store.events(2) if e.kind is EventKind.RESOLVED]
    assert resolved[0].details["text"] == "refund sent"


def test_a_bare_number_after_done_is_still_the_step(app: App) -> None:
    open_cases(app, 3)  # case #3 exists: `done 3` must not read as it
    case = app.store.get_case(1)
    assert case is not None and case.thread_id
    say(app, "done 3", thread=case.thread_id)
    steps = app.store.steps(1)
    assert [s.state for s in steps[:3]] == [StepState.PENDING, StepState.PENDING, StepState.DONE]
    assert all(s.state is StepState.PENDING for s in app.store.steps(3))
    say(app, "undo 3", thread=case.thread_id)
    assert app.store.steps(1)[2].state is StepState.PENDING


def test_a_number_that_starts_a_note_stays_in_the_note(app: App) -> None:
    open_cases(app, 2)
    case = app.store.get_case(1)
    assert case is not None and case.thread_id
    say(app, "note 2 parcels arrived, both broken", thread=case.thread_id)
    notes = [e.details["text"] for e in app.store.events(1) if e.kind is EventKind.NOTE]
    assert notes == ["2 parcels arrived, both broken"]
    assert not [e for e in app.store.events(2) if e.kind is EventKind.NOTE]


def test_help_says_how_each_verb_reads_a_bare_number(es_app: App) -> None:
    assert "`show 6` is `show #6`" in help_text("show")
    assert "`done 3` is step 3 of the case" in help_text("done")
    assert "`note #6 …`" in help_text("note")
    assert help_text("list") == "/complaint " + USAGE["list"]
    everything = help_text()
    assert "just 6 after show, claim" in everything and "After done, undo, skip" in everything
    spanish = say(es_app, "help show")
    assert "Un número solo es el caso: `show 6` es `show #6`." in spanish


# -- did you mean -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("dne 3", "done"),
        ("shwo 6", "show"),
        ("folowup mañana", "followup"),
        ("timline", "timeline"),
        ("reslove", "resolve"),
        ("lsit", "list"),
    ],
)
def test_a_mistyped_verb_gets_a_did_you_mean(app: App, typed: str, meant: str) -> None:
    reply = run(app.engine, app.times, typed, Context(AGENT, "test", "C1"))
    assert not reply.ok
    shown = typed.split()[0]
    assert reply.text.startswith(f"I don't know '{shown}'. Did you mean `{meant}`? ")
    assert f"/complaint {USAGE[meant]}" in reply.text


def test_the_did_you_mean_is_in_the_agents_language(es_app: App) -> None:
    reply = run(es_app.engine, es_app.times, "dne 3", Context(AGENT, "test", "C1"))
    assert reply.text.startswith("No conozco 'dne'. ¿Querías decir `done`? /complaint done")


def test_a_word_close_to_no_verb_lists_them_all() -> None:
    with pytest.raises(CommandError) as raised:
        parse_command("frobnicate #1")
    assert str(raised.value).startswith("I don't know 'frobnicate'. Try: help, list, show")
    assert "Did you mean" not in str(raised.value)


# -- the playbook, numbered as the case is ------------------------------------------------


def test_done_n_ticks_the_step_the_playbook_listing_numbered_n(app: App) -> None:
    open_cases(app, 1)
    say(app, "flag #1 refused")  # steps added later sit after the others in the case
    listing = say(app, "playbook 1")
    numbered = dict(re.findall(r"^  ☐ (\d+)\. ([\w-]+) — ", listing, re.M))
    assert numbered == {str(n): s.step_id for n, s in enumerate(app.store.steps(1), 1)}
    playbook = [s.id for s in app.engine.playbook_for(app.store.get_case(1)).steps]  # type: ignore[arg-type]
    # a number the playbook's own order would give another step: the one that went wrong
    pick = next(n for n, step in numbered.items() if playbook.index(step) + 1 != int(n))
    say(app, f"done #1 {pick}")
    ticked = [s.step_id for s in app.store.steps(1) if s.state is StepState.DONE]
    assert ticked == [numbered[pick]]
    assert re.search(rf"^  ☑ {pick}\. {numbered[pick]} — ", say(app, "playbook 1"), re.M)


def test_steps_that_do_not_apply_are_listed_unnumbered_after_the_case_steps(app: App) -> None:
    open_cases(app, 1)
    listing = say(app, "playbook #1").splitlines()
    own = len(app.store.steps(1))
    playbook = app.engine.playbook_for(app.store.get_case(1))  # type: ignore[arg-type]
    if own < len(playbook.steps):
        assert listing[own + 1].startswith("Not for this case")
        assert all(line.startswith("  · ") for line in listing[own + 2 :])
    assert len([line for line in listing if line.startswith("  ")]) == len(playbook.steps)


# -- the timeline as sentences ------------------------------------------------------------


def details_for(kind: EventKind) -> dict[str, object]:
    """What the code that writes each kind puts in its details (the fullest form)."""
    at = "2026-11-27T09:00:00+00:00"
    return {
        EventKind.OPENED: {"text": "My order", "playbook": "default", "reading": {"reason": "x"}},
        EventKind.CLAIMED: {"assignee": "ana", "assignee_id": "U1", "via": "command"},
        EventKind.ASSIGNED: {"assignee": "luis", "assignee_id": "U2", "via": "command"},
        EventKind.STEP_DONE: {"step": "pause", "via": "reaction", "previous": "pending"},
        EventKind.STEP_UNDONE: {"step": "pause", "via": "command", "previous": "done"},
        EventKind.STEP_SKIPPED: {"step": "pause", "via": "button", "previous": "pending"},
        EventKind.NOTE: {"text": LONG_NOTE},
        EventKind.CUSTOMER_MESSAGE: {"text": "still waiting", "message_id": "m9", "intensity": 2},
        EventKind.AGENT_MESSAGE: {"text": "on it", "message_id": "m10"},
        EventKind.ANGER_RISING: {"intensity": 3, "evidence": '"VERGÜENZA" (capitals)'},
        EventKind.FOLLOWUP_SET: {"due": at, "note": "call back"},
        EventKind.FLAG_SET: {"flag": "refused", "new_steps": ["let-go"]},
        EventKind.RESOLVED: {"text": "refund sent"},
        EventKind.CLOSED: {"text": ""},
        EventKind.LET_GO: {"text": "no deal"},
        EventKind.REOPENED: {"text": "it broke again"},
        EventKind.MESSAGE_EDITED: {"new_text": "new words", "old_text": "old words"},
        EventKind.MESSAGE_DELETED: {},
        EventKind.REACTION_IGNORED: {"emoji": "✅", "step": "pause", "added": True},
        EventKind.SUGGESTION_SHOWN: {"suggestion": "let-go"},
        EventKind.REMINDER_SENT: {"kind": "first-response", "due": at, "late": "2 min"},
        EventKind.REMINDER_ESCALATED: {"kind": "first-response"},
        EventKind.REMINDER_DONE: {"kind": "follow-up"},
        EventKind.REMINDER_SNOOZED: {"kind": "stalled", "until": at},
        EventKind.REMINDER_CANCELLED: {"kind": "custom"},
        EventKind.REMEDY: {"type": "refund", "amount": "25.00", "currency": "EUR", "note": "ok"},
        EventKind.SATISFACTION: {"score": 5, "comment": "great"},
        EventKind.STORY_MARKED: {},
        EventKind.CUSTOMER_FORGOTTEN: {"by": "lea"},
        EventKind.DELIVERY_FAILED: {"message": "step", "error": "the channel is gone"},
        EventKind.REPLY_QUEUED: {"text": "Sorry, Lucía", "suggestion": "", "outbox": 4},
        EventKind.REPLY_SENT: {"text": "Sorry, Lucía", "suggestion": "", "via": "posted"},
    }.get(kind, {})


def event(kind: EventKind, details: dict[str, object]) -> Event:
    at = datetime(2026, 11, 26, 10, 42, tzinfo=UTC)
    return Event(1, 1, at, "U-ana", "ana", kind, details)


def stamp(moment: datetime) -> str:
    return f"{moment:%H:%M}"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_event_kind_reads_as_a_sentence(lang: str) -> None:
    translator, titles = for_language(lang), {"pause": "Pause", "let-go": "Let go"}
    for kind in EventKind:
        assert translator.has(f"timeline.{kind.value}"), kind
        for details in (details_for(kind), {}):
            line = sentence(event(kind, details), translator, titles, stamp)
            assert not RAW.search(line), (kind, line)
            assert " · " not in line and not line.startswith("ana: "), (kind, line)


def test_every_timeline_sentence_exists_in_both_catalogues_with_the_same_placeholders() -> None:
    def keys(lang: str) -> dict[str, str]:
        po = polib.pofile(str(texts.LOCALE / f"{lang}.po"))
        return {e.msgid: e.msgstr for e in po if e.msgid.startswith("timeline.")}

    english, spanish = keys("en"), keys("es")
    assert english.keys() == spanish.keys()
    for key, text in english.items():
        assert sorted(re.findall(r"{\w+}", text)) == sorted(re.findall(r"{\w+}", spanish[key]))


def test_sentences_say_who_did_what_in_plain_words() -> None:
    en, es, titles = for_language("en"), for_language("es"), {"pause": "Pause"}

    def line(kind: EventKind, lang: texts.Translator = en, **extra: object) -> str:
        return sentence(event(kind, {**details_for(kind), **extra}), lang, titles, stamp)

    assert line(EventKind.STEP_DONE) == "ana marked “Pause” done with ✅"
    assert line(EventKind.STEP_DONE, es) == "ana marcó «Pause» como hecho con ✅"
    assert line(EventKind.STEP_SKIPPED) == "ana skipped “Pause” with a button"
    assert line(EventKind.STEP_UNDONE, via="reaction") == (
        "ana put “Pause” back to pending by taking back the reaction"
    )
    assert line(EventKind.NOTE) == f"ana added a note: {LONG_NOTE}"
    assert len(LONG_NOTE) > 160
    assert line(EventKind.OPENED) == "Sereno opened the case from ana's message"
    assert line(EventKind.REPLY_QUEUED) == "ana sent a reply: “Sorry, Lucía”"
    assert line(EventKind.REMINDER_SENT) == "the first-response reminder fired: 2 min late"
    assert line(EventKind.REMINDER_SNOOZED) == "ana snoozed the stalled reminder until 09:00"
    assert line(EventKind.FOLLOWUP_SET) == "ana set a follow-up for 09:00: call back"
    assert line(EventKind.RESOLVED) == "ana resolved the case: refund sent"
    assert line(EventKind.CLOSED) == "ana closed the case"
    assert line(EventKind.CUSTOMER_MESSAGE, role="other") == (
        "ana (not the customer) wrote in the thread: “still waiting”"
    )
    assert line(EventKind.REPLY_SENT, via="copied") == (
        "ana sent a reply outside Sereno: “Sorry, Lucía”"
    )
    assert line(EventKind.REMEDY, es) == "ana registró una compensación, reembolso 25.00 EUR: ok"


def test_the_timeline_of_a_worked_case_reads_as_sentences_with_notes_whole(app: App) -> None:
    open_cases(app, 1)
    case = app.store.get_case(1)
    assert case is not None
    step = app.engine.playbook_for(case).steps[0]
    say(app, f"done #1 {step.id}")
    say(app, f"note #1 {LONG_NOTE}")
    say(app, "resolve 1 refund sent")
    lines = say(app, "timeline 1").splitlines()
    assert lines[0] == "Timeline of #1:"
    assert lines[1].endswith(" Sereno opened the case from Lucía Pérez's message")
    assert any(
        line.endswith(f" ana marked “{step.title.get('en')}” done with a command") for line in lines
    )
    assert any(line.endswith(f" ana added a note: {LONG_NOTE}") for line in lines)
    assert lines[-1].endswith(" ana resolved the case: refund sent")
    assert not [line for line in lines[1:] if RAW.search(line)]


# -- on Slack, through the real bolt app ------------------------------------------------


async def test_slack_reads_bare_case_numbers_and_suggests_the_verb_meant(slack: Running) -> None:
    await open_case(slack)
    await open_case(slack, "The app logged me out twice and I lost my basket!!!", "U-john")
    assert (await slack.command("show 2", "U-ana")).startswith("Case #2 · ")
    typo = await slack.command("dne 3", "U-ana")
    # Slack shows &lt;step&gt; as <step>
    assert "I don't know 'dne'. Did you mean `done`? /complaint done [#case] &lt;step&gt;" in typo
    assert "Did you mean `show`?" in await slack.command("shwo 1", "U-ana")


def test_no_text_fakes_a_plural_with_s_in_brackets() -> None:
    for lang in ("en", "es"):
        for entry in polib.pofile(str(texts.LOCALE / f"{lang}.po")):
            forms = [entry.msgstr, *entry.msgstr_plural.values()]
            assert not [f for f in forms if re.search(r"\w\((s|es)\)", f)], (lang, entry.msgid)
