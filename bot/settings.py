"""The only module that reads the environment: one frozen, validated Settings.

Every variable is a `Spec` of SPECS: Sereno's own here, the Slack and Discord ones in
bot/settings_platforms.py, the first-response targets in bot/settings_clocks.py; the
parsers they name (raw text in, value out or ValueError) in bot/settings_values.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot import settings_values as values
from bot.core.base.clocks import BusinessHours, Clocks, optional_duration, parse_duration
from bot.settings_clocks import FIRST_RESPONSE_TARGETS, targets_problem
from bot.settings_platforms import DISCORD_SPECS, SLACK_SPECS
from bot.settings_values import EVERYONE as EVERYONE
from bot.settings_values import Spec as Spec

#: The languages Sereno speaks: each has a catalogue, bot/core/texts/locale/<lang>.po (adding
#: one is that file and an entry here). Playbooks must have their texts in REQUIRED_LANGUAGES.
LANGUAGES: tuple[str, ...] = ("en", "es")
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
        values.megabytes,
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
        values.directory,
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
        values.hours,
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
        values.days,
    ),
    Spec(
        "SERENO_TIMEZONE",
        "timezone",
        "UTC",
        "The team's time zone: times agents type ('mañana a las 10') are read in it and every "
        "time Sereno shows people is given in it, with the zone named (storage stays UTC).",
        values.timezone,
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
        values.per_minute,
    ),
    Spec("SERENO_LOG_LEVEL", "log_level", "INFO", "Logging level.", values.log_level),
    Spec(
        "SERENO_LOG_SDK",
        "log_sdk",
        "WARNING",
        "Logging level of the chat SDKs and HTTP libraries; at DEBUG they log request bodies.",
        values.log_level,
    ),
    *SLACK_SPECS,
    *DISCORD_SPECS,
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
