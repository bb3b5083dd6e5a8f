"""The core's vocabulary: plain, frozen values shared by every module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    LET_GO = "let_go"
    #: Not a complaint ("thanks!", "clear"): closed without a word to the customer.
    DISMISSED = "dismissed"


class StepState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


class Via(StrEnum):
    """Through what an agent acted."""

    REACTION = "reaction"
    BUTTON = "button"
    COMMAND = "command"
    AUTO = "auto"


class Reason(StrEnum):
    PRODUCT = "product"
    DELIVERY = "delivery"
    BILLING = "billing"
    SERVICE = "service"
    TECHNICAL = "technical"
    OTHER = "other"


class CustomerKind(StrEnum):
    """The eight kinds of difficult customer of seed 003, or unknown."""

    ARGUMENTATIVE = "argumentative"
    TALKATIVE = "talkative"
    INDECISIVE = "indecisive"
    KNOW_IT_ALL = "know-it-all"
    METICULOUS = "meticulous"
    IMPULSIVE = "impulsive"
    DISTRUSTFUL = "distrustful"
    RUDE = "rude"
    UNKNOWN = "unknown"


class Subject(StrEnum):
    """What a complaint is about, as the reply names it ("your flight"), or unknown."""

    ORDER = "order"
    PARCEL = "parcel"
    FLIGHT = "flight"
    BOOKING = "booking"
    INVOICE = "invoice"
    CHARGE = "charge"
    CARD = "card"
    ACCOUNT = "account"
    SUBSCRIPTION = "subscription"
    APP = "app"
    WEBSITE = "website"
    APPOINTMENT = "appointment"
    PRODUCT = "product"
    UNKNOWN = "unknown"


class Impact(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Actor:
    """Someone who acts in a chat: a customer, an agent, or the bot itself.

    `is_lead`: the adapter knows them as the team's lead (e.g. a lead group's member);
    a lead who is one person is also known from `EngineConfig.leads`.
    """

    platform: str
    user_id: str
    name: str
    is_agent: bool = False
    is_lead: bool = False

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"


#: Sereno itself, as the actor of what it does on its own (pings, notices, clocks).
SERENO = Actor("sereno", "sereno", "Sereno", is_agent=True)


@dataclass(frozen=True)
class History:
    """What a customer's earlier cases say about them (seed 001 tip 9)."""

    earlier_cases: int = 0
    resolved: int = 0
    let_go: int = 0
    still_open: int = 0
    chronic: bool = False


@dataclass(frozen=True)
class Signal:
    """One piece of evidence behind a reading: what was seen, and where."""

    name: str
    detail: str


@dataclass(frozen=True)
class Reading:
    """What Sereno reads in a complaint, each part with its evidence."""

    language: str
    language_confidence: float
    reason: Reason
    reason_evidence: tuple[Signal, ...]
    kind: CustomerKind
    kind_evidence: tuple[Signal, ...]
    intensity: int
    intensity_evidence: tuple[Signal, ...]
    impact: Impact
    impact_evidence: tuple[Signal, ...]
    history: History = field(default_factory=History)
    order_ref: str | None = None
    flags: frozenset[str] = frozenset()
    #: What the complaint is about, and the words that say so (readings stored before
    #: subjects existed load as unknown).
    subject: Subject = Subject.UNKNOWN
    subject_evidence: tuple[Signal, ...] = ()
    #: The parts an agent corrected and who did, e.g. (("reason", "ana"),); a corrected
    #: part shows who corrected it instead of the words Sereno read it from.
    corrected: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Incoming:
    """A chat message as an adapter hands it to the core.

    `sent_at`: when the author posted it, as the platform says (Slack's `ts`, Discord's
    snowflake); None: the core takes its own clock. A message worked late (catch-up after
    downtime, a retried event) keeps its own time.
    """

    platform: str
    channel_id: str
    message_id: str
    author: Actor
    text: str
    thread_id: str | None = None
    event_id: str | None = None
    sent_at: datetime | None = None
