"""How the case engine is set up: languages, guidance, clocks, floods, leads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.core.base.clocks import Clocks
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
