"""The staff-only place of a case whose complaints channel customers can read.

Two modes. With `SERENO_DISCORD_STAFF_CHANNEL` set (a text channel only the team reads),
each such case's opener is posted there and its guidance goes to a thread started on
the opener. Without it, each case gets a private thread (type 12, not invitable) in the
complaints channel itself: only the members Sereno adds (the lead) and members with
Manage Threads see it, so the agents' role should have Manage Threads on the channel,
and no other role may (`visibility.private_thread_problem`). The core knows the second
mode as a staff channel equal to the complaint's channel (`Admission(channel)`).
Neither possible: the channel is refused (the guard tells the log and the lead).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

import discord

from bot.core.cases.audience import Admission, Audience, AudienceGuard
from bot.settings import Settings
from handlers.discord.people import PLATFORM
from handlers.discord.visibility import complaint_channel, judge, private_thread_problem

log = logging.getLogger(__name__)

MANAGE_THREADS_ADVICE = (
    "give the agents' role Manage Threads on the complaints channel so every agent sees "
    "every case's private thread"
)


@dataclass
class StaffPlaces:
    """Decides where a new complaint's guidance goes (`admit`), and keeps the staff
    channel honest (`check_staff_channel`); one per process, so it tells once."""

    guard: AudienceGuard
    settings: Settings
    _private: set[str] = field(default_factory=set)
    _judged: bool = False  # the staff channel's verdict was said

    def __post_init__(self) -> None:
        staff = self.settings.discord_staff_channel
        if staff:
            self.guard.staff[PLATFORM] = staff

    def admit(self, channel: Any) -> Admission | None:
        """Where a complaint written in `channel` keeps its guidance, or None: refused."""
        judged = judge(channel, self.settings)
        found = complaint_channel(channel)
        channel_id = str(getattr(found, "id", None) or getattr(channel, "id", ""))
        if judged.audience is Audience.TEAM or self.settings.discord_staff_channel:
            return self.guard.admit(PLATFORM, channel_id, judged)
        problem = private_thread_problem(found, self.settings.discord_agent_role)
        if problem is None:
            self._say_private(channel_id, judged.why)
            return Admission(channel_id)
        self._private.discard(channel_id)
        why = f"{judged.why}; no private thread either: {problem}"
        return self.guard.admit(PLATFORM, channel_id, replace(judged, why=why))

    def _say_private(self, channel_id: str, why: str) -> None:
        if channel_id in self._private:
            return
        self._private.add(channel_id)
        log.info(
            "Discord: customers can read complaints channel %s (%s): each case's guidance "
            "goes to a private thread there; %s",
            channel_id,
            why,
            MANAGE_THREADS_ADVICE,
        )

    def check_staff_channel(self, client: discord.Client) -> bool:
        """SERENO_DISCORD_STAFF_CHANNEL must be read by the team only; False (and no
        staff channel any more: its complaints channels are refused) when customers can."""
        staff = self.settings.discord_staff_channel
        if not staff:
            return True
        channel = client.get_channel(int(staff)) if staff.isdigit() else None
        judged = judge(
            channel or discord.Object(int(staff) if staff.isdigit() else 0), self.settings
        )
        if judged.audience is Audience.TEAM:
            if PLATFORM not in self.guard.staff or not self._judged:
                log.info("Discord: staff channel %s is for the team (%s)", staff, judged.why)
                self.guard.staff[PLATFORM] = staff
            self._judged = True
            return True
        self._judged = True
        if PLATFORM in self.guard.staff:
            log.error(
                "SERENO_DISCORD_STAFF_CHANNEL: customers can read %s (%s); Sereno does not use "
                "it, and complaints channels customers read are refused",
                staff,
                judged.why,
            )
            self.guard.drop_staff(PLATFORM)
        return False
