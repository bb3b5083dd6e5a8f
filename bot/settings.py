"""The only module that reads the environment: one frozen, validated Settings."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.base.clocks import BusinessHours, Clocks, optional_duration, parse_duration
from bot.settings_clocks import FIRST_RESPONSE_TARGETS, targets_problem

#: The languages Sereno speaks: each has a catalogue, bot/core/texts/locale/<lang>.po (adding
#: one is that file and an entry here). Playbooks must have their texts in REQUIRED_LANGUAGES.
LANGUAGES: tuple[str, ...] = ("en", "es")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
EVERYONE = "*"  # SERENO_SLACK_AGENTS=*: every member of the own workspace is an agent
NO_SLACK_AGENTS = (
    "SERENO_SLACK_AGENTS: say who the agents are: their user ids (U0123ABC,U0456DEF) or "
    "SERENO_SLACK_AGENT_GROUP=<user group id>; or SERENO_SLACK_AGENTS=* to make every "
    "member of your workspace an agent (only for channels customers never join)"
)


class SettingsError(ValueError):
    """A bad setting; the message is one line naming it and what is wrong."""


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


def _agents(raw: str) -> tuple[str, ...]:
    """User ids, or `*` alone: every member of the own workspace."""
    if raw.strip() == EVERYONE:
        return (EVERYONE,)
    if EVERYONE in raw:
        raise ValueError(f"use {EVERYONE} alone (every member of the workspace) or user ids")
    return _ids(raw)


def _per_minute(raw: str) -> int:
    value = raw.strip()
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"use a whole number of at least 1 (got '{raw[:20]}')")
    return int(value)


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


def _lead(raw: str) -> str | None:
    value = raw.strip()
    if value.startswith("role:"):
        return "role:" + (_optional_id(value[5:]) or "")
    return _optional_id(value)


def _secret(raw: str) -> str | None:
    return raw.strip() or None


def _hours(raw: str) -> str:
    BusinessHours.parse(raw, "UTC")  # the time zone is checked on its own
    return raw.strip()


def _days(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"use a whole number of days of at least 1 (got '{raw}')")
    return int(value)


def _megabytes(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"use a whole number of MB of at least 1 (got '{raw}')")
    return int(value)


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in {"true", "false", "1", "0", "yes", "no", ""}:
        raise ValueError(f"use true or false (got '{raw}')")
    return value in {"true", "1", "yes"}


def _port(raw: str) -> int:
    value = raw.strip()
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"use a TCP port number from 1 to 65535 (got '{raw[:20]}')")
    return int(value)


def _host(raw: str) -> str:
    value = raw.strip()
    if not re.match(r"^[A-Za-z0-9.:_-]{1,253}$", value):
        raise ValueError(f"'{value[:60]}' is not a host name or address")
    return value


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
        "SERENO_DB_MAX_MB",
        "db_max_mb",
        "",
        "Optional cap on the database file's size in MB; past it Sereno stops acknowledging "
        "events (the platform sends them again) instead of filling the disk (empty: no cap).",
        _megabytes,
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
        "How soon an agent should act on a new LOW-impact case (s, m, h or d).",
        parse_duration,
    ),
    *(Spec(*target) for target in FIRST_RESPONSE_TARGETS),
    Spec(
        "SERENO_FOLLOWUP_AFTER",
        "followup_after",
        "3d",
        "When to follow up after a case is resolved.",
        parse_duration,
    ),
    Spec(
        "SERENO_STALLED_AFTER",
        "stalled_after",
        "24h",
        "An open case with no activity for this long pings its assignee.",
        parse_duration,
    ),
    Spec(
        "SERENO_ESCALATE_AFTER",
        "escalate_after",
        "1h",
        "A ping nobody marked done within this long escalates to the lead.",
        parse_duration,
    ),
    Spec(
        "SERENO_IMPROVEMENT_AFTER",
        "improvement_after",
        "",
        "Optional: this long after "
        "resolving, remind the agent to tell the customer what was improved (empty: off).",
        optional_duration,
    ),
    Spec(
        "SERENO_BUSINESS_HOURS",
        "business_hours",
        "",
        "Optional opening hours, like "
        "'mon-fri 09:00-18:00; sat 10:00-14:00' in SERENO_TIMEZONE; a reminder due outside "
        "them is delivered at the next opening (empty: always).",
        _hours,
    ),
    Spec(
        "SERENO_SNOOZE_FOR",
        "snooze_for",
        "1h",
        "How long the 💤 reaction on a ping snoozes it.",
        parse_duration,
    ),
    Spec(
        "SERENO_RETENTION_DAYS",
        "retention_days",
        "",
        "Optional: forget the customer's "
        "personal data (name, handle, text) in cases closed more than this many days ago; "
        "counts and durations stay (empty: keep).",
        _days,
    ),
    Spec(
        "SERENO_TIMEZONE",
        "timezone",
        "UTC",
        "The team's time zone: times agents type ('mañana a las 10') are read in it and every "
        "time Sereno shows people is given in it, with the zone named (storage stays UTC).",
        _timezone,
    ),
    Spec(
        "SERENO_CONTACT_CHANNEL",
        "contact_channel",
        "",
        "The direct channel offered to customers in suggestions (e.g. a phone number or email).",
        str.strip,
    ),
    Spec(
        "SERENO_FLOOD_CASES_PER_MINUTE",
        "flood_cases_per_minute",
        "5",
        "At most this many new cases per minute from one author; their later messages join "
        "their latest case and the lead is told once.",
        _per_minute,
    ),
    Spec("SERENO_LOG_LEVEL", "log_level", "INFO", "Logging level.", _log_level),
    Spec(
        "SERENO_LOG_SDK",
        "log_sdk",
        "WARNING",
        "Logging level of the chat SDKs and HTTP libraries; at DEBUG they log request bodies.",
        _log_level,
    ),
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
        "SERENO_SLACK_HOST",
        "slack_host",
        "0.0.0.0",
        "Address the Events API server listens on (HTTP mode: no SLACK_APP_TOKEN).",
        _host,
    ),
    Spec(
        "SERENO_SLACK_PORT",
        "slack_port",
        "3000",
        "Port the Events API server listens on (HTTP mode: no SLACK_APP_TOKEN).",
        _port,
    ),
    Spec(
        "SERENO_SLACK_CHANNELS",
        "slack_channels",
        "",
        "Slack complaint channels, by id, comma-separated.",
        _ids,
    ),
    Spec(
        "SERENO_SLACK_CUSTOMER_CHANNELS",
        "slack_customer_channels",
        "",
        "Complaint channels customers can read, whatever Slack says (no guidance is posted there).",
        _ids,
    ),
    Spec(
        "SERENO_SLACK_INTERNAL_CHANNELS",
        "slack_internal_channels",
        "",
        "Complaint channels only the team reads, whatever Slack says (sharing, guests).",
        _ids,
    ),
    Spec(
        "SERENO_SLACK_TRIAGE_CHANNEL",
        "slack_triage_channel",
        "",
        "A channel only the team reads where each case of a complaints channel customers "
        "can read gets its thread (header, steps, suggestions, pings).",
        _optional_id,
    ),
    Spec(
        "SERENO_SLACK_AGENTS",
        "slack_agents",
        "",
        "Slack user ids of the agents, or * for every member of the "
        "own workspace (for channels customers never join). Required, unless a group is set.",
        _agents,
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
        "SERENO_SLACK_LEAD",
        "slack_lead",
        "",
        "Who overdue pings escalate to on Slack: a user id (U…) or a user group id (S…).",
        _optional_id,
    ),
    Spec(
        "SERENO_SLACK_PING_DM",
        "slack_ping_dm",
        "false",
        "Also send each ping as a direct message to the agent it mentions (true/false).",
        _boolean,
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
        "SERENO_DISCORD_INTERNAL_CHANNELS",
        "discord_internal_channels",
        "",
        "Discord complaint channels customers never read although a role other than the "
        "agents' could view them, by id: Sereno guides there whatever the roles say.",
        _ids,
    ),
    Spec(
        "SERENO_DISCORD_STAFF_CHANNEL",
        "discord_staff_channel",
        "",
        "A Discord text channel only the team reads where each case of a complaints channel "
        "customers can read gets its thread. Empty: a private thread per case instead.",
        _optional_id,
    ),
    Spec(
        "SERENO_DISCORD_PING_DM",
        "discord_ping_dm",
        "false",
        "Also send each ping as a direct message to the agent it mentions (true/false).",
        _boolean,
    ),
    Spec(
        "SERENO_DISCORD_LEAD",
        "discord_lead",
        "",
        "Who overdue pings escalate to on Discord: a user id, or role:ID for a role.",
        _lead,
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
    db_max_mb: int | None
    default_language: str
    agent_language: str
    playbook_dir: Path | None
    first_response: timedelta
    followup_after: timedelta
    stalled_after: timedelta
    escalate_after: timedelta
    improvement_after: timedelta | None
    business_hours: str
    snooze_for: timedelta
    retention_days: int | None
    timezone: str
    contact_channel: str
    log_level: str
    flood_cases_per_minute: int = 5
    first_response_medium: timedelta = timedelta(minutes=10)
    first_response_high: timedelta = timedelta(minutes=5)
    log_sdk: str = "WARNING"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_host: str = "0.0.0.0"
    slack_port: int = 3000
    slack_channels: tuple[str, ...] = ()
    slack_customer_channels: tuple[str, ...] = ()
    slack_internal_channels: tuple[str, ...] = ()
    slack_triage_channel: str | None = None
    slack_agents: tuple[str, ...] = ()
    slack_agent_group: str | None = None
    slack_source_bots: tuple[str, ...] = ()
    slack_post_interval: timedelta = timedelta(seconds=1)
    slack_lead: str | None = None
    slack_ping_dm: bool = False
    discord_bot_token: str | None = None
    discord_channels: tuple[str, ...] = ()
    discord_agent_role: str | None = None
    discord_internal_channels: tuple[str, ...] = ()
    discord_staff_channel: str | None = None
    discord_lead: str | None = None
    discord_ping_dm: bool = False
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
        problem = targets_problem(
            settings.first_response,
            settings.first_response_medium,
            settings.first_response_high,
            {name for name, raw in env.items() if raw.strip()},
        )
        if problem:
            raise SettingsError(problem)
        settings.check_platforms()
        return settings

    def check_platforms(self) -> None:
        """Refuse a platform that is half configured."""
        if self.slack_bot_token and not self.slack_channels:
            raise SettingsError(
                "SERENO_SLACK_CHANNELS: set the complaint channel ids when SLACK_BOT_TOKEN is set"
            )
        if self.slack_bot_token and not self.slack_agents and not self.slack_agent_group:
            raise SettingsError(NO_SLACK_AGENTS)
        if self.slack_bot_token:
            self._check_slack_audiences()
        if self.discord_bot_token and not self.discord_channels:
            raise SettingsError(
                "SERENO_DISCORD_CHANNELS: set the complaint channel ids "
                "when DISCORD_BOT_TOKEN is set"
            )
        if self.discord_bot_token and self.discord_staff_channel in self.discord_channels:
            raise SettingsError(
                f"SERENO_DISCORD_STAFF_CHANNEL: {self.discord_staff_channel} is a complaints "
                "channel (SERENO_DISCORD_CHANNELS); use a channel only the team reads"
            )
        stray = [c for c in self.discord_internal_channels if c not in self.discord_channels]
        if self.discord_bot_token and stray:
            raise SettingsError(
                f"SERENO_DISCORD_INTERNAL_CHANNELS: {stray[0]} is not in SERENO_DISCORD_CHANNELS"
            )

    def _check_slack_audiences(self) -> None:
        """Each declared channel is a complaints channel, declared one way only."""
        for env, declared in (
            ("SERENO_SLACK_CUSTOMER_CHANNELS", self.slack_customer_channels),
            ("SERENO_SLACK_INTERNAL_CHANNELS", self.slack_internal_channels),
        ):
            stray = [c for c in declared if c not in self.slack_channels]
            if stray:
                raise SettingsError(f"{env}: {stray[0]} is not in SERENO_SLACK_CHANNELS")
        if self.slack_triage_channel in self.slack_channels:
            raise SettingsError(
                f"SERENO_SLACK_TRIAGE_CHANNEL: {self.slack_triage_channel} is a complaints "
                "channel (SERENO_SLACK_CHANNELS); use a channel only the team reads"
            )
        both = [c for c in self.slack_customer_channels if c in self.slack_internal_channels]
        if both:
            raise SettingsError(
                f"SERENO_SLACK_INTERNAL_CHANNELS: {both[0]} is also in "
                "SERENO_SLACK_CUSTOMER_CHANNELS; a channel is one or the other"
            )

    @property
    def clocks(self) -> Clocks:
        """The default response clocks (playbooks may override them)."""
        return Clocks(
            self.first_response,
            self.stalled_after,
            self.followup_after,
            self.escalate_after,
            self.improvement_after,
            self.first_response_medium,
            self.first_response_high,
        )

    @property
    def hours(self) -> BusinessHours:
        """The team's business hours in its time zone."""
        return BusinessHours.parse(self.business_hours, self.timezone)

    @property
    def leads(self) -> dict[str, str]:
        """Each platform's lead when the lead is one person (a user id), for direct messages."""
        found = {}
        if self.slack_lead and self.slack_lead[0] in "UW":
            found["slack"] = self.slack_lead
        if self.discord_lead and self.discord_lead.isdigit():
            found["discord"] = self.discord_lead
        return found

    @property
    def platforms(self) -> tuple[str, ...]:
        """The chat platforms whose token is set."""
        found = []
        if self.slack_bot_token:
            found.append("slack")
        if self.discord_bot_token:
            found.append("discord")
        return tuple(found)
