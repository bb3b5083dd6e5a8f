"""The Slack and Discord settings: each variable, its default, its meaning and its parser."""

from __future__ import annotations

from bot import settings_values as values
from bot.core.base.clocks import parse_duration
from bot.settings_values import Spec

SLACK_SPECS: tuple[Spec, ...] = (
    Spec(
        "SLACK_BOT_TOKEN",
        "slack_bot_token",
        "",
        "Slack bot token (xoxb-…); setting it starts the Slack adapter.",
        values.secret,
    ),
    Spec(
        "SLACK_SIGNING_SECRET",
        "slack_signing_secret",
        "",
        "Slack signing secret; needed in HTTP mode to verify requests.",
        values.secret,
    ),
    Spec(
        "SLACK_APP_TOKEN",
        "slack_app_token",
        "",
        "Slack app-level token (xapp-…); when set Sereno uses Socket Mode (no public URL needed).",
        values.secret,
    ),
    Spec(
        "SLACK_API_URL",
        "slack_api_url",
        "https://slack.com/api/",
        "Slack Web API base URL (for proxies and tests).",
        values.url,
    ),
    Spec(
        "SERENO_SLACK_HOST",
        "slack_host",
        "0.0.0.0",
        "Address the Events API server listens on (HTTP mode: no SLACK_APP_TOKEN).",
        values.host,
    ),
    Spec(
        "SERENO_SLACK_PORT",
        "slack_port",
        "3000",
        "Port the Events API server listens on (HTTP mode: no SLACK_APP_TOKEN).",
        values.port,
    ),
    Spec(
        "SERENO_SLACK_CHANNELS",
        "slack_channels",
        "",
        "Slack complaint channels, by id, comma-separated.",
        values.ids,
    ),
    Spec(
        "SERENO_SLACK_CUSTOMER_CHANNELS",
        "slack_customer_channels",
        "",
        "Complaint channels customers can read, whatever Slack says (no guidance is posted there).",
        values.ids,
    ),
    Spec(
        "SERENO_SLACK_INTERNAL_CHANNELS",
        "slack_internal_channels",
        "",
        "Complaint channels only the team reads, whatever Slack says (sharing, guests).",
        values.ids,
    ),
    Spec(
        "SERENO_SLACK_TRIAGE_CHANNEL",
        "slack_triage_channel",
        "",
        "A channel only the team reads where each case of a complaints channel customers "
        "can read gets its thread (header, steps, suggestions, pings).",
        values.optional_id,
    ),
    Spec(
        "SERENO_SLACK_AGENTS",
        "slack_agents",
        "",
        "Slack user ids of the agents, or * for every member of the "
        "own workspace (for channels customers never join). Required, unless a group is set.",
        values.agents,
    ),
    Spec(
        "SERENO_SLACK_AGENT_GROUP",
        "slack_agent_group",
        "",
        "A Slack user group id whose members are the agents (adds to SERENO_SLACK_AGENTS).",
        values.optional_id,
    ),
    Spec(
        "SERENO_SLACK_SOURCE_BOTS",
        "slack_source_bots",
        "",
        "Bot ids whose messages count as "
        "complaints (email or web-form forwarders). Every other bot is ignored.",
        values.ids,
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
        values.optional_id,
    ),
    Spec(
        "SERENO_SLACK_PING_DM",
        "slack_ping_dm",
        "false",
        "Also send each ping as a direct message to the agent it mentions (true/false).",
        values.boolean,
    ),
)

DISCORD_SPECS: tuple[Spec, ...] = (
    Spec(
        "DISCORD_BOT_TOKEN",
        "discord_bot_token",
        "",
        "Discord bot token; setting it starts the Discord adapter.",
        values.secret,
    ),
    Spec(
        "SERENO_DISCORD_CHANNELS",
        "discord_channels",
        "",
        "Discord complaint channels (text or forum), by id, comma-separated.",
        values.ids,
    ),
    Spec(
        "SERENO_DISCORD_AGENT_ROLE",
        "discord_agent_role",
        "",
        "Discord role id of the agents. Empty: members with Manage Messages.",
        values.optional_id,
    ),
    Spec(
        "SERENO_DISCORD_INTERNAL_CHANNELS",
        "discord_internal_channels",
        "",
        "Discord complaint channels customers never read although a role other than the "
        "agents' could view them, by id: Sereno guides there whatever the roles say.",
        values.ids,
    ),
    Spec(
        "SERENO_DISCORD_STAFF_CHANNEL",
        "discord_staff_channel",
        "",
        "A Discord text channel only the team reads where each case of a complaints channel "
        "customers can read gets its thread. Empty: a private thread per case instead.",
        values.optional_id,
    ),
    Spec(
        "SERENO_DISCORD_PING_DM",
        "discord_ping_dm",
        "false",
        "Also send each ping as a direct message to the agent it mentions (true/false).",
        values.boolean,
    ),
    Spec(
        "SERENO_DISCORD_LEAD",
        "discord_lead",
        "",
        "Who overdue pings escalate to on Discord: a user id, or role:ID for a role.",
        values.lead,
    ),
    Spec(
        "DISCORD_GUILD_ID",
        "discord_guild_id",
        "",
        "Optional: sync /complaint to this one server only (instant; for development).",
        values.optional_id,
    ),
    Spec(
        "DISCORD_API_URL",
        "discord_api_url",
        "https://discord.com/api/v10",
        "Discord REST base URL (for proxies and tests).",
        values.url,
    ),
    Spec(
        "DISCORD_GATEWAY_URL",
        "discord_gateway_url",
        "wss://gateway.discord.gg/",
        "Discord gateway URL (for proxies and tests).",
        values.url,
    ),
    Spec(
        "SERENO_DISCORD_READY_TIMEOUT",
        "discord_ready_timeout",
        "2s",
        "How long to wait for servers to arrive before Sereno is ready on Discord.",
        parse_duration,
    ),
)
