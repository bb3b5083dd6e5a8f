"""The case engine: every operation on a case, written once for all adapters.

Each operation checks what it may do, then writes the change, its timeline
entry and the messages it causes in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.core.base.case import Case, CaseStep, EventKind
from bot.core.base.clocks import AUTO_DONE, Clocks, ReminderKind
from bot.core.base.model import SERENO, Actor, Incoming, Reading, Status, StepState, Via
from bot.core.base.ports import Clock, LanguageDetector
from bot.core.base.store_port import CaseStore, NewCase
from bot.core.cases import decisions, floods, merge
from bot.core.cases.config import EngineConfig
from bot.core.cases.conversation import Conversation
from bot.core.cases.lifecycle import may_mark_step, refusal, reopen_flag
from bot.core.cases.posts import Posts
from bot.core.guidance.guide import (
    opener_card,
)
from bot.core.guidance.playbook import Playbook, PlaybookLibrary
from bot.core.reading.reader import assess_history, read_complaint
from bot.core.texts import Translator, for_language

FIRST_REPLY = "first-reply"
AGENT_FLAGS = frozenset({"unjustified", "refused", "not-ours"})


@dataclass(frozen=True)
class Reply:
    """What the actor is told; `public` replies belong in the thread."""

    text: str
    ok: bool = True
    case_id: int | None = None
    public: bool = False


@dataclass
class Engine:
    store: CaseStore
    library: PlaybookLibrary
    detector: LanguageDetector
    clock: Clock
    config: EngineConfig
    on_outbox: list[Callable[[], None]] = field(default_factory=list)
    #: Draws the team report's chart (a PNG); wired outside the core.
    chart: Callable[[Any], bytes] | None = None
    #: Said under the team report when there is no chart: how to get one (wired outside).
    chart_missing: str | None = None
    #: What Sereno posts in a case's thread (header, steps, suggestions).
    posts: Posts = field(init=False, repr=False)
    #: What is said in a case's thread: `record_thread_message`, `record_edit`, ...
    conversation: Conversation = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.posts = Posts(self.store, self.library, self.config, self.clock)
        self.conversation = Conversation(
            self.store,
            self.clock,
            self.library,
            self.config,
            self.posts,
            self._first_response,
            self.notify,
        )

    # -- helpers ---------------------------------------------------------------

    @property
    def texts(self) -> Translator:
        """The agents' translator (`say`, `say.plural`, `say.label`)."""
        return for_language(self.config.guidance.agent_language)

    def say(self, key: str, **values: Any) -> str:
        """A reply text in the agents' language."""
        return self.texts(key, **values)

    def word(self, group: str, value: str) -> str:
        """A value (status, step state...) as a reply shows it in the agents' language."""
        return self.texts.label(group, value)

    def notify(self) -> None:
        """Tell the adapters' drainers that messages are waiting."""
        for callback in self.on_outbox:
            callback()

    def clocks_for(self, case: Case) -> Clocks:
        """The team's clocks with the case's playbook overrides."""
        return self.config.clocks.overridden(dict(self.playbook_for(case).clocks))

    def _schedule(
        self, case: Case, kind: ReminderKind, after: Any, actor: Actor, note: str = ""
    ) -> datetime | None:
        """Add a reminder due `after` from now (None: none); when it is due."""
        if after is None:
            return None
        now = self.clock.now()
        self.store.add_reminder(case.id, kind, now + after, note, actor, now)
        return now + after

    def playbook_for(self, case: Case) -> Playbook:
        """The playbook a case was opened with (or the default if it is gone)."""
        return self.posts.playbook_for(case)

    def _event(self, case: Case, actor: Actor, kind: EventKind, **details: Any) -> None:
        self.store.append_event(case.id, self.clock.now(), actor, kind, details)

    def refresh_header(self, case_id: int) -> None:
        """Queue an in-place edit of the case header (or its first post)."""
        self.posts.refresh_header(case_id)

    def _applicable(self, case: Case, flags: frozenset[str]) -> list[str]:
        r = case.reading
        return list(self.playbook_for(case).step_ids_for(r.kind, r.reason, r.intensity, flags))

    def _first_response(self, case: Case, now: datetime, actor: Actor | None = None) -> Case:
        """An agent acted: the first-response clock stops and the stalled clock restarts."""
        case = self.store.get_case(case.id) or case  # callers may hold an older copy
        changes: dict[str, Any] = {"updated_at": now}
        if case.first_response_at is None:
            changes["first_response_at"] = now
        if case.status is Status.NEW:
            changes["status"] = Status.IN_PROGRESS
        by = actor.key if actor else ""
        self.store.finish_reminders(case.id, [ReminderKind.FIRST_RESPONSE], "done", now, by)
        case = self.store.update_case(case.id, **changes)
        self._restart_stalled(case, now, actor or SERENO)
        return case

    def _restart_stalled(self, case: Case, now: datetime, actor: Actor) -> None:
        """Push the pending stalled clock back (one row per case, not one per action)."""
        after = self.clocks_for(case).stalled_after
        pending = [
            r
            for r in self.store.reminders_for(case.id)
            if r.kind is ReminderKind.STALLED and r.status == "pending"
        ]
        if pending and case.is_open:
            self.store.update_reminder(pending[0].id, due_at=now + after)
            return
        self.store.finish_reminders(case.id, [ReminderKind.STALLED], "done", now, actor.key)
        if case.is_open:
            self._schedule(case, ReminderKind.STALLED, after, actor)

    # -- opening and conversation -----------------------------------------------

    def open_case(
        self, msg: Incoming, staff_channel: str | None = None, join_open: bool = True
    ) -> Case | None:
        """Open a case from a complaint; None if seen before, if an agent wrote it, or if
        it joined its author's latest case because they are flooding (`floods`) or, with
        `join_open`, their open case in that channel (`merge`).

        `staff_channel`: customers read the complaint's channel, so everything Sereno
        posts for the team goes to a thread in this staff-only channel instead.

        Agents talk in complaint channels too (announcements, questions to the team);
        their top-level messages are not complaints.
        """
        if msg.author.is_agent:
            return None
        existing = self.store.find_case_by_message(msg.platform, msg.channel_id, msg.message_id)
        if existing is not None:
            return None
        counts = self.store.customer_history(msg.platform, msg.author.user_id, None)
        reading = read_complaint(
            msg.text,
            rules=self.library.rules,
            detector=self.detector,
            default_language=self.config.default_language,
            history=assess_history(
                counts["total"], counts["resolved"], counts["let_go"], counts["still_open"]
            ),
        )
        playbook = self.library.choose(reading.reason, reading.intensity, msg.channel_id)
        now = self.clock.now()
        with self.store.atomic():
            if msg.event_id and not self.store.remember_event(msg.platform, msg.event_id, now):
                return None
            here = merge.channel_to_join(msg) if join_open else None
            flooded, open_here = floods.flood_target(self.store, self.config, msg, now, here)
            if flooded is not None:
                floods.join(self.store, self.config, flooded, msg, now)
            joined = merge.open_case_of(self.store, open_here) if not flooded else None
            if joined is not None:
                merge.join(self.store, self.config, joined, msg, now)
            case = (
                None
                if flooded or joined
                else self._insert_case(msg, playbook, reading, now, staff_channel)
            )
        self.notify()
        return case

    def _insert_case(
        self,
        msg: Incoming,
        playbook: Playbook,
        reading: Reading,
        now: datetime,
        staff_channel: str | None = None,
    ) -> Case | None:
        """Write a new case, its steps, clocks and first posts (inside open_case's transaction)."""
        new = NewCase(
            msg.platform,
            msg.channel_id,
            msg.message_id,
            msg.thread_id or msg.message_id,
            msg.author,
            msg.text,
            playbook.id,
            reading,
            now,
            msg.sent_at or now,
            staff_channel,
        )
        case = self.store.insert_case(new)
        if case is None:
            return None
        if case.staff_channel_id:  # the staff thread opens with the complaint itself
            lang = self.config.guidance.agent_language
            self.store.enqueue(case, opener_card(case, lang), now)
        steps = _new_steps(case.id, self._applicable(case, case.flags))
        self.store.insert_first_steps(steps)
        self._event(
            case,
            msg.author,
            EventKind.OPENED,
            text=msg.text,
            playbook=playbook.id,
            reading=_reading_summary(case),
        )
        next_due = self._start_clocks(case)
        self.posts.opening(case, steps, next_due, FIRST_REPLY)
        return case

    def _start_clocks(self, case: Case) -> tuple[str, datetime] | None:
        """A new case's first-response and stalled reminders; (kind, due) of the soonest,
        the first scheduled of a tie, as `reminders_for` orders them (None: neither)."""
        clocks = self.clocks_for(case)
        target = clocks.first_response_for(case.reading.impact.value)  # tighter when hotter
        stalled = clocks.stalled_after
        due: list[tuple[str, datetime]] = []
        for kind, after in ((ReminderKind.FIRST_RESPONSE, target), (ReminderKind.STALLED, stalled)):
            at = self._schedule(case, kind, after, SERENO)
            if at is not None:
                due.append((kind.value, at.astimezone(UTC)))
        return min(due, key=lambda d: d[1], default=None)

    # -- agent operations --------------------------------------------------------

    def check_agent(self, case: Case, actor: Actor) -> Reply | None:
        """Refuse customers and non-agents; None when the actor may act."""
        if not actor.is_agent:
            return Reply(self.say("reply.only_team"), ok=False, case_id=case.id)
        if actor.platform == case.platform and actor.user_id == case.customer_id:
            return Reply(self.say("reply.own_complaint"), ok=False, case_id=case.id)
        return None

    def is_lead(self, actor: Actor) -> bool:
        """The team's lead: an agent the adapter says is the lead, or the configured one."""
        named = self.config.leads.get(actor.platform) == actor.user_id
        return actor.is_agent and (actor.is_lead or named)

    def set_step(
        self, case: Case, step_ref: str, state: StepState, actor: Actor, via: Via
    ) -> Reply:
        """Mark a step done, skipped, or back to pending (undo)."""
        steps = self.store.steps(case.id)
        step = _find_step(steps, step_ref)
        if step is None:
            ids = ", ".join(s.step_id for s in steps)
            text = self.say("reply.no_step", ref=case.ref, step=step_ref[:40], steps=ids)
            return Reply(text, ok=False, case_id=case.id)
        if not may_mark_step(case.status, step.step_id):
            return self._reopen_first(case)
        if step.state is state:
            already = self.word("state", state.value)
            return Reply(
                self.say("reply.step_already", step=step.step_id, state=already), case_id=case.id
            )
        kind = {
            StepState.DONE: EventKind.STEP_DONE,
            StepState.SKIPPED: EventKind.STEP_SKIPPED,
            StepState.PENDING: EventKind.STEP_UNDONE,
        }[state]
        now = self.clock.now()
        with self.store.atomic():
            self.store.set_step(case.id, step.step_id, state, actor, via, now)
            self._event(
                case, actor, kind, step=step.step_id, via=via.value, previous=step.state.value
            )
            case = self._first_response(case, now, actor)
            self.refresh_header(case.id)
            if case.is_open:  # after the resolution nothing more unfolds
                self.posts.advance(case, case.assignee_name or actor.name)
        self.notify()
        text = self.say(
            f"reply.step.{state.value}", step=step.step_id, actor=actor.name, ref=case.ref
        )
        return Reply(text, case_id=case.id)

    def _reopen_first(self, case: Case) -> Reply:
        """The refusal to work on a case that is not open."""
        status = self.word("status", case.status.value)
        text = self.say("reply.reopen_first", ref=case.ref, status=status)
        return Reply(text, ok=False, case_id=case.id)

    def claim(
        self, case: Case, actor: Actor, assignee: Actor | None = None, via: Via = Via.COMMAND
    ) -> Reply:
        """Take a case (or give it to `assignee`)."""
        if not case.is_open:
            return self._reopen_first(case)
        who = assignee or actor
        now = self.clock.now()
        with self.store.atomic():
            case = self._first_response(case, now, actor)
            case = self.store.update_case(case.id, assignee_id=who.user_id, assignee_name=who.name)
            kind = EventKind.CLAIMED if assignee is None else EventKind.ASSIGNED
            self._event(
                case, actor, kind, assignee=who.name, assignee_id=who.user_id, via=via.value
            )
            self.refresh_header(case.id)
        self.notify()
        return Reply(self.say("reply.assigned", ref=case.ref, who=who.name), case_id=case.id)

    def note(self, case: Case, actor: Actor, text: str) -> Reply:
        """Add an agent's note to the timeline."""
        if not text.strip():
            return Reply(self.say("reply.note_empty"), ok=False)
        with self.store.atomic():
            self._event(case, actor, EventKind.NOTE, text=text)
            self._first_response(case, self.clock.now(), actor)
        return Reply(self.say("reply.noted", ref=case.ref), case_id=case.id)

    def followup(self, case: Case, actor: Actor, when: datetime, note: str) -> Reply:
        """Schedule a follow-up for a case."""
        now = self.clock.now()
        if when <= now:
            return Reply(self.say("reply.followup_past"), ok=False, case_id=case.id)
        with self.store.atomic():
            case = self.store.update_case(case.id, followup_at=when, updated_at=now)
            self.store.add_reminder(case.id, ReminderKind.CUSTOM, when, note, actor, now)
            self._event(case, actor, EventKind.FOLLOWUP_SET, due=when.isoformat(), note=note)
            self.refresh_header(case.id)
        self.notify()
        text = self.say("reply.followup_set", ref=case.ref, when=self.config.show_time(when))
        return Reply(text, case_id=case.id)

    def flag(self, case: Case, actor: Actor, flag: str) -> Reply:
        """Set a flag an agent judges (unjustified, refused); it may unlock steps."""
        if flag not in AGENT_FLAGS:
            flags = ", ".join(sorted(AGENT_FLAGS))
            text = self.say("reply.unknown_flag", flag=flag[:40], flags=flags)
            return Reply(text, ok=False, case_id=case.id)
        with self.store.atomic():
            case = self._add_flag(case, actor, flag)
        self.notify()
        return Reply(self.say("reply.flagged", ref=case.ref, flag=flag), case_id=case.id)

    def _add_flag(self, case: Case, actor: Actor, flag: str, current: bool = False) -> Case:
        """Set a flag and add the steps it unlocks (`current`: as the steps to do now)."""
        flags = case.flags | {flag}
        before = {s.step_id for s in self.store.steps(case.id)}
        case = self.store.update_case(case.id, flags=flags, updated_at=self.clock.now())
        added = [s for s in self._applicable(case, flags) if s not in before]
        self.store.insert_steps(case.id, added)
        for step_id in reversed(added) if current else ():
            self.store.make_current_step(case.id, step_id)
        self._event(case, actor, EventKind.FLAG_SET, flag=flag, new_steps=added)
        self.refresh_header(case.id)
        for step_id in added:
            self.posts.step(case, step_id, case.assignee_name or actor.name)
        return case

    def transition(
        self, case: Case, actor: Actor, target: Status, verb: str, text: str = ""
    ) -> Reply:
        """Resolve, close, let go or reopen a case, if its status allows it."""
        why = refusal(case.status, target, verb, self.config.guidance.agent_language)
        if why:
            return Reply(why, ok=False, case_id=case.id)
        now = self.clock.now()
        with self.store.atomic():
            self._apply_transition(case, actor, target, verb, text, now)
        self.notify()
        text = self.say(f"reply.{_PAST[verb]}", ref=case.ref, actor=actor.name)
        return Reply(text, case_id=case.id)

    def _apply_transition(
        self, case: Case, actor: Actor, target: Status, verb: str, text: str, now: datetime
    ) -> None:
        previous = case.status
        changes: dict[str, Any] = {"status": target, "updated_at": now}
        if target is Status.RESOLVED:
            changes["resolved_at"] = now
        if target in _ENDED:
            changes["closed_at"] = now
        if target is Status.IN_PROGRESS:  # in progress again: neither resolved nor closed
            changes.update(resolved_at=None, closed_at=None)
        case = self.store.update_case(case.id, **changes)
        self._event(case, actor, _EVENT[verb], text=text)
        if target in _ENDED:
            self.store.cancel_reminders(case.id, now)
        if target is Status.RESOLVED:
            clocks = self.clocks_for(case)
            self.store.finish_reminders(case.id, AUTO_DONE, "done", now, actor.key)
            self._schedule(case, ReminderKind.FOLLOW_UP, clocks.followup_after, actor)
            self._schedule(case, ReminderKind.IMPROVEMENT, clocks.improvement_after, actor)
        if target is Status.IN_PROGRESS:
            self._schedule(case, ReminderKind.STALLED, self.clocks_for(case).stalled_after, actor)
        self.refresh_header(case.id)
        if target is Status.RESOLVED:  # the card for after the resolution
            self.posts.after_resolution(case, case.assignee_name or actor.name)
        if verb == "let go" and not decisions.goodbye_standing(self.store, case.id):
            self.posts.suggestion(case, decisions.GOODBYE, actor.name, once=False)
        flag = reopen_flag(previous) if verb == "reopen" else None
        if flag and flag not in case.flags:
            self._add_flag(case, actor, flag, current=True)

    def suggest(self, case: Case, actor: Actor, suggestion_id: str | None) -> Reply:
        """Post a reply suggestion (by id; with none, list them)."""
        suggestions = self.playbook_for(case).suggestions
        if not suggestion_id or suggestion_id not in suggestions:
            text = self.say("reply.suggestions", ids=", ".join(suggestions))
            return Reply(text, ok=bool(not suggestion_id), case_id=case.id)
        with self.store.atomic():
            self.posts.suggestion(case, suggestion_id, case.assignee_name or actor.name, once=False)
            self._event(case, actor, EventKind.SUGGESTION_SHOWN, suggestion=suggestion_id)
        self.notify()
        text = self.say("reply.suggestion_posted", suggestion=suggestion_id, ref=case.ref)
        return Reply(text, case_id=case.id)


_PAST = {
    "resolve": "resolved",
    "close": "closed",
    "let go": "let_go",
    "reopen": "reopened",
    "dismiss": "dismissed",
}
_EVENT = {
    "resolve": EventKind.RESOLVED,
    "close": EventKind.CLOSED,
    "let go": EventKind.LET_GO,
    "reopen": EventKind.REOPENED,
    "dismiss": EventKind.DISMISSED,
}
_ENDED = (Status.CLOSED, Status.LET_GO, Status.DISMISSED)


def _find_step(steps: list[Any], ref: str) -> Any:
    ref = ref.strip().lower()
    if ref.isdigit() and 1 <= int(ref) <= len(steps):
        return steps[int(ref) - 1]
    return next((s for s in steps if s.step_id == ref), None)


def _new_steps(case_id: int, step_ids: list[str]) -> list[CaseStep]:
    """A new case's checklist, as `insert_first_steps` writes it: positions from 1, a
    repeated id kept once, at its first place (its later place is skipped)."""
    steps: dict[str, CaseStep] = {}
    for position, step_id in enumerate(step_ids, 1):
        steps.setdefault(step_id, CaseStep(case_id, step_id, position, StepState.PENDING))
    return list(steps.values())


def _reading_summary(case: Case) -> dict[str, Any]:
    r = case.reading
    return {
        "language": r.language,
        "reason": r.reason.value,
        "kind": r.kind.value,
        "intensity": r.intensity,
        "impact": r.impact.value,
        "order": r.order_ref,
        "history": r.history.earlier_cases,
        "chronic": r.history.chronic,
    }
