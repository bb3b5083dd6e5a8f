"""Delivering outbox rows to Slack, paced per channel, errors mapped for the drainer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.base.cards import Card, CardKind
from bot.core.base.outbox import Fatal, OutboxItem, PermanentError, RateLimited, TransientError
from bot.core.cases.audience import Audience, Judgement
from bot.core.delivery.refusals import DIRECT
from handlers.slack.errors import error_code, http_status
from handlers.slack.render import message

log = logging.getLogger(__name__)
PLATFORM = "slack"


class SlackMessenger:
    """Posts new messages in the case's thread and edits headers in place."""

    platform = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        post_interval: float = 1.0,
        mentions: Callable[[Card], str] = lambda card: "",
        ping_dm: bool = False,
        judge: Callable[[str], Awaitable[Judgement]] | None = None,
    ) -> None:
        self.client = client
        self.post_interval = post_interval
        self.mentions = mentions
        self.ping_dm = ping_dm
        self.judge = judge
        self._last_post: dict[str, float] = {}

    async def _refuse_if_customers_read(self, channel: str) -> None:
        """Judged again before each post or edit (cached for minutes, dropped when someone
        joins): a channel shared or joined by a guest since the case opened gets nothing
        more — a refusal, recorded on the case and told to the lead."""
        assert self.judge is not None
        judged = await self.judge(channel)  # Unknown (a TransientError): tried again later
        if judged.audience is Audience.TEAM:
            return
        raise PermanentError(
            f"customers can read channel {channel} ({judged.why}): Sereno posts no guidance "
            f"there; if customers never read it, list it in {judged.setting}"
        )

    async def _pace(self, channel: str) -> None:
        # Slack allows about one message per second per channel: wait our turn
        # instead of collecting 429s.
        wait = self._last_post.get(channel, 0.0) + self.post_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_post[channel] = time.monotonic()

    async def send(self, item: OutboxItem) -> str:
        """Post or update; return the message ts."""
        mentions = self.mentions(item.card)
        if item.channel_id.startswith(DIRECT):  # chat.postMessage to a user id: the app's DM
            item = replace(item, channel_id=item.channel_id[len(DIRECT) :], thread_id=None)
        elif self.judge is not None and item.card.kind is not CardKind.REPLY:
            # an agent's reply is the one message meant for the customer's channel
            await self._refuse_if_customers_read(item.channel_id)
        try:
            link = await self._permalink(item.card)
            text, body = message(item.card, mentions, link)
            if item.edit_of is not None and item.edit_target:
                # as chat_update sends it, without its pass over the arguments
                update = {"channel": item.channel_id, "ts": item.edit_target, "text": text}
                await self.client.api_call("chat.update", json=update | {"blocks": body})
                return item.edit_target
            await self._pace(item.channel_id)
            if item.card.attachment is not None:
                return await self._upload(item, text)
            # as chat_postMessage sends it (its keys in its order, no None), without its pass
            # over the arguments (~20 us a post)
            post: dict[str, object] = {"channel": item.channel_id, "text": text, "blocks": body}
            if item.thread_id is not None:
                post["thread_ts"] = item.thread_id
            post["unfurl_links"] = post["unfurl_media"] = False
            response = await self.client.api_call("chat.postMessage", json=post)
            if self.ping_dm and item.card.kind is CardKind.PING:
                await self._direct(item, text)
            return str(response["ts"])
        except SlackApiError as exc:
            raise _classify(exc) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise TransientError(f"network: {exc}") from exc

    async def _permalink(self, card: Card) -> str | None:
        """The link an opener's footer becomes (chat.getPermalink); None when Slack has
        none for it (the message is gone): the opener goes without."""
        if card.kind is not CardKind.OPENER or card.source is None:
            return None
        channel, ts = card.source
        try:
            response = await self.client.chat_getPermalink(channel=channel, message_ts=ts)
        except SlackApiError as exc:
            mapped = _classify(exc)
            if not isinstance(mapped, PermanentError):
                raise mapped from exc
            log.warning("Slack: no link to %s %s (%s)", channel, ts, error_code(exc))
            return None
        link = response.get("permalink")
        return str(link) if link else None

    async def _upload(self, item: OutboxItem, text: str) -> str:
        """A file (case report, chart) goes up with files_upload_v2, in the thread."""
        attachment = item.card.attachment
        assert attachment is not None
        response = await self.client.files_upload_v2(
            channel=item.channel_id,
            thread_ts=item.thread_id,
            filename=attachment.name,
            title=attachment.name,
            content=attachment.data,
            initial_comment=text,
        )
        files = response.get("files") or [response.get("file") or {}]
        return str(files[0].get("id", f"file-{item.id}"))

    async def _direct(self, item: OutboxItem, text: str) -> None:
        """Best effort: the ping also goes to each mentioned agent as a DM."""
        for mention in item.card.mentions:
            if not mention.startswith("user:"):
                continue
            try:
                await self.client.chat_postMessage(channel=mention[5:], text=text)
            except SlackApiError as exc:
                log.warning("DM to %s failed: %s", mention[5:], error_code(exc) or http_status(exc))


#: Slack's `error` codes (HTTP 200, ok: false) that mean "try again later".
TRANSIENT = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_not_ready"}
)
#: Codes that mean the token itself is refused: nothing will ever go through.
FATAL = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)


def _classify(exc: SlackApiError) -> Exception:
    """Map Slack's answer onto the outbox's errors, by Slack's own codes first."""
    status = http_status(exc)
    code = error_code(exc)
    if status == 429 or code in {"ratelimited", "rate_limited"}:
        headers = exc.response.headers or {}
        try:
            retry_after = float(headers.get("Retry-After", "1") or 1)
        except ValueError:
            retry_after = 1.0
        return RateLimited(retry_after)
    if code in FATAL:
        return Fatal(f"SLACK_BOT_TOKEN: Slack answered {code}")
    if status >= 500 or not code or code in TRANSIENT:
        return TransientError(f"slack {status} {code or 'no JSON body'}")
    return PermanentError(code)
