"""Who is who in Slack: display names and whether someone is an agent."""

from __future__ import annotations

import logging
import time

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.model import Actor

log = logging.getLogger(__name__)
PLATFORM = "slack"
GROUP_TTL_SECONDS = 300.0
LOOKUP_TIMEOUT_SECONDS = 5
#: What a failed lookup can raise; the complaint goes on with the id as the name.
LOOKUP_ERRORS = (SlackApiError, aiohttp.ClientError, TimeoutError, OSError, ValueError)


def lookup_client(client: AsyncWebClient) -> AsyncWebClient:
    """A client for names and groups: short timeout, one retry on connection errors and 5xx.

    Separate from the client that posts, whose retries the outbox decides itself.
    """
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=LOOKUP_TIMEOUT_SECONDS,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def _error(exc: Exception) -> str:
    """Slack's error code, or what went wrong on the way (a proxy's page, a timeout)."""
    if isinstance(exc, SlackApiError):
        data = exc.response.data
        if isinstance(data, dict):
            return str(data.get("error"))
        return f"HTTP {exc.response.status_code}, not JSON"
    return f"{type(exc).__name__}: {exc}"


class SlackPeople:
    """Caches users.info names and the agent group's members (refreshed every 5 min)."""

    def __init__(self, client: AsyncWebClient, agents: tuple[str, ...], group: str | None) -> None:
        self.client = lookup_client(client)
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
            except LOOKUP_ERRORS as exc:  # never block a complaint; ask again next time
                log.warning("users.info %s failed (%s); using the id", user_id, _error(exc))
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
            except LOOKUP_ERRORS as exc:
                log.error("usergroups.users.list %s failed: %s", self.group, _error(exc))
        return self._group_members

    async def actor(self, user_id: str) -> Actor:
        """The Actor for a Slack user."""
        return Actor(PLATFORM, user_id, await self.name(user_id), await self.is_agent(user_id))
