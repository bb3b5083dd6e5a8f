"""Playbook and reading-rule values, as the loader in `playbooks/` builds them.

These are data, validated on load; the core only reads them.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from bot.core.base.memo import BoundedMemo
from bot.core.base.model import CustomerKind, Reason, Subject

#: Every playbook text must exist in each of these languages.
REQUIRED_LANGUAGES: tuple[str, ...] = ("es", "en")

#: The only placeholders a reply template may use (see `bot.core.guidance.wording`).
TEMPLATE_VARIABLES: frozenset[str] = frozenset(
    {"customer", "issue", "agent", "channel", "case", "offers"}
)
#: Placeholders Sereno may not know; a text using one needs a wording without it
#: (`Variant.without_agent`, `Variant.without_channel`).
OPTIONAL_VARIABLES: tuple[str, ...] = ("agent", "channel")

#: Case flags a step condition may require. Some come from the reading,
#: the others are set by an agent (`/complaint flag NAME`).
FLAGS: frozenset[str] = frozenset(
    {
        "chronic",
        "public-threat",
        "leave-threat",
        "legal-threat",
        "unjustified",
        "refused",
        "reopened",
        "reconsidered",  # reopened after a let-go
        "not-ours",
    }
)

#: Texts kept per playbook or group (`Playbook.memo`, `Group.memo`).
MEMO_SIZE = 256


@dataclass(frozen=True)
class Text:
    """One text in several languages."""

    by_language: Mapping[str, str]

    def get(self, language: str, fallback: str = "en") -> str:
        """Return the text in `language`, else in `fallback`, else any."""
        if language in self.by_language:
            return self.by_language[language]
        if fallback in self.by_language:
            return self.by_language[fallback]
        return next(iter(self.by_language.values()), "")


@dataclass(frozen=True)
class Condition:
    """When a step applies. Empty sets mean "any"."""

    kinds: frozenset[CustomerKind] = frozenset()
    reasons: frozenset[Reason] = frozenset()
    min_intensity: int = 0
    flags: frozenset[str] = frozenset()

    def matches(
        self, kind: CustomerKind, reason: Reason, intensity: int, flags: frozenset[str]
    ) -> bool:
        """Say whether a case with these traits gets the step."""
        return (
            (not self.kinds or kind in self.kinds)
            and (not self.reasons or reason in self.reasons)
            and intensity >= self.min_intensity
            and self.flags <= flags
        )


@dataclass(frozen=True)
class Step:
    id: str
    title: Text
    guidance: Text
    advice: tuple[str, ...]
    when: Condition = field(default_factory=Condition)
    suggestion: str | None = None
    #: Steps of one group that need no separate decision share one card (see `Group`).
    group: str | None = None


@dataclass(frozen=True)
class Group:
    """Consecutive steps shown as one card and marked together (e.g. "Before you answer");
    `after_resolution`: the card is posted once the case is resolved, not before."""

    id: str
    title: Text
    after_resolution: bool = False

    @cached_property
    def memo(self) -> BoundedMemo[tuple[object, ...], tuple[str, ...]]:
        """The texts of this group's cards already worked out (`guide.group_card`): every
        new case of the playbook gets the same first card but for its number."""
        return BoundedMemo(MEMO_SIZE)


@dataclass(frozen=True)
class Variant:
    """One wording of a suggestion, for some kinds of customer (empty: any)."""

    text: Text
    kinds: frozenset[CustomerKind] = frozenset()
    #: The same reply for when Sereno does not know the agent's name, or has no contact
    #: channel to offer (the loader requires one wherever `text` uses {agent} or {channel}).
    without_agent: Text | None = None
    without_channel: Text | None = None

    def text_for(self, agent_known: bool, channel_known: bool) -> Text:
        """The wording that reads right with what Sereno knows."""
        if not agent_known and self.without_agent is not None:
            return self.without_agent
        if not channel_known and self.without_channel is not None:
            return self.without_channel
        return self.text


@dataclass(frozen=True)
class Suggestion:
    """A reply an agent can copy, in acknowledge-align-assure form."""

    id: str
    label: Text
    advice: tuple[str, ...]
    variants: tuple[Variant, ...]

    def variant_for(self, kind: CustomerKind) -> Variant:
        """Pick the wording written for this kind, else the general one."""
        for variant in self.variants:
            if kind in variant.kinds:
                return variant
        for variant in self.variants:
            if not variant.kinds:
                return variant
        return self.variants[0]


@dataclass(frozen=True)
class Behaviour:
    """Something the bot itself does, and the advice it implements."""

    id: str
    description: Text
    advice: tuple[str, ...]


@dataclass(frozen=True)
class Selector:
    """Which cases a playbook is for; the highest priority match wins."""

    reasons: frozenset[Reason] = frozenset()
    min_intensity: int = 0
    channels: frozenset[str] = frozenset()
    priority: int = 0

    def matches(self, reason: Reason, intensity: int, channel: str) -> bool:
        """Say whether a case belongs to this playbook."""
        return (
            (not self.reasons or reason in self.reasons)
            and intensity >= self.min_intensity
            and (not self.channels or channel in self.channels)
        )


@dataclass(frozen=True)
class Playbook:
    id: str
    name: Text
    source: str
    selector: Selector
    steps: tuple[Step, ...]
    suggestions: Mapping[str, Suggestion]
    behaviours: tuple[Behaviour, ...] = ()
    #: Overrides of the team's response clocks for cases on this playbook.
    clocks: Mapping[str, timedelta | None] = field(default_factory=dict)
    #: The step groups, by id (`Step.group` names one).
    groups: Mapping[str, Group] = field(default_factory=dict)

    def step(self, step_id: str) -> Step | None:
        """Return the step with this id, if the playbook has it."""
        return self._steps_by_id.get(step_id)

    def after_resolution(self, step_id: str) -> bool:
        """Whether a step belongs to a group for after the resolution."""
        return step_id in self._after_resolution

    @cached_property
    def _after_resolution(self) -> frozenset[str]:
        groups = self.groups
        return frozenset(
            s.id for s in self.steps if s.group in groups and groups[s.group].after_resolution
        )

    @cached_property
    def _steps_by_id(self) -> dict[str, Step]:
        """The steps by id (the first of an id, as a search in order finds), built once."""
        by_id: dict[str, Step] = {}
        for step in self.steps:
            by_id.setdefault(step.id, step)
        return by_id

    @cached_property
    def memo(self) -> BoundedMemo[tuple[object, ...], str]:
        """Lines worked out from this playbook alone and kept (`guide.progress_line`): the
        cases opened with one playbook share a few checklists."""
        return BoundedMemo(MEMO_SIZE)

    def step_ids_for(
        self, kind: CustomerKind, reason: Reason, intensity: int, flags: frozenset[str]
    ) -> tuple[str, ...]:
        """The ids of the steps a case with these traits gets, in order (kept: a playbook
        meets a few hundred combinations at most)."""
        key = (kind, reason, intensity, frozenset(flags))
        found = self._step_ids.get(key)
        if found is None:
            found = self._step_ids.keep(
                key,
                tuple(s.id for s in self.steps if s.when.matches(kind, reason, intensity, flags)),
            )
        return found

    @cached_property
    def _step_ids(self) -> BoundedMemo[tuple[object, ...], tuple[str, ...]]:
        return BoundedMemo(1024)

    def group_of(self, step_id: str) -> Group | None:
        """The group a step belongs to, if any."""
        step = self.step(step_id)
        return self.groups.get(step.group) if step and step.group else None

    def advice_ids(self) -> set[str]:
        """Every advice id this playbook names, in steps, suggestions or behaviours."""
        ids: set[str] = set()
        for step in self.steps:
            ids.update(step.advice)
        for suggestion in self.suggestions.values():
            ids.update(suggestion.advice)
        for behaviour in self.behaviours:
            ids.update(behaviour.advice)
        return ids


@dataclass(frozen=True)
class KindRule:
    """Cues for one kind of customer, and how the articles say to treat them."""

    kind: CustomerKind
    cues: Mapping[str, tuple[str, ...]]
    treatment: Text
    advice: tuple[str, ...]


@dataclass(frozen=True)
class SubjectRule:
    """What a complaint may be about: its name, the words that say so, and how a reply
    speaks of it ("the problem with your flight"; with the reference: "... {ref}")."""

    subject: Subject
    name: Text
    issue: Text
    issue_with_ref: Text
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The reason a complaint about this subject has when no word names another
    #: (a flight: the airline's service); None: no such default.
    reason: Reason | None = None
    #: Words that, on this subject, point to a reason ("bags" on a flight: delivery);
    #: they weigh more than the general words of `ReadingRules.reasons`.
    reason_words: Mapping[Reason, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    #: General words of one reason that mean another on this subject ("late" on a
    #: flight is the airline's service, not a delivery).
    recast: Mapping[Reason, Reason] = field(default_factory=dict)
    #: When the reason is one of these and the subject's own reason weighs less than half
    #: as much, the complaint is about another subject: a hotel review only about the staff is
    #: about no product (unknown); one only about the bill is about the charge.
    moves: Mapping[Reason, Subject] = field(default_factory=dict)


@dataclass(frozen=True)
class Negation:
    """The words of one language that turn round what follows them, or keep it as it is.

    Sets of folded words, not tuples: they are looked up, never matched as keywords.
    """

    #: Turn round a strong word, a word of anger or a threat just after them ("not").
    negators: frozenset[str] = frozenset()
    #: Turn round a threat only ("sin", "without", "don't").
    threat_negators: frozenset[str] = frozenset()
    #: Right after a negator, a word starting with one of these keeps what follows as it
    #: is ("not only", "no dudaré en denunciar").
    not_turning: frozenset[str] = frozenset()
    #: Right before a threat, make it one that did not happen ("would have", "casi"); one
    #: word or two.
    counterfactuals: frozenset[str] = frozenset()
    #: A negator right after one of these is the condition's ("si no", "if not").
    conditionals: frozenset[str] = frozenset()
    #: A negator before one of these belongs to another verb ("nothing works and ...").
    clause_joins: frozenset[str] = frozenset()
    #: Words a threat's negation reaches over without counting them ("no me lo voy a").
    light_words: frozenset[str] = frozenset()
    #: A phrase starting with one of these is itself negative ("nunca más"): a negation
    #: before it does not turn it round.
    negative_heads: frozenset[str] = frozenset()


#: The threats a window may find (each a reading flag "<threat>-threat").
WINDOW_THREATS = ("leave", "public", "legal")


@dataclass(frozen=True)
class ThreatWindow:
    """A threat whose words may stand apart in one clause: a word of each step, in order.

    A step's words are folded; one may be two words ("will not") or a stem ("fly*").
    """

    threat: str
    steps: tuple[frozenset[str], ...]
    #: For each gap between steps, at most this many words from one step's word to the next
    #: (0: anywhere in the clause); empty: anywhere, for every gap.
    reach: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReadingRules:
    """Keyword rules for reading complaints, per language."""

    source: str
    reasons: Mapping[Reason, Mapping[str, tuple[str, ...]]]
    kinds: Mapping[CustomerKind, KindRule]
    insults: Mapping[str, tuple[str, ...]]
    leave_threats: Mapping[str, tuple[str, ...]]
    public_threats: Mapping[str, tuple[str, ...]]
    reason_names: Mapping[Reason, Text]
    order_with_ref: Text
    order_without_ref: Text
    advice: tuple[str, ...] = ()
    #: Tone and escalation lists, per language; empty when a rules file leaves them out.
    polite: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    strong_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    repeat_contact: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    legal_threats: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    escalations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    displeasure: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    short_shouts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: What a complaint is about, every `Subject` (unknown holds the neutral wording).
    subjects: Mapping[Subject, SubjectRule] = field(default_factory=dict)
    #: Words of praise: a reason's word right next to one ("el personal, muy amable")
    #: is not what the customer complains about, so it counts for no reason.
    praise: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Words with which a customer names the worst of it ("lo peor fue", "worst of all"):
    #: a reason's word right after one weighs more.
    emphasis: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Phrases in which a reason's or a subject's word means something else ("noche vieja",
    #: "según su página web"): the words inside one count for no reason and no subject.
    senses: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Anger said in words, without capitals or "!!!" ("I am seething", "estoy que echo
    #: humo"), and profanity about the company ("this sucks"): one point of anger.
    anger: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Sarcasm ("gracias por nada", "thanks for nothing"): displeasure, never courtesy.
    sarcasm: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Words that strengthen the strong word right after them ("absolutely disgraceful").
    intensifiers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Words that turn round a strong word, a word of anger or a threat after them, per
    #: language ("not terrible", "no puse una hoja de reclamaciones").
    negation: Mapping[str, Negation] = field(default_factory=dict)
    #: Phrases that hold a threat's words but are none ("leaving for the airport", "no
    #: volveré a llamar"): a threat found inside or across one of them does not count.
    not_threats: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Threats whose words stand further apart than a pattern's gaps allow, per language.
    threat_windows: Mapping[str, tuple[ThreatWindow, ...]] = field(default_factory=dict)


def template_fields(template: str) -> set[str]:
    """Return the placeholder names used by a `str.format`-style template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill a validated template; placeholders are plain names only."""
    return template.format_map({k: values.get(k, "") for k in TEMPLATE_VARIABLES})


@dataclass(frozen=True)
class PlaybookLibrary:
    """Every loaded playbook plus the reading rules; chooses a playbook per case."""

    playbooks: tuple[Playbook, ...]
    rules: ReadingRules

    def choose(self, reason: Reason, intensity: int, channel: str) -> Playbook:
        """Return the highest-priority playbook whose selector matches (first on ties)."""
        matching = [p for p in self.playbooks if p.selector.matches(reason, intensity, channel)]
        if not matching:
            return self.playbooks[0]
        return max(matching, key=lambda p: p.selector.priority)

    def get(self, playbook_id: str) -> Playbook | None:
        """Return the playbook with this id, if loaded (asked several times a post)."""
        return self._by_id.get(playbook_id)

    @cached_property
    def _by_id(self) -> dict[str, Playbook]:
        """The playbooks by id (the first of an id, as a search in order finds)."""
        by_id: dict[str, Playbook] = {}
        for playbook in self.playbooks:
            by_id.setdefault(playbook.id, playbook)
        return by_id
