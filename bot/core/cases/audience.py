"""Who can read a complaints channel decides whether Sereno may guide there.

Guidance (the case header with its reading of the customer, the steps, the
suggested replies, pings and notices) is for the team. In a channel customers
can read (shared with another organisation, with guests, a public community
channel), none of it may be posted there. With a staff-only place for the
platform (Slack's triage channel) the case opens and its guidance goes there;
without one Sereno refuses the channel (no case, no post), says so once per
channel in the log and to the lead, naming the setting that applies, and goes
on serving every other channel. Adapters judge the audience from the platform's
facts; this module decides and tells.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.base.cards import Card, CardKind
from bot.core.base.outbox import DIRECT
from bot.core.cases.engine import Engine

log = logging.getLogger(__name__)


class Audience(StrEnum):
    TEAM = "team"  # only the team reads it (a form or email forwarder posts there)
    CUSTOMERS = "customers"  # customers can read it


@dataclass(frozen=True)
class Judgement:
    """An adapter's verdict on a channel, with the evidence for the log and the lead."""

    audience: Audience
    why: str  # e.g. "shared with another organisation (is_ext_shared)"
    setting: str  # what the operator can set, e.g. "SERENO_SLACK_INTERNAL_CHANNELS"
    staff_setting: str = ""  # the platform's staff-only place, e.g. "SERENO_SLACK_TRIAGE_CHANNEL"


@dataclass(frozen=True)
class Admission:
    """A complaint may open a case; its guidance goes to `staff_channel` when set (the
    complaint's channel is one customers read), else to the complaint's thread."""

    staff_channel: str | None = None


@dataclass
class AudienceGuard:
    """Admits complaints only where guidance stays with the team: their own channel, or
    the platform's staff-only place (`staff`: platform -> channel) when customers read it."""

    engine: Engine
    leads: Mapping[str, str | None]
    staff: dict[str, str] = field(default_factory=dict)
    _told: set[tuple[str, str]] = field(default_factory=set)

    def admits(self, platform: str, channel_id: str, judged: Judgement) -> bool:
        """True when Sereno may open a case for this channel (see `admit`)."""
        return self.admit(platform, channel_id, judged) is not None

    def admit(self, platform: str, channel_id: str, judged: Judgement) -> Admission | None:
        """Where a new complaint's guidance goes, or None: the channel is refused."""
        if judged.audience is Audience.TEAM:
            self._told.discard((platform, channel_id))
            return Admission()
        staff = self.staff.get(platform)
        first = (platform, channel_id) not in self._told
        self._told.add((platform, channel_id))
        if staff:
            if first:
                log.info(
                    "%s: customers can read complaints channel %s (%s): its guidance goes to "
                    "staff-only channel %s",
                    platform,
                    channel_id,
                    judged.why,
                    staff,
                )
            return Admission(staff)
        if first:
            self._tell(platform, channel_id, judged)
        return None

    def drop_staff(self, platform: str) -> None:
        """The staff-only place turned out readable by customers: refuse instead."""
        self.staff.pop(platform, None)
        self._told = {told for told in self._told if told[0] != platform}

    def _tell(self, platform: str, channel_id: str, judged: Judgement) -> None:
        log.error(
            "%s: customers can read complaints channel %s (%s): Sereno posts no guidance "
            "there and opens no case; if customers never read it, list it in %s%s",
            platform,
            channel_id,
            judged.why,
            judged.setting,
            f"; to work its complaints, set {judged.staff_setting}" if judged.staff_setting else "",
        )
        lead = self.leads.get(platform)
        if not lead:
            return
        say = self.engine.say
        card = Card(
            CardKind.NOTICE,
            say("audience.refused_title", channel=channel_id),
            (
                say("audience.refused_why", why=judged.why),
                say("audience.refused_next", setting=judged.setting),
                *(
                    [say("audience.refused_staff", setting=judged.staff_setting)]
                    if judged.staff_setting
                    else []
                ),
            ),
        )
        with self.engine.store.atomic():
            self.engine.store.enqueue_to(
                platform, DIRECT + lead, None, card, self.engine.clock.now()
            )
        self.engine.notify()
