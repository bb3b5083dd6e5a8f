"""Who can read a Slack complaints channel: the team only, or customers too.

A channel is one customers can read when Slack says it is shared with another
organisation or workspace (`conversations.info`: `is_ext_shared`, `is_shared`,
`is_pending_ext_shared`), when guests are among its members (`conversations.members`,
then users.info's `is_restricted` / `is_ultra_restricted`, through `SlackPeople`'s
cache) or people Slack does not know (another organisation's), and when it is listed
in SERENO_SLACK_CUSTOMER_CHANNELS. SERENO_SLACK_INTERNAL_CHANNELS makes a channel
internal whatever Slack says. Errs on the safe side: a channel Slack will not describe
(`channel_not_found`, `not_in_channel`, a missing scope) is one customers can read.

Verdicts are kept for CACHE_SECONDS per channel and dropped when someone joins it
(`forget`). When Slack cannot be asked (network, 5xx, rate limit), the last verdict is
used if there is one (a join drops it, so it is still true), and otherwise the verdict
is unknown: `TransientError`, so the inbox tries the complaint again later and no case
is opened, nor any guidance posted, on a guess.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.core.base.outbox import TransientError
from bot.core.cases.audience import Audience, Judgement
from handlers.slack.errors import error_code, http_status
from handlers.slack.people import LOOKUP_ERRORS, SlackPeople

log = logging.getLogger(__name__)
CUSTOMER_SETTING = "SERENO_SLACK_CUSTOMER_CHANNELS"
TRIAGE_SETTING = "SERENO_SLACK_TRIAGE_CHANNEL"
INTERNAL_SETTING = "SERENO_SLACK_INTERNAL_CHANNELS"
CACHE_SECONDS = 600.0
#: A verdict older than CACHE_SECONDS still stands while Slack cannot be asked, this long.
STALE_SECONDS = 24 * 3600.0
MEMBERS_PAGE = 200  # Slack recommends at most 200 a page (and allows fewer than 1,000)
#: Slack's codes for "try again later"; any other refusal is an answer: customers.
TRANSIENT_CODES = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
SHARED_FLAGS = (
    ("is_ext_shared", "shared with another organisation (is_ext_shared)"),
    ("is_pending_ext_shared", "being shared with another organisation (is_pending_ext_shared)"),
    ("is_shared", "shared with another workspace or organisation (is_shared)"),
)
TEAM_ONLY = "not shared, no guests"


class Unknown(TransientError):
    """Slack could not be asked who reads a channel: try the event again later."""


@dataclass(frozen=True)
class _Kept:
    judged: Judgement
    at: float


def team(why: str) -> Judgement:
    """Only the team reads the channel."""
    return Judgement(Audience.TEAM, why, CUSTOMER_SETTING)


def customers(why: str) -> Judgement:
    """Customers can read the channel."""
    return Judgement(Audience.CUSTOMERS, why, INTERNAL_SETTING, TRIAGE_SETTING)


class SlackVisibility:
    """Judges complaints channels from what Slack says, per channel, cached.

    `me`: Sereno's own user id once known (auth.test), left out of the member check."""

    def __init__(
        self,
        people: SlackPeople,
        customer_channels: frozenset[str] = frozenset(),
        internal_channels: frozenset[str] = frozenset(),
        me: Callable[[], str | None] = lambda: None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.people = people
        self.client = people.client  # short timeout, one retry: a lookup, not a post
        self.customer_channels = customer_channels
        self.internal_channels = internal_channels
        self._me = me
        self._monotonic = monotonic
        self._kept: dict[str, _Kept] = {}

    async def judge(self, channel: str) -> Judgement:
        """Who reads `channel`; raises `Unknown` when Slack cannot say now."""
        if channel in self.internal_channels:
            return team(f"listed in {INTERNAL_SETTING}")
        if channel in self.customer_channels:
            return customers(f"listed in {CUSTOMER_SETTING}")
        kept, now = self._kept.get(channel), self._monotonic()
        if kept is not None and now - kept.at < CACHE_SECONDS:
            return kept.judged
        try:
            judged = await self._ask(channel)
        except Unknown as exc:
            if kept is None or now - kept.at >= STALE_SECONDS:
                raise
            log.warning(
                "Slack: %s: %s; keeping the last verdict (%s)", channel, exc, kept.judged.why
            )
            return kept.judged
        self._kept[channel] = _Kept(judged, self._monotonic())
        return judged

    def forget(self, channel: str) -> None:
        """Someone joined `channel`: judge it again at once, not from the cache."""
        self._kept.pop(channel, None)

    async def _ask(self, channel: str) -> Judgement:
        info = await self._call(
            "conversations.info", self.client.conversations_info(channel=channel)
        )
        if isinstance(info, Judgement):
            return info
        about = info.get("channel") or {}
        for flag, why in SHARED_FLAGS:
            if about.get(flag):
                return customers(why)
        return await self._members_verdict(channel)

    async def _members_verdict(self, channel: str) -> Judgement:
        me, cursor = self._me(), None
        while True:
            page = await self._call(
                "conversations.members",
                self.client.conversations_members(
                    channel=channel, limit=MEMBERS_PAGE, cursor=cursor
                ),
            )
            if isinstance(page, Judgement):
                return page
            for user in page.get("members") or ():
                if user == me:
                    continue
                found = await self._outsider(channel, str(user))
                if found is not None:
                    return found
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return team(TEAM_ONLY)

    async def _outsider(self, channel: str, user: str) -> Judgement | None:
        """A verdict if this member lets customers in (a guest, a stranger), else None."""
        member = await self.people._member(user)  # cached users.info, shared with names
        if member is None:
            raise Unknown(f"users.info {user} failed; cannot tell who reads {channel}")
        if member.guest:
            return customers("guests are members")
        if member.stranger:
            return customers("people of another organisation are members")
        return None

    async def _call(
        self, method: str, request: Awaitable[AsyncSlackResponse]
    ) -> dict[str, Any] | Judgement:
        """Slack's answer; a Judgement when Slack refuses to describe the channel."""
        try:
            response = await request
        except SlackApiError as exc:  # its response may be a proxy's page: read it safely
            code, status = error_code(exc), http_status(exc)
            if not code or code in TRANSIENT_CODES or status >= 500 or status == 429:
                raise Unknown(f"{method} failed ({code or f'HTTP {status}'})") from None
            return customers(f"Slack will not describe it ({method}: {code})")
        except LOOKUP_ERRORS as exc:
            raise Unknown(f"{method} failed ({type(exc).__name__}: {exc})") from None
        return dict(response.data) if isinstance(response.data, dict) else {}
