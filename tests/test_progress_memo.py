"""What opening a case keeps instead of working it out again (the progress line and the steps
a reading calls for on the playbook, a group card's texts on the group, a history's wording)
must always be what working it out again gives, and stay bounded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.core.base.cards import ActionId
from bot.core.base.case import Case, CaseStep
from bot.core.base.model import CustomerKind, History, Reason, Status, StepState
from bot.core.guidance import guide
from bot.core.guidance.playbook import MEMO_SIZE
from playbooks.advice import load_advice_ids
from playbooks.loader import load_playbook
from tests.test_serialisation import FULL_READING

DEFAULT = Path(__file__).resolve().parent.parent / "playbooks" / "default.toml"


def _steps(ids: list[str], states: dict[str, StepState]) -> list[CaseStep]:
    return [
        CaseStep(1, step_id, n, states.get(step_id, StepState.PENDING))
        for n, step_id in enumerate(ids, 1)
    ]


def test_the_kept_line_is_the_line_worked_out_for_those_states_and_language() -> None:
    playbook = load_playbook(DEFAULT, load_advice_ids())
    ids = [s.id for s in playbook.steps]
    cases = [
        {},
        {ids[0]: StepState.DONE},
        {ids[0]: StepState.DONE, ids[1]: StepState.SKIPPED},
        {i: StepState.DONE for i in ids},
    ]
    for _ in range(2):  # the second time every line comes from the memo
        for states in cases:
            for lang in ("en", "es"):
                steps = _steps(ids, states)
                expected = guide._progress_line(playbook, steps, lang)
                assert guide.progress_line(playbook, steps, lang) == expected
    lines = {guide.progress_line(playbook, _steps(ids, s), "en") for s in cases}
    assert len(lines) == len(cases)  # each state its own line, none served for another
    assert guide.progress_line(playbook, _steps(ids[:3], {}), "en").startswith("Progress 0/3")


def test_the_memo_is_bounded() -> None:
    playbook = load_playbook(DEFAULT, load_advice_ids())
    ids = [s.id for s in playbook.steps]
    for n in range(MEMO_SIZE + 50):
        states = {ids[i]: StepState.DONE for i in range(len(ids)) if n >> i & 1}
        guide.progress_line(playbook, _steps(ids, states), "en")
    assert 0 < len(playbook.memo) <= MEMO_SIZE


def test_a_group_card_kept_is_the_card_worked_out_for_its_case_number_and_language() -> None:
    playbook = load_playbook(DEFAULT, load_advice_ids())
    group = next(iter(playbook.groups.values()))
    members = [s for s in playbook.steps if s.group == group.id]
    case = _case(7)
    for _ in range(2):  # the second time from the memo
        for lang in ("en", "es"):
            for shown in (members, members[1:]):
                card = guide.group_card(case, group, shown, 2, 14, lang)
                title, footer, done, skip, *lines = guide._group_texts(group, shown, 2, 14, lang)
                assert (card.title, card.footer, card.lines) == (title, footer, tuple(lines))
                assert [(a.id, a.label, a.value) for a in card.actions] == [
                    (ActionId.STEP_DONE, done, f"7:{shown[0].id}"),
                    (ActionId.STEP_SKIP, skip, f"7:{shown[0].id}"),
                ]
    other = guide.group_card(_case(8), group, members, 3, 15, "en")
    assert other.actions[0].value == f"8:{members[0].id}"
    assert other.title == guide._group_texts(group, members, 3, 15, "en")[0]
    assert other.title != guide.group_card(case, group, members, 2, 14, "en").title


def _case(case_id: int) -> Case:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    return Case(
        case_id, "test", "C1", f"m{case_id}", None, "U1", "Ana", "hola", Status.NEW, None, None,
        "default", FULL_READING, frozenset(), at, at,
    )  # fmt: skip


def test_a_history_told_from_the_memo_is_the_history_told_again() -> None:
    histories = [
        History(),
        History(earlier_cases=1, resolved=1),
        History(earlier_cases=3, resolved=1, let_go=1, still_open=1, chronic=True),
    ]
    for _ in range(2):
        for history in histories:
            for lang in ("en", "es"):
                reading = replace(FULL_READING, history=history)
                assert guide.history_evidence(history, lang) == guide._evidence_of(history, lang)
                assert guide._history_line(reading, lang) == guide._history_said(history, lang)
    told = {guide.history_evidence(h, "en") for h in histories[1:]}
    assert len(told) == 2


def test_the_steps_kept_for_a_reading_are_the_steps_its_traits_call_for() -> None:
    playbook = load_playbook(DEFAULT, load_advice_ids())
    flag_sets = [frozenset(), frozenset({"unjustified"}), frozenset({"refused", "not-ours"})]
    seen = set()
    for _ in range(2):  # the second time from the memo
        for kind in CustomerKind:
            for reason in Reason:
                for intensity in range(4):
                    for flags in flag_sets:
                        expected = tuple(
                            s.id
                            for s in playbook.steps
                            if s.when.matches(kind, reason, intensity, flags)
                        )
                        got = playbook.step_ids_for(kind, reason, intensity, flags)
                        assert got == expected
                        seen.add(got)
    assert len(seen) > 1
