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
_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|m|h|d)\s*$")
_UNITS = {"ms": "milliseconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class SettingsError(ValueError):
    """A bad setting; the message is one line naming it and what is wrong."""


def parse_duration(raw: str) -> timedelta:
    """Read '90s', '15m', '24h' or '3d' (also '500ms')."""
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


def _ids(raw: str) -> tuple[str, ...]:
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    for value in values:
        if not _ID.match(value):
            raise ValueError(f"'{value[:40]}' is not an id (letters, digits, - or _)")
    return values


def _optional_id(raw: str) -> str | None:
    ids = _ids(raw)
    if len(ids) > 1:
        raise ValueError("give a single id")
    return ids[0] if ids else None


def _url(raw: str) -> str:
    value = raw.strip()
    if not re.match(r"^(https?|wss?)://[^\s/]+", value):
        raise ValueError(f"'{value[:60]}' is not a URL")
    return value


def _secret(raw: str) -> str | None:
    return raw.strip() or None


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
    Spec(
        "SERENO_DB",
        "db_path",
        "sereno.db",
        "SQLite file holding every case, step, timeline entry, outbox message and reminder.",
        lambda raw: Path(raw or "sereno.db"),
    ),
    Spec(
        "SERENO_DEFAULT_LANGUAGE",
        "default_language",
        "en",
        "Language assumed when a complaint is too short to detect (es or en).",
        _language,
    ),
    Spec(
        "SERENO_AGENT_LANGUAGE",
        "agent_language",
        "en",
        "Language of the guidance shown "
        "to agents (es or en); reply suggestions follow the customer's language.",
        _language,
    ),
    Spec(
        "SERENO_PLAYBOOK_DIR",
        "playbook_dir",
        "",
        "Optional directory with the team's "
        "own playbooks (*.toml), loaded after the built-in ones.",
        _directory,
    ),
    Spec(
        "SERENO_FIRST_RESPONSE",
        "first_response",
        "15m",
        "How soon an agent should act on a new case (s, m, h or d).",
        parse_duration,
    ),
    Spec(
        "SERENO_FOLLOWUP_AFTER",
        "followup_after",
        "3d",
        "When to follow up after a case is resolved.",
        parse_duration,
    ),
    Spec(
        "SERENO_TIMEZONE",
        "timezone",
        "UTC",
        "The team's time zone, for times agents type ('mañana a las 10').",
        _timezone,
    ),
    Spec(
        "SERENO_CONTACT_CHANNEL",
        "contact_channel",
        "",
        "The direct channel offered to customers in suggestions (e.g. a phone number or email).",
        str.strip,
    ),
    Spec("SERENO_LOG_LEVEL", "log_level", "INFO", "Logging level.", _log_level),
    Spec(
        "SLACK_BOT_TOKEN",
        "slack_bot_token",
        "",
        "Slack bot token (xoxb-…); setting it starts the Slack adapter.",
        _secret,
    ),
    Spec(
        "SLACK_SIGNING_SECRET",
        "slack_signing_secret",
        "",
        "Slack signing secret; needed in HTTP mode to verify requests.",
        _secret,
    ),
    Spec(
        "SLACK_APP_TOKEN",
        "slack_app_token",
        "",
        "Slack app-level token (xapp-…); when set Sereno uses Socket Mode (no public URL needed).",
        _secret,
    ),
    Spec(
        "SLACK_API_URL",
        "slack_api_url",
        "https://slack.com/api/",
        "Slack Web API base URL (for proxies and tests).",
        _url,
    ),
    Spec(
        "SERENO_SLACK_CHANNELS",
        "slack_channels",
        "",
        "Slack complaint channels, by id, comma-separated.",
        _ids,
    ),
    Spec(
        "SERENO_SLACK_AGENTS",
        "slack_agents",
        "",
        "Slack user ids of the agents. Empty "
        "(and no group): any member who is not the case's customer.",
        _ids,
    ),
    Spec(
        "SERENO_SLACK_AGENT_GROUP",
        "slack_agent_group",
        "",
        "A Slack user group id whose members are the agents (adds to SERENO_SLACK_AGENTS).",
        _optional_id,
    ),
    Spec(
        "SERENO_SLACK_SOURCE_BOTS",
        "slack_source_bots",
        "",
        "Bot ids whose messages count as "
        "complaints (email or web-form forwarders). Every other bot is ignored.",
        _ids,
    ),
    Spec(
        "SERENO_SLACK_POST_INTERVAL",
        "slack_post_interval",
        "1s",
        "Minimum time between two posts in one Slack channel (Slack allows about one per second).",
        parse_duration,
    ),
    Spec(
        "DISCORD_BOT_TOKEN",
        "discord_bot_token",
        "",
        "Discord bot token; setting it starts the Discord adapter.",
        _secret,
    ),
    Spec(
        "SERENO_DISCORD_CHANNELS",
        "discord_channels",
        "",
        "Discord complaint channels (text or forum), by id, comma-separated.",
        _ids,
    ),
    Spec(
        "SERENO_DISCORD_AGENT_ROLE",
        "discord_agent_role",
        "",
        "Discord role id of the agents. Empty: members with Manage Messages.",
        _optional_id,
    ),
    Spec(
        "DISCORD_GUILD_ID",
        "discord_guild_id",
        "",
        "Optional: sync /complaint to this one server only (instant; for development).",
        _optional_id,
    ),
    Spec(
        "DISCORD_API_URL",
        "discord_api_url",
        "https://discord.com/api/v10",
        "Discord REST base URL (for proxies and tests).",
        _url,
    ),
    Spec(
        "DISCORD_GATEWAY_URL",
        "discord_gateway_url",
        "wss://gateway.discord.gg/",
        "Discord gateway URL (for proxies and tests).",
        _url,
    ),
    Spec(
        "SERENO_DISCORD_READY_TIMEOUT",
        "discord_ready_timeout",
        "2s",
        "How long to wait for servers to arrive before Sereno is ready on Discord.",
        parse_duration,
    ),
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
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_channels: tuple[str, ...] = ()
    slack_agents: tuple[str, ...] = ()
    slack_agent_group: str | None = None
    slack_source_bots: tuple[str, ...] = ()
    slack_post_interval: timedelta = timedelta(seconds=1)
    discord_bot_token: str | None = None
    discord_channels: tuple[str, ...] = ()
    discord_agent_role: str | None = None
    discord_guild_id: str | None = None
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    discord_ready_timeout: timedelta = timedelta(seconds=2)

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
        settings = cls(**values)
        settings.check_platforms()
        return settings

    def check_platforms(self) -> None:
        """Refuse a platform that is half configured."""
        if self.slack_bot_token and not self.slack_channels:
            raise SettingsError(
                "SERENO_SLACK_CHANNELS: set the complaint channel ids when SLACK_BOT_TOKEN is set"
            )
        if self.discord_bot_token and not self.discord_channels:
            raise SettingsError(
                "SERENO_DISCORD_CHANNELS: set the complaint channel ids "
                "when DISCORD_BOT_TOKEN is set"
            )

    @property
    def platforms(self) -> tuple[str, ...]:
        """The chat platforms whose token is set."""
        found = []
        if self.slack_bot_token:
            found.append("slack")
        if self.discord_bot_token:
            found.append("discord")
        return tuple(found)
