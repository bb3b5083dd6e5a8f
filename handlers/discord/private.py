"""A case's private thread in its complaints channel (customers read the channel, and no
staff channel is set): made when the case's opener is delivered, members added, and
every later delivery checked to go into that thread only.

The core knows this place as a staff channel equal to the complaint's channel. The
opener's row is the one that makes the thread: it is posted inside, and the messenger
returns the **thread's id** for it (not the opener message's), so the store's
`mark_outbox_sent` records it as the case's `staff_thread_id` and routes every later row
of the case there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord

from bot.core.base.cards import CardKind
from bot.core.base.case import Case
from bot.core.base.outbox import OutboxItem
from bot.core.base.store_port import CaseStore
from bot.settings import Settings
from handlers.discord.visibility import private_thread_problem

log = logging.getLogger(__name__)

ARCHIVE_AFTER = 10080  # minutes: a week; sending a message unarchives it again
NOT_A_CASE = "it is not a case's private thread"


class PrivateThreads:
    """Makes and checks cases' private threads (one per process, used by the messenger)."""

    def __init__(
        self, client: Callable[[], discord.Client], store: CaseStore, settings: Settings
    ) -> None:
        self._client = client
        self._store = store
        self._settings = settings
        self._made: dict[int, int] = {}  # case id -> its private thread (made, opener unsent)
        self._members: set[tuple[int, int]] = set()  # (thread, user) added

    def case_of(self, item: OutboxItem) -> Case | None:
        """The case when the row belongs to a private-thread case of its channel."""
        case = self._store.get_case(item.case_id) if item.case_id is not None else None
        if case is None or case.staff_channel_id != case.channel_id:
            return None
        return case if item.channel_id == case.channel_id else None

    def thread_of(self, item: OutboxItem) -> int | None:
        """The private thread this row goes into, if it goes into its case's one."""
        case = self.case_of(item)
        if case is None or not case.staff_thread_id or item.thread_id != case.staff_thread_id:
            return None
        return int(case.staff_thread_id)

    def makes_thread(self, item: OutboxItem) -> bool:
        """The opener of a private-thread case, whose delivery makes the thread."""
        return (
            item.card.kind is CardKind.OPENER
            and item.thread_id is None
            and self.case_of(item) is not None
        )

    async def problem(self, item: OutboxItem, channel: discord.abc.GuildChannel) -> str | None:
        """Why this row may not go where it is headed in a channel customers read (None:
        into a private thread Sereno made, which only the team can read)."""
        if self.case_of(item) is None:
            return NOT_A_CASE
        problem = private_thread_problem(channel, self._settings.discord_agent_role)
        if problem is not None:
            return problem
        if item.thread_id is None:
            return None if self.makes_thread(item) else "its private thread was never made"
        client = self._client()
        thread = client.get_channel(int(item.thread_id))
        if thread is None:
            try:
                thread = await client.fetch_channel(int(item.thread_id))
            except discord.NotFound:
                return "its private thread is gone"
        me = client.user
        if (
            not isinstance(thread, discord.Thread)
            or thread.type is not discord.ChannelType.private_thread
            or thread.parent_id != channel.id
            or me is None
            or thread.owner_id != me.id
        ):
            return NOT_A_CASE
        return None

    async def make(self, item: OutboxItem, name: str) -> int:
        """The case's private thread (made once per case, even if its opener is retried)."""
        assert item.case_id is not None
        made = self._made.get(item.case_id)
        if made is None:
            data = await self._client().http.start_thread_without_message(
                int(item.channel_id),
                name=name,
                auto_archive_duration=ARCHIVE_AFTER,
                type=discord.ChannelType.private_thread.value,
                invitable=False,
            )
            made = self._made[item.case_id] = int(data["id"])
        await self.add_members(made, item)
        return made

    def sent(self, item: OutboxItem) -> None:
        """The opener is posted: the store knows the thread from now on."""
        if item.case_id is not None:
            self._made.pop(item.case_id, None)

    async def add_members(self, thread_id: int, item: OutboxItem) -> None:
        """The lead, the case's agent and anyone the card mentions (best effort): added
        to the private thread so they see it without Manage Threads."""
        wanted = {self._settings.discord_lead or ""}
        case = self._store.get_case(item.case_id) if item.case_id is not None else None
        if case is not None:
            wanted.add(case.assignee_id or "")
        wanted |= {m[5:] for m in item.card.mentions if m.startswith("user:")}
        for user in sorted(w for w in wanted if w.isdigit()):
            if (thread_id, int(user)) in self._members:
                continue
            try:
                await self._client().http.add_user_to_thread(thread_id, int(user))
            except discord.HTTPException as exc:
                log.warning("could not add %s to private thread %s: %s", user, thread_id, exc)
                continue
            self._members.add((thread_id, int(user)))
