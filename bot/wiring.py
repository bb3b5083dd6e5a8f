"""The one place that builds storage, playbooks, the detector and the engine."""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import playbooks
from bot.clock import SystemClock
from bot.core.base.ports import Clock, LanguageDetector, TimeParser
from bot.core.cases.config import EngineConfig
from bot.core.cases.engine import Engine
from bot.core.guidance.guide import GuidanceConfig
from bot.core.guidance.playbook import REQUIRED_LANGUAGES, PlaybookLibrary
from bot.core.reading.keywords import is_pattern, pattern_regex
from bot.core.reading.reader import keyword_index, read_complaint, rule_languages
from bot.core.reminders.scheduler import Scheduler
from bot.core.texts import for_language
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
log = logging.getLogger(__name__)
#: Read once by `warm_up`, in the languages the shipped rules read (a sample of no one's).
#: The Spanish one holds accented letters, ñ and ¿: the detector's first text with such
#: letters took ~2 ms more than later ones (lingua sets up its letter tables on first sight).
WARM_UP_TEXTS = {
    "es": "Llevo dos semanas esperando el reembolso del pedido, ¿por qué nadie me contesta? "
    "Llegó roto y aún no sé nada, señora.",
    "en": "I have been waiting two weeks for the refund of my order and nobody answers.",
}


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
    """One detector per process: its models are loaded once, on first use or `warm_up`."""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = LinguaDetector(REQUIRED_LANGUAGES)
    return _DETECTOR


def warm_up(app: App) -> None:
    """Load now what the first complaint would otherwise wait for: the detector's models,
    the texts of each language the rules read, a reading in each (the keyword index), and
    the regular expression of every pattern in the rules (~400, ~90 ms: a sample reads a
    few of them, and a first complaint compiled the ones its words reached, 20-30 ms).

    Not dateparser: it holds 18 MB once it has parsed a time, which only a command with a
    time in it needs (that first command waits about a second for it)."""
    started, engine = time.perf_counter(), app.engine
    warm = getattr(engine.detector, "warm", None)
    if callable(warm):
        warm()
    rules = engine.library.rules
    for language in sorted(rule_languages(rules)):
        for_language(language)
        sample = WARM_UP_TEXTS.get(language)
        if sample:
            read_complaint(sample, rules=rules, detector=engine.detector, default_language=language)
    for keyword in keyword_index(rules).known:
        if is_pattern(keyword):
            pattern_regex(keyword)
    took = (time.perf_counter() - started) * 1e3
    log.info("ready for the first complaint (warmed up in %.0f ms)", took)


def warm_up_in_background(app: App) -> threading.Thread:
    """`warm_up` on a daemon thread, for a process that is already taking input."""
    thread = threading.Thread(target=warm_up, args=(app,), name="sereno-warm-up", daemon=True)
    thread.start()
    return thread


#: What a report says, in one line, when the charts extra is not installed.
CHARTS_HINT = "No chart: it needs the charts extra (pip install 'sereno[charts]')."


def charts_installed() -> bool:
    """Whether matplotlib (the `charts` extra) can be imported; imports nothing itself."""
    try:
        return importlib.util.find_spec("matplotlib") is not None
    except (ImportError, ValueError):
        return False


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
    charts = charts_installed()
    engine.chart = _chart if charts else None  # without: the report's text, and how to get it
    engine.chart_missing = None if charts else CHARTS_HINT
    scheduler = Scheduler(engine, settings.hours)
    return App(settings, store, engine, DateparserTimes(settings.timezone), scheduler)
