"""The Slack adapter: bolt listeners, Block Kit rendering, the Slack messenger."""
