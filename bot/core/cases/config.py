"""How the case engine is set up: languages, guidance, clocks, floods, leads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.base.clocks import Clocks, local_time
from bot.core.guidance.guide import GuidanceConfig


@dataclass(frozen=True)
class EngineConfig:
    default_language: str
    guidance: GuidanceConfig
    clocks: Clocks = field(default_factory=Clocks)
    snooze_for: timedelta = timedelta(hours=1)
    #: At most this many new cases per minute from one author (see `floods`).
    flood_cases_per_minute: int = 5
    #: Each platform's lead, when one person: told of floods, may export every case.
    leads: Mapping[str, str] = field(default_factory=dict)

    @property
    def timezone(self) -> str:
        """The team's time zone: every time shown to people is given in it."""
        return self.guidance.timezone

    def show_time(self, moment: datetime, *, date: bool = True, seconds: bool = False) -> str:
        """`moment` as people read it: in the team's zone, with the zone named."""
        return local_time(moment, self.guidance.timezone, date=date, seconds=seconds)
