"""The header's progress line is kept on its playbook (`guide.progress_line`): what it keeps
must always be what working it out again gives, for every state and language, and bounded."""

from __future__ import annotations

from pathlib import Path

from bot.core.base.case import CaseStep
from bot.core.base.model import StepState
from bot.core.guidance import guide
from playbooks.advice import load_advice_ids
from playbooks.loader import load_playbook

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
    for n in range(guide._MEMO_LINES + 50):
        states = {ids[i]: StepState.DONE for i in range(len(ids)) if n >> i & 1}
        guide.progress_line(playbook, _steps(ids, states), "en")
    assert 0 < len(playbook.memo) <= guide._MEMO_LINES
