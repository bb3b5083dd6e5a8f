"""Delivering outbox rows to Discord: the case thread first, then embeds and buttons.

Guidance never goes where customers read: a complaints channel customers can read gets
rows only inside a case's private thread Sereno made there (`private`), a case with a
staff channel gets them in that channel (judged too, before each delivery), and only an
agent's approved reply (`CardKind.REPLY`) may go to the customer's own place."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.core.base.cards import CardKind
from bot.core.base.outbox import Fatal, OutboxItem, PermanentError, RateLimited, TransientError
from bot.core.base.store_port import CaseStore
from bot.core.cases.audience import Audience
from bot.core.delivery.refusals import DIRECT
from bot.settings import Settings
from handlers.discord import render
from handlers.discord.people import PLATFORM
from handlers.discord.private import PrivateThreads
from handlers.discord.visibility import judge

if TYPE_CHECKING:
    from handlers.discord.staff import StaffPlaces

log = logging.getLogger(__name__)

THREAD_EXISTS = 160004  # "A thread has already been created for this message"
OFFERED = {CardKind.STEP: ("✅", "⏩"), CardKind.PING: ("✅", "💤")}
PERMISSIONS = (
    "View Channel, Send Messages, Send Messages in Threads, Create Public Threads, "
    "Create Private Threads, Add Reactions, Read Message History, Embed Links and Attach Files"
)
JUMP = "https://discord.com/channels/{guild}/{channel}/{message}"


class DiscordMessenger:
    """The outbox's Messenger for Discord."""

    platform = PLATFORM

    def __init__(
        self,
        client: discord.Client | Callable[[], discord.Client],
        store: CaseStore,
        settings: Settings,
        places: StaffPlaces | None = None,
    ) -> None:
        # A callable gives the current connection (a new client after each reconnect).
        self._source = client if callable(client) else (lambda: client)
        self._places = places
        self._private = PrivateThreads(lambda: self._client, store, settings)
        self._store = store
        self._settings = settings
        self._mentions = (settings.discord_agent_role, settings.discord_lead)
        self._ping_dm = settings.discord_ping_dm
        self._threads: set[int] = set()  # threads known to exist

    @property
    def _client(self) -> discord.Client:
        return self._source()

    async def send(self, item: OutboxItem) -> str:
        """Post (or edit) one row; map Discord's failures onto the outbox's."""
        try:
            return await self._send(item)
        except discord.RateLimited as exc:  # longer than max_ratelimit_timeout
            raise RateLimited(exc.retry_after) from exc  # never global: discord.py waits those
        except discord.HTTPException as exc:
            raise _classify(exc) from exc
        except RuntimeError as exc:  # aiohttp: the client closed its session mid-send
            if "Session is closed" not in str(exc):
                raise
            raise TransientError("the Discord connection closed during the send") from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"network: {exc!r}") from exc

    async def _send(self, item: OutboxItem) -> str:
        if item.channel_id.startswith(DIRECT):
            return await self._notice_by_dm(item)
        await self._refuse_if_customers_read(item)
        kwargs = {
            "content": render.content(item.card, *self._mentions),
            "embed": self._embed(item),
            "allowed_mentions": render.allowed_mentions(item.card, *self._mentions),
        }
        if self._private.makes_thread(item):
            return await self._open_private(item, kwargs)
        where = await self._destination(item)
        private = self._private.thread_of(item)
        if private is not None:
            await self._private.add_members(private, item)
        target = item.edit_target or self._reposted(item)
        if item.edit_of is not None and target:
            await where.get_partial_message(int(target)).edit(**kwargs, view=render.view(item.card))
            return target
        attachment = item.card.attachment
        if attachment is not None:  # a case report or a chart
            kwargs["file"] = discord.File(io.BytesIO(attachment.data), filename=attachment.name)
        message = await where.send(**kwargs, view=render.view(item.card))
        await self._offer_reactions(message, OFFERED.get(item.card.kind, ()))
        if self._ping_dm and item.card.kind is CardKind.PING:
            await self._direct(item)
        return str(message.id)

    async def _refuse_if_customers_read(self, item: OutboxItem) -> None:
        """Judged again before each post or edit: a channel made public since the case
        opened gets nothing more (a refusal, told to the lead) unless the row goes into
        the case's private thread there; unknown: try again later. An agent's approved
        reply is for the customer: it goes where they read."""
        if item.card.kind is CardKind.REPLY:
            return
        channel = self._client.get_channel(int(item.channel_id))
        if self._places is not None and item.channel_id == self._settings.discord_staff_channel:
            self._places.check_staff_channel(self._client)  # customers read it: refused next
        judged = judge(channel or discord.Object(int(item.channel_id)), self._settings)
        if judged.audience is Audience.TEAM:
            return
        if channel is None:
            raise TransientError(f"channel {item.channel_id} is not known yet: {judged.why}")
        problem = await self._private.problem(item, channel)  # type: ignore[arg-type]
        if problem is None:
            return
        raise PermanentError(
            f"customers can read channel {item.channel_id} ({judged.why}; {problem}): Sereno "
            f"posts no guidance there; if customers never read it, list it in {judged.setting}"
        )

    async def _open_private(self, item: OutboxItem, kwargs: dict) -> str:
        """The opener of a private-thread case: make the thread, post the opener in it,
        and return the thread's id (the store keeps it as the case's staff thread)."""
        thread_id = await self._private.make(item, self._thread_name(item.case_id))
        self._threads.add(thread_id)
        where = self._client.get_partial_messageable(thread_id)
        await where.send(**kwargs, view=render.view(item.card))
        self._private.sent(item)
        return str(thread_id)

    def _embed(self, item: OutboxItem) -> discord.Embed:
        """The card's embed; an opener's title links to the complaint (a jump URL)."""
        shown = render.embed(item.card)
        if item.card.kind is not CardKind.OPENER or item.card.source is None:
            return shown
        channel_id, message_id = item.card.source
        found = self._client.get_channel(int(channel_id)) if channel_id.isdigit() else None
        guild = getattr(found, "guild", None) or self._settings.discord_guild_id
        if guild is None:
            return shown
        shown.url = JUMP.format(
            guild=getattr(guild, "id", guild), channel=channel_id, message=message_id
        )
        if item.card.footer:
            shown.description = (
                f"{shown.description or ''}\n[{item.card.footer}]({shown.url})".strip()
            )
        return shown

    async def _notice_by_dm(self, item: OutboxItem) -> str:
        """A notice for one person (the lead): a direct message, never a channel."""
        user_id = int(item.channel_id[len(DIRECT) :])
        user = self._client.get_user(user_id) or await self._client.fetch_user(user_id)
        message = await user.send(embed=render.embed(item.card))
        return str(message.id)

    async def _direct(self, item: OutboxItem) -> None:
        """Best effort: a ping also goes to each mentioned agent as a direct message."""
        for mention in item.card.mentions:
            if not mention.startswith("user:") or not mention[5:].isdigit():
                continue
            try:
                user = self._client.get_user(int(mention[5:])) or await self._client.fetch_user(
                    int(mention[5:])
                )
                await user.send(embed=render.embed(item.card))
            except discord.HTTPException as exc:
                log.warning("could not DM %s about case %s: %s", mention, item.case_id, exc)

    def _reposted(self, item: OutboxItem) -> str | None:
        """An edit whose original never got posted edits its own first re-post instead."""
        if item.edit_of is None or item.case_id is None:
            return None
        earlier = [
            i.platform_message_id
            for i in self._store.outbox_for_case(item.case_id)
            if i.edit_of == item.edit_of and i.id != item.id and i.platform_message_id
        ]
        return earlier[0] if earlier else None

    async def _destination(self, item: OutboxItem) -> discord.PartialMessageable:
        """The case's thread, created on the complaint message if it is not there yet."""
        thread_id = int(item.thread_id or item.channel_id)
        if item.edit_target or self._private.thread_of(item) is not None:
            self._threads.add(thread_id)  # already there: what is edited, a private thread
        if thread_id != int(item.channel_id) and thread_id not in self._threads:
            await self._ensure_thread(int(item.channel_id), thread_id, item.case_id)
            self._threads.add(thread_id)
        return self._client.get_partial_messageable(thread_id)

    async def _ensure_thread(self, channel_id: int, thread_id: int, case_id: int | None) -> None:
        if self._client.get_channel(thread_id) is not None:
            return
        if isinstance(self._client.get_channel(channel_id), discord.ForumChannel):
            return  # a forum post is its own thread
        try:
            await self._client.http.start_thread_with_message(
                channel_id,
                thread_id,
                name=self._thread_name(case_id, on_message=str(thread_id)),
                auto_archive_duration=1440,
            )
        except discord.HTTPException as exc:
            if exc.code != THREAD_EXISTS:
                raise

    def _thread_name(self, case_id: int | None, on_message: str | None = None) -> str:
        """The staff's name for a case thread, with its number and reason. A thread
        started `on_message` the complaint itself, of a case with a staff place, is the
        customer's: it holds only agents' replies, and is named by the complaint's words."""
        case = self._store.get_case(case_id) if case_id is not None else None
        if case is None:
            return "Sereno case"
        if case.staff_channel_id and on_message == case.message_id:
            # Customers read this thread (it holds only agents' replies): no case number,
            # no reading; named, as Discord names threads, by the message's first words.
            first = " ".join(case.text.split())
            return render.clip(first, 100) or "…"
        return render.clip(
            f"Case {case.ref} · {case.reading.reason.value} · {case.customer_name}", 100
        )

    async def _offer_reactions(self, message: discord.Message, offered: tuple[str, ...]) -> None:
        """Put ✅ and ⏩ (or 💤) under a step or ping: agents just click them (best effort)."""
        for emoji in offered:
            try:
                await message.add_reaction(emoji)
            except discord.HTTPException as exc:
                log.warning("could not add %s to message %s: %s", emoji, message.id, exc)
                return


def _classify(exc: discord.HTTPException) -> Exception:
    """By Discord's answer: a 429 discord.py gave up on, a 5xx, a revoked token, a refusal."""
    if exc.status == 429:
        retry = exc.response.headers.get("Retry-After", "1") if exc.response else "1"
        scope = "channel"
        if exc.response is not None and exc.response.headers.get("X-RateLimit-Global"):
            scope = "platform"
        try:
            return RateLimited(float(retry), scope)
        except ValueError:
            return RateLimited(1.0, scope)
    if exc.status == 401:
        return Fatal("DISCORD_BOT_TOKEN: Discord answered 401 Unauthorized (token revoked?)")
    if exc.status >= 500:
        return TransientError(f"{exc.status} {exc.text}")
    hint = f" (give Sereno {PERMISSIONS})" if exc.status == 403 else ""
    return PermanentError(f"{exc.status} {exc.code or ''} {exc.text or exc.status}{hint}".strip())
