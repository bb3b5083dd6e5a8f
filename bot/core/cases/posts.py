"""What Sereno posts in a case's thread: the header, the steps and the suggestions.

The engine holds one `Posts` and calls it inside its transactions; a step or a
suggestion marked `once` is posted once, however often the engine asks. Steps of one
group (`Playbook.groups`) are posted as one card; a group for after the resolution
waits until the case is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.base.case import Case, CaseStep
from bot.core.base.model import StepState
from bot.core.base.ports import Clock
from bot.core.base.store_port import CaseStore
from bot.core.cases.config import EngineConfig
from bot.core.guidance.guide import group_card, header_card, step_card, suggestion_card
from bot.core.guidance.playbook import Playbook, PlaybookLibrary, Step
from bot.core.guidance.wording import offers_typed


@dataclass
class Posts:
    store: CaseStore
    library: PlaybookLibrary
    config: EngineConfig
    clock: Clock

    def playbook_for(self, case: Case) -> Playbook:
        """The playbook a case was opened with (or the default if it is gone)."""
        return self.library.get(case.playbook_id) or self.library.playbooks[0]

    def refresh_header(self, case_id: int) -> None:
        """Queue an in-place edit of the case header (or its first post); the drainer
        sends at most one every `EDIT_GAP` per message, the latest content."""
        case = self.store.get_case(case_id)
        assert case is not None
        headers = [
            row_id
            for row_id, kind, _, edit_of in self.store.posted_messages(case_id)
            if kind == "header" and edit_of is None
        ]
        upcoming = self.store.reminders_for(case_id)
        next_due = (upcoming[0].kind.value, upcoming[0].due_at) if upcoming else None
        self._header(case, self.store.steps(case_id), next_due, headers[0] if headers else None)

    def opening(
        self,
        case: Case,
        steps: list[CaseStep],
        next_due: tuple[str, datetime] | None,
        suggestion_id: str,
    ) -> None:
        """The first posts of a case just written, from what was written (nothing of it is
        posted yet, so nothing is read back): its header, its first step, `suggestion_id`."""
        self._header(case, steps, next_due, None)
        playbook = self.playbook_for(case)
        shown: set[str] = set()
        pending = [
            s
            for s in steps
            if s.state is StepState.PENDING and not (case.is_open and _after(playbook, s))
        ]
        if pending:
            self._step(case, steps, pending[0].step_id, None, shown, "")
        self._suggest(case, suggestion_id, None, True, shown, "")

    def _header(
        self,
        case: Case,
        steps: list[CaseStep],
        next_due: tuple[str, datetime] | None,
        header_row: int | None,
    ) -> None:
        playbook = self.playbook_for(case)
        clocks = self.config.clocks.overridden(dict(playbook.clocks))
        target = clocks.first_response_for(case.reading.impact.value)
        card = header_card(
            case,
            playbook,
            self.library.rules,
            steps,
            self.config.guidance,
            self.clock.now(),
            next_due,
            target if case.first_response_at is None else None,
        )
        if header_row is not None:  # one living message: an edit not sent yet gives way
            self.store.supersede_edits(header_row)
        self.store.enqueue(case, card, self.clock.now(), edit_of=header_row)

    def posted(self, case_id: int) -> tuple[set[str], set[str]]:
        """The step ids and the suggestion ids already posted for a case."""
        steps, suggestions = set(), set()
        for _, kind, step_id, _ in self.store.posted_messages(case_id):
            if kind == "step" and step_id:
                steps.add(step_id)
            elif kind == "suggestion" and step_id:
                suggestions.add(step_id)
        case = self.store.get_case(case_id)
        if case is not None:  # a group's card stands for every step of the group
            playbook = self.playbook_for(case)
            names = {g.group for g in (playbook.step(s) for s in steps) if g and g.group}
            steps |= {s.id for s in playbook.steps if s.group in names}
        return steps, suggestions

    def step(self, case: Case, step_id: str, agent_name: str | None) -> None:
        """Post one step (and its suggestion, once)."""
        self._step(case, self.store.steps(case.id), step_id, agent_name)

    def _step(
        self,
        case: Case,
        steps: list[CaseStep],
        step_id: str,
        agent_name: str | None,
        shown: set[str] | None = None,
        offers: str | None = None,
    ) -> None:
        """`step` with the checklist known; `shown`, `offers`: see `_suggest`."""
        playbook = self.playbook_for(case)
        step = playbook.step(step_id)
        if step is None:
            return
        if step.group and step.group in playbook.groups:
            self._group(case, playbook, steps, step_id, agent_name, shown, offers)
            return
        self._lone(case, steps, step, agent_name, shown, offers)

    def lone_step(self, case: Case, step_id: str, agent_name: str | None) -> None:
        """Post one step on a card of its own, even in a group whose card is out already
        (a step a corrected reading added: the kind's tip after "Before you answer")."""
        step = self.playbook_for(case).step(step_id)
        if step is not None:
            self._lone(case, self.store.steps(case.id), step, agent_name)

    def _lone(
        self,
        case: Case,
        steps: list[CaseStep],
        step: Step,
        agent_name: str | None,
        shown: set[str] | None = None,
        offers: str | None = None,
    ) -> None:
        number = next(i for i, s in enumerate(steps, 1) if s.step_id == step.id)
        lang = self.config.guidance.agent_language
        self.store.enqueue(
            case, step_card(case, step, number, len(steps), lang), self.clock.now(), step_id=step.id
        )
        if step.suggestion:
            self._suggest(case, step.suggestion, agent_name, True, shown, offers)

    def card_steps(self, case: Case, step_id: str) -> list[CaseStep]:
        """The case's steps a card stands for: its step, or every step of its group except
        those that came with a card of their own after it (a step a corrected reading added
        is worked on its own card, not marked unseen by the group's older one)."""
        playbook = self.playbook_for(case)
        group = playbook.group_of(step_id)
        steps = self.store.steps(case.id)
        if group is None:
            return [s for s in steps if s.step_id == step_id]
        cards = [
            i
            for i in self.store.outbox_for_case(case.id)
            if i.card.kind.value == "step" and i.edit_of is None
            and playbook.group_of(i.step_id or "") is group
        ]  # fmt: skip
        if cards and cards[0].step_id != step_id and any(i.step_id == step_id for i in cards):
            return [s for s in steps if s.step_id == step_id]  # a later card: its step alone
        later = {i.step_id for i in cards[1:]} - {step_id}
        return [
            s for s in steps if playbook.group_of(s.step_id) is group and s.step_id not in later
        ]

    def _group(
        self,
        case: Case,
        playbook: Playbook,
        steps: list[CaseStep],
        step_id: str,
        agent_name: str | None,
        shown: set[str] | None = None,
        offers: str | None = None,
    ) -> None:
        """Post one card for the pending steps of `step_id`'s group (it among them), and
        the first of their suggestions, once; none after the resolution (they are for
        later: the follow-up, the improvement)."""
        group = playbook.groups[playbook.step(step_id).group]  # type: ignore[union-attr,index]
        ids = [
            s.step_id
            for s in steps
            if s.state is StepState.PENDING and playbook.group_of(s.step_id) is group
        ]
        members = [m for m in (playbook.step(i) for i in ids) if m is not None]
        if not members:
            return
        first = members[0].id
        number = next(i for i, s in enumerate(steps, 1) if s.step_id == first)
        lang = self.config.guidance.agent_language
        card = group_card(case, group, members, number, len(steps), lang)
        self.store.enqueue(case, card, self.clock.now(), step_id=first)
        replies = [m.suggestion for m in members if m.suggestion]
        if replies and not group.after_resolution:
            self._suggest(case, replies[0], agent_name, True, shown, offers)

    def suggestion(
        self, case: Case, suggestion_id: str, agent_name: str | None, once: bool
    ) -> bool:
        """Post a suggestion; False if the playbook has none by that id (or, `once`, if it
        was posted before)."""
        return self._suggest(case, suggestion_id, agent_name, once)

    def _suggest(
        self,
        case: Case,
        suggestion_id: str,
        agent_name: str | None,
        once: bool,
        shown: set[str] | None = None,
        offers: str | None = None,
    ) -> bool:
        """`suggestion`, given what is known: `shown` the suggestion ids posted (None: look
        them up; one posted here is added), `offers` what the agent offered (None: look it
        up on the timeline)."""
        suggestion = self.playbook_for(case).suggestions.get(suggestion_id)
        if suggestion is None:
            return False
        if once:
            if shown is None:
                shown = self.posted(case.id)[1]
            if suggestion_id in shown:
                return False
        if offers is None:
            offers = offers_typed(self.store.events(case.id))
        card = suggestion_card(
            case, suggestion, self.library.rules, self.config.guidance, agent_name, offers
        )
        self.store.enqueue(case, card, self.clock.now(), step_id=suggestion_id)
        if shown is not None:
            shown.add(suggestion_id)
        return True

    def advance(self, case: Case, agent_name: str | None) -> None:
        """Post the first pending step if it is not on screen yet: guidance unfolds."""
        posted, _ = self.posted(case.id)
        case = self.store.get_case(case.id) or case  # the caller may hold an older copy
        playbook = self.playbook_for(case)
        pending = [
            s
            for s in self.store.steps(case.id)
            if s.state is StepState.PENDING and not (case.is_open and _after(playbook, s))
        ]
        if pending and pending[0].step_id not in posted:
            self.step(case, pending[0].step_id, agent_name)

    def after_resolution(self, case: Case, agent_name: str | None) -> None:
        """On resolving: the card of the steps for after the resolution, once, whatever
        was left pending before."""
        playbook = self.playbook_for(case)
        posted, _ = self.posted(case.id)
        after = [
            s
            for s in self.store.steps(case.id)
            if s.state is StepState.PENDING and _after(playbook, s)
        ]
        if after and after[0].step_id not in posted:
            self.step(case, after[0].step_id, agent_name)


def _after(playbook: Playbook, step: CaseStep) -> bool:
    """Whether a step belongs to a group for after the resolution."""
    return playbook.after_resolution(step.step_id)
