"""What Sereno posts in a case's thread: the header, the steps and the suggestions.

The engine holds one `Posts` and calls it inside its transactions; a step or a
suggestion marked `once` is posted once, however often the engine asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.base.case import Case
from bot.core.base.model import StepState
from bot.core.base.ports import Clock
from bot.core.base.store_port import CaseStore
from bot.core.cases.config import EngineConfig
from bot.core.guidance.guide import header_card, step_card, suggestion_card
from bot.core.guidance.playbook import Playbook, PlaybookLibrary
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
        """Queue an in-place edit of the case header (or its first post)."""
        case = self.store.get_case(case_id)
        assert case is not None
        headers = [
            row_id
            for row_id, kind, _, edit_of in self.store.posted_messages(case_id)
            if kind == "header" and edit_of is None
        ]
        upcoming = self.store.reminders_for(case_id)
        next_due = (upcoming[0].kind.value, upcoming[0].due_at) if upcoming else None
        clocks = self.config.clocks.overridden(dict(self.playbook_for(case).clocks))
        target = clocks.first_response_for(case.reading.impact.value)
        card = header_card(
            case,
            self.playbook_for(case),
            self.library.rules,
            self.store.steps(case_id),
            self.config.guidance,
            self.clock.now(),
            next_due,
            target if case.first_response_at is None else None,
        )
        self.store.enqueue(case, card, self.clock.now(), edit_of=headers[0] if headers else None)

    def posted(self, case_id: int) -> tuple[set[str], set[str]]:
        """The step ids and the suggestion ids already posted for a case."""
        steps, suggestions = set(), set()
        for _, kind, step_id, _ in self.store.posted_messages(case_id):
            if kind == "step" and step_id:
                steps.add(step_id)
            elif kind == "suggestion" and step_id:
                suggestions.add(step_id)
        return steps, suggestions

    def step(self, case: Case, step_id: str, agent_name: str | None) -> None:
        """Post one step (and its suggestion, once)."""
        playbook = self.playbook_for(case)
        steps = self.store.steps(case.id)
        step = playbook.step(step_id)
        if step is None:
            return
        number = next(i for i, s in enumerate(steps, 1) if s.step_id == step_id)
        lang = self.config.guidance.agent_language
        self.store.enqueue(
            case, step_card(case, step, number, len(steps), lang), self.clock.now(), step_id=step_id
        )
        if step.suggestion:
            self.suggestion(case, step.suggestion, agent_name, once=True)

    def suggestion(
        self, case: Case, suggestion_id: str, agent_name: str | None, once: bool
    ) -> bool:
        """Post a suggestion; False if the playbook has none by that id (or, `once`, if it
        was posted before)."""
        suggestion = self.playbook_for(case).suggestions.get(suggestion_id)
        if suggestion is None or (once and suggestion_id in self.posted(case.id)[1]):
            return False
        offers = offers_typed(self.store.events(case.id))
        card = suggestion_card(
            case, suggestion, self.library.rules, self.config.guidance, agent_name, offers
        )
        self.store.enqueue(case, card, self.clock.now(), step_id=suggestion_id)
        return True

    def advance(self, case: Case, agent_name: str | None) -> None:
        """Post the first pending step if it is not on screen yet: guidance unfolds."""
        posted, _ = self.posted(case.id)
        pending = [s for s in self.store.steps(case.id) if s.state is StepState.PENDING]
        if pending and pending[0].step_id not in posted:
            self.step(case, pending[0].step_id, agent_name)
