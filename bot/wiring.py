"""The one place that builds storage, playbooks, the detector and the engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import playbooks
from bot.clock import SystemClock
from bot.core.base.ports import Clock, LanguageDetector, TimeParser
from bot.core.cases.config import EngineConfig
from bot.core.cases.engine import Engine
from bot.core.guidance.guide import GuidanceConfig
from bot.core.guidance.playbook import REQUIRED_LANGUAGES, PlaybookLibrary
from bot.core.reminders.scheduler import Scheduler
from bot.langdetect import LinguaDetector
from bot.settings import Settings
from bot.timeparse import DateparserTimes
from playbooks.advice import load_advice_ids
from playbooks.loader import load_playbooks
from playbooks.rules import load_rules
from storage.db import open_database
from storage.store import SqliteStore

BUILTIN_PLAYBOOKS = Path(playbooks.__file__).parent
_DETECTOR: LanguageDetector | None = None


@dataclass
class App:
    """Everything an adapter needs, built once."""

    settings: Settings
    store: SqliteStore
    engine: Engine
    times: TimeParser
    scheduler: Scheduler

    def close(self) -> None:
        """Release the database."""
        self.store.close()


def load_library(settings: Settings) -> PlaybookLibrary:
    """Load and validate the built-in playbooks, the team's, and the reading rules."""
    advice = load_advice_ids()
    dirs = [BUILTIN_PLAYBOOKS] + ([settings.playbook_dir] if settings.playbook_dir else [])
    team_rules = settings.playbook_dir / "reading.toml" if settings.playbook_dir else None
    rules_path = (
        team_rules if team_rules and team_rules.exists() else (BUILTIN_PLAYBOOKS / "reading.toml")
    )
    return PlaybookLibrary(load_playbooks(dirs, advice), load_rules(rules_path, advice))


def shared_detector() -> LanguageDetector:
    """The language detector is costly to build: one per process."""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = LinguaDetector(REQUIRED_LANGUAGES)
    return _DETECTOR


def _chart(report: object) -> bytes:
    """matplotlib is slow to import: only when a report is asked for."""
    from bot.charts import report_png

    return report_png(report)  # type: ignore[arg-type]


def build(
    settings: Settings, clock: Clock | None = None, detector: LanguageDetector | None = None
) -> App:
    """Open the database (migrating it) and wire the engine."""
    store = SqliteStore(open_database(settings.db_path, max_mb=settings.db_max_mb))
    config = EngineConfig(
        default_language=settings.default_language,
        guidance=GuidanceConfig(
            settings.agent_language, settings.contact_channel, settings.timezone
        ),
        clocks=settings.clocks,
        snooze_for=settings.snooze_for,
        flood_cases_per_minute=settings.flood_cases_per_minute,
        leads=settings.leads,
    )
    engine = Engine(
        store, load_library(settings), detector or shared_detector(), clock or SystemClock(), config
    )
    engine.chart = _chart
    scheduler = Scheduler(engine, settings.hours)
    return App(settings, store, engine, DateparserTimes(settings.timezone), scheduler)
