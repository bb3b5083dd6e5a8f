"""The only module that reads the environment: one frozen, validated Settings."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.playbook import REQUIRED_LANGUAGES

LANGUAGES = REQUIRED_LANGUAGES
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class SettingsError(ValueError):
    """A bad setting; the message is one line naming it and what is wrong."""


def parse_duration(raw: str) -> timedelta:
    """Read '90s', '15m', '24h' or '3d'."""
    match = _DURATION.match(raw)
    if not match:
        if raw.strip().startswith("-"):
            raise ValueError(f"must not be negative (got '{raw}')")
        raise ValueError(f"must be a number with a unit s, m, h or d, like 15m (got '{raw}')")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _language(raw: str) -> str:
    value = raw.strip().lower()
    if value not in LANGUAGES:
        raise ValueError(f"unknown language '{raw}'; use one of: {', '.join(LANGUAGES)}")
    return value


def _directory(raw: str) -> Path | None:
    if not raw.strip():
        return None
    path = Path(raw).expanduser()
    if not path.is_dir():
        raise ValueError(f"directory '{raw}' does not exist")
    return path


def _timezone(raw: str) -> str:
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{raw}' (use a name like Europe/Madrid)") from None
    return raw.strip()


def _log_level(raw: str) -> str:
    value = raw.strip().upper()
    if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError(f"use DEBUG, INFO, WARNING or ERROR (got '{raw}')")
    return value


@dataclass(frozen=True)
class Spec:
    """One setting: its variable, default, meaning and parser."""

    env: str
    field: str
    default: str
    help: str
    parse: Callable[[str], Any] = str


SPECS: tuple[Spec, ...] = (
    Spec("SERENO_DB", "db_path", "sereno.db", "SQLite file holding every case, step, "
         "timeline entry, outbox message and reminder.", lambda raw: Path(raw or "sereno.db")),
    Spec("SERENO_DEFAULT_LANGUAGE", "default_language", "en", "Language assumed when a "
         "complaint is too short to detect (es or en).", _language),
    Spec("SERENO_AGENT_LANGUAGE", "agent_language", "en", "Language of the guidance shown "
         "to agents (es or en); reply suggestions follow the customer's language.", _language),
    Spec("SERENO_PLAYBOOK_DIR", "playbook_dir", "", "Optional directory with the team's "
         "own playbooks (*.toml), loaded after the built-in ones.", _directory),
    Spec("SERENO_FIRST_RESPONSE", "first_response", "15m", "How soon an agent should act "
         "on a new case (s, m, h or d).", parse_duration),
    Spec("SERENO_FOLLOWUP_AFTER", "followup_after", "3d", "When to follow up after a case "
         "is resolved.", parse_duration),
    Spec("SERENO_TIMEZONE", "timezone", "UTC", "The team's time zone, for times agents type "
         "('mañana a las 10').", _timezone),
    Spec("SERENO_CONTACT_CHANNEL", "contact_channel", "", "The direct channel offered to "
         "customers in suggestions (e.g. a phone number or email).", str.strip),
    Spec("SERENO_LOG_LEVEL", "log_level", "INFO", "Logging level.", _log_level),
)


@dataclass(frozen=True)
class Settings:
    db_path: Path
    default_language: str
    agent_language: str
    playbook_dir: Path | None
    first_response: timedelta
    followup_after: timedelta
    timezone: str
    contact_channel: str
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build and validate settings; raise SettingsError naming the bad one."""
        values: dict[str, Any] = {}
        for spec in SPECS:
            raw = env.get(spec.env, spec.default)
            try:
                values[spec.field] = spec.parse(raw)
            except ValueError as exc:
                raise SettingsError(f"{spec.env}: {exc}") from None
        return cls(**values)
