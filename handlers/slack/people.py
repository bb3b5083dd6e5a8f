"""Who is who in Slack: display names and whether someone is an agent."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.model import Actor

log = logging.getLogger(__name__)
PLATFORM = "slack"
GROUP_TTL_SECONDS = 300.0


class SlackPeople:
    """Caches users.info names and the agent group's members (refreshed every 5 min)."""

    def __init__(self, client: AsyncWebClient, agents: tuple[str, ...], group: str | None) -> None:
        self.client = client
        self.agents = frozenset(agents)
        self.group = group
        self._names: dict[str, str] = {}
        self._group_members: frozenset[str] = frozenset()
        self._group_loaded_at = float("-inf")

    async def name(self, user_id: str) -> str:
        """A user's display name (their id if Slack will not say)."""
        if user_id not in self._names:
            try:
                response = await self.client.users_info(user=user_id)
                user = response.get("user") or {}
                profile = user.get("profile") or {}
                self._names[user_id] = (
                    profile.get("display_name")
                    or user.get("real_name")
                    or user.get("name")
                    or user_id
                )
            except SlackApiError as exc:
                log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
                return user_id
        return self._names[user_id]

    async def is_agent(self, user_id: str) -> bool:
        """An agent per the settings; with none set, any member (the core still refuses the
        case's own customer)."""
        if not self.agents and not self.group:
            return True
        if user_id in self.agents:
            return True
        return user_id in await self._group()

    async def is_named_agent(self, user_id: str) -> bool:
        """An agent by the settings' list or group (never by the 'anyone' default)."""
        return user_id in self.agents or (bool(self.group) and user_id in await self._group())

    async def _group(self) -> frozenset[str]:
        if self.group and time.monotonic() - self._group_loaded_at > GROUP_TTL_SECONDS:
            try:
                response = await self.client.usergroups_users_list(usergroup=self.group)
                self._group_members = frozenset(response.get("users") or ())
                self._group_loaded_at = time.monotonic()
            except SlackApiError as exc:
                log.error(
                    "usergroups.users.list %s failed: %s", self.group, exc.response.get("error")
                )
        return self._group_members

    async def actor(self, user_id: str) -> Actor:
        """The Actor for a Slack user."""
        return Actor(PLATFORM, user_id, await self.name(user_id), await self.is_agent(user_id))
