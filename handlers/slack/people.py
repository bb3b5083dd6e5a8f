"""Who is who in Slack: display names, who is an agent, and who is the lead.

Agents are the people the settings name (SERENO_SLACK_AGENTS, SERENO_SLACK_AGENT_GROUP)
or, with `SERENO_SLACK_AGENTS=*`, every full member of Sereno's own workspace (guests
and bots are not). People of another organisation (Slack Connect) are never agents,
even when named: users.info tells their team (`team_id`, `is_stranger`), and someone
it cannot find (`user_not_found`, as for many Slack Connect users) is not one either;
that answer is kept for a few minutes (NOT_FOUND_TTL_SECONDS) and logged once per user,
so a busy shared channel does not cost a lookup and a warning per event.

A lookup that fails on the way (5xx, a proxy's page, a timeout) never blocks a
complaint: the name falls back to the id and is filled in later, and someone the
settings name stays an agent (the configuration is explicit) unless Slack said they
are external. With `*`, an unverified person is not an agent until Slack answers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.base.model import Actor
from bot.settings import EVERYONE
from handlers.slack.errors import error_code, http_status
from handlers.slack.pooled import PooledWebClient

log = logging.getLogger(__name__)
PLATFORM = "slack"
GROUP_TTL_SECONDS = 300.0
#: How long `user_not_found` is believed before users.info is asked again.
NOT_FOUND_TTL_SECONDS = 300.0
LOOKUP_TIMEOUT_SECONDS = 5
#: Lookups `warm` starts ahead of their events at most at once: a burst's first authors
#: are looked up while the rest of it is being kept, the others when their event is worked.
WARM_AT_ONCE = 4
#: What a failed lookup can raise; the complaint goes on with the id as the name.
LOOKUP_ERRORS = (SlackApiError, aiohttp.ClientError, TimeoutError, OSError, ValueError)


def lookup_client(client: AsyncWebClient) -> PooledWebClient:
    """A client for names and groups: short timeout, one retry on connection errors and 5xx.

    Separate from the client that posts, whose retries the outbox decides itself; its
    connections are kept open between lookups (`handlers.slack.pooled`).
    """
    return PooledWebClient(
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
        # slack_sdk raises with its SlackResponse, or with the raw HTTP response when the
        # body claimed to be JSON and was not (a proxy's page): read neither blindly
        code = error_code(exc)
        return code if code else f"HTTP {http_status(exc)}, not JSON"
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Member:
    """What users.info says about someone, as far as Sereno cares."""

    name: str
    team_id: str = ""
    enterprise_id: str = ""
    stranger: bool = False  # of another organisation, met in a shared channel
    guest: bool = False  # a multi- or single-channel guest
    bot: bool = False


#: Slack does not know them (`user_not_found`): most likely another organisation's.
NOT_FOUND = Member("", stranger=True)


def member_from(user: dict[str, Any], user_id: str) -> Member:
    """A Member from users.info's `user` object."""
    profile = user.get("profile") or {}
    return Member(
        name=profile.get("display_name") or user.get("real_name") or user.get("name") or user_id,
        team_id=str(user.get("team_id") or ""),
        enterprise_id=str((user.get("enterprise_user") or {}).get("enterprise_id") or ""),
        stranger=bool(user.get("is_stranger")),
        guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
        bot=bool(user.get("is_bot")),
    )


def same_org(home: tuple[str, str], team_id: str, enterprise_id: str = "") -> bool | None:
    """Whether a team (and enterprise) is Sereno's own organisation; None: cannot tell."""
    home_team, home_enterprise = home
    if team_id == home_team:
        return True
    if home_enterprise and enterprise_id:
        return enterprise_id == home_enterprise
    if home_enterprise:
        return None  # another workspace of the same Enterprise Grid, or not
    return False


class SlackPeople:
    """Caches users.info answers (`user_not_found` for 5 min), Sereno's own team
    (auth.test) and groups' members (refreshed every 5 min). `team`, where a caller
    passes it, is the event's `user_team`: the person's own team, known without a
    lookup. `monotonic`: the clock of those minutes (tests pass their own)."""

    def __init__(
        self,
        client: AsyncWebClient,
        agents: tuple[str, ...],
        group: str | None,
        lead: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = lookup_client(client)
        self._monotonic = monotonic
        self.everyone = EVERYONE in agents
        self.agents = frozenset(a for a in agents if a != EVERYONE)
        self.group = group
        self.lead = lead
        self._members: dict[str, Member] = {}
        self._home: tuple[str, str] | None = None
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}
        self._not_found: dict[str, float] = {}  # user id -> when Slack said user_not_found
        self._told_not_found: set[str] = set()  # logged once per user
        self._lookups: dict[str, asyncio.Task[Member | None]] = {}  # started by `warm`

    def warm(self, user_id: str) -> None:
        """Start looking someone up now, as their message is kept: while it waits in the
        inbox and is worked, the answer comes (the listener awaits this lookup, never a
        second one). Outside a running loop, or with WARM_AT_ONCE under way, nothing."""
        if (
            not user_id
            or user_id in self._members
            or user_id in self._lookups
            or len(self._lookups) >= WARM_AT_ONCE
            or self._believed_not_found(user_id)
        ):
            return
        try:
            task = asyncio.get_running_loop().create_task(self._ask(user_id))
        except RuntimeError:
            return
        self._lookups[user_id] = task
        task.add_done_callback(lambda _: self._lookups.pop(user_id, None))

    async def name(self, user_id: str) -> str:
        """A user's display name (their id if Slack will not say)."""
        member = await self._member(user_id)
        return member.name if member is not None and member.name else user_id

    async def is_agent(self, user_id: str, team: str | None = None) -> bool:
        """An agent: named by the settings, or with `*` a full member of the own workspace;
        never someone of another organisation."""
        return await self._verdict(user_id, team, everyone=self.everyone)

    async def is_named_agent(self, user_id: str, team: str | None = None) -> bool:
        """An agent by the settings' list or group (never by `*`), of the own organisation."""
        return await self._verdict(user_id, team, everyone=False)

    async def is_lead(self, user_id: str) -> bool:
        """SERENO_SLACK_LEAD: that user, or a member of that user group."""
        if not self.lead:
            return False
        if self.lead.startswith("S"):
            return user_id in await self._group_members(self.lead)
        return user_id == self.lead

    async def actor(self, user_id: str, team: str | None = None) -> Actor:
        """The Actor for a Slack user."""
        name = await self.name(user_id)
        agent = await self.is_agent(user_id, team)
        return Actor(PLATFORM, user_id, name, agent, is_lead=agent and await self.is_lead(user_id))

    async def _verdict(self, user_id: str, team: str | None, everyone: bool) -> bool:
        named = user_id in self.agents or (
            bool(self.group) and user_id in await self._group_members(self.group or "")
        )
        if not named and not everyone:
            return False
        member = await self._member(user_id)
        outsider = await self._outsider(member, team)
        if named:
            return outsider is not True  # a failed lookup keeps whom the settings name
        return outsider is False and member is not None and not (member.guest or member.bot)

    async def _outsider(self, member: Member | None, team: str | None) -> bool | None:
        """True: of another organisation; False: of Sereno's own; None: cannot tell now."""
        if member is not None and member.stranger:
            return True
        home = await self._home_team()
        if home is None:
            return None
        if team and same_org(home, team) is False:
            return True
        if member is None:
            return None
        same = same_org(home, member.team_id, member.enterprise_id)
        return None if same is None else not same

    async def _member(self, user_id: str) -> Member | None:
        """users.info, cached once known; NOT_FOUND when Slack has no such user for us
        (believed for NOT_FOUND_TTL_SECONDS, then asked again), None when the lookup
        failed on the way (asked again next time)."""
        if user_id in self._members:
            return self._members[user_id]
        if self._believed_not_found(user_id):
            return NOT_FOUND
        started = self._lookups.get(user_id)
        if started is not None:  # by `warm`: its answer is this event's
            return await asyncio.shield(started)
        return await self._ask(user_id)

    def _believed_not_found(self, user_id: str) -> bool:
        said = self._not_found.get(user_id)
        return said is not None and self._monotonic() - said < NOT_FOUND_TTL_SECONDS

    async def _ask(self, user_id: str) -> Member | None:
        """users.info itself (see `_member`)."""
        try:
            response = await self.client.users_info(user=user_id)
        except LOOKUP_ERRORS as exc:  # never block a complaint; ask again next time
            error = _error(exc)
            if error == "user_not_found":
                return self._unknown(user_id)
            log.warning("users.info %s failed (%s); using the id", user_id, error)
            return NOT_FOUND if user_id in self._not_found else None  # Slack's last word
        self._not_found.pop(user_id, None)
        member = member_from(response.get("user") or {}, user_id)
        self._members[user_id] = member
        return member

    def _unknown(self, user_id: str) -> Member:
        """Slack said `user_not_found`: believe it a while, and say so once per user."""
        self._not_found[user_id] = self._monotonic()
        if user_id not in self._told_not_found:
            self._told_not_found.add(user_id)
            log.warning(
                "users.info %s: user_not_found (most likely another organisation's, via "
                "Slack Connect); named by the id, never an agent; asked again every %d min",
                user_id,
                NOT_FOUND_TTL_SECONDS // 60,
            )
        return NOT_FOUND

    async def _home_team(self) -> tuple[str, str] | None:
        """Sereno's own (team id, enterprise id), from auth.test once it answers."""
        if self._home is None:
            try:
                response = await self.client.auth_test()
            except LOOKUP_ERRORS as exc:
                log.warning("auth.test failed (%s); asked again at the next event", _error(exc))
                return None
            team = str(response.get("team_id") or "")
            self._home = (team, str(response.get("enterprise_id") or ""))
        return self._home

    async def _group_members(self, group: str) -> frozenset[str]:
        loaded_at, members = self._groups.get(group, (float("-inf"), frozenset()))
        if self._monotonic() - loaded_at > GROUP_TTL_SECONDS:
            try:
                response = await self.client.usergroups_users_list(usergroup=group)
                members = frozenset(response.get("users") or ())
                self._groups[group] = (self._monotonic(), members)
            except LOOKUP_ERRORS as exc:
                log.error("usergroups.users.list %s failed: %s", group, _error(exc))
        return members
