"""What catch-up after downtime shares on every platform: its bounds and the store it needs.

Catch-up reads what a complaint channel (and its open case threads) received since the
newest message Sereno saw there, and feeds each message into the inbox exactly as the
live path would have, under the live path's de-duplication key. It decides nothing about
cases: the inbox worker does that, as for a live event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.core.case import Case
from bot.core.model import Status
from bot.core.store_port import CaseQuery

#: Nothing older than this is fed, however long Sereno was away.
MAX_AGE = timedelta(days=7)
#: At most this many top-level messages per complaint channel and run, and as many
#: replies across its case threads (a flood is bounded; the log says when it was hit).
MAX_MESSAGES = 1000
#: Case threads read per complaint channel and run: the most recently updated open cases.
MAX_THREADS = 50
#: Open cases looked at when choosing those threads.
_OPEN_CASES_SCANNED = 1000
_OPEN = frozenset({Status.NEW, Status.IN_PROGRESS})


class CatchUpStore(Protocol):
    """The part of the store catch-up uses (SqliteStore implements all of it)."""

    def inbox_add(
        self,
        platform: str,
        key: str,
        lane: str,
        kind: str,
        payload: dict[str, Any],
        at: datetime,
        author_id: str | None = None,
    ) -> int | None: ...

    def cursor(self, platform: str, channel_id: str) -> str | None: ...

    def advance_cursor(
        self, platform: str, channel_id: str, message_id: str, at: datetime
    ) -> None: ...

    def list_cases(self, query: CaseQuery) -> list[Case]: ...


def cursors(store: CatchUpStore, platform: str, channels: Iterable[str]) -> dict[str, str | None]:
    """The channels' cursors now: a snapshot to pass as `since=` to a later catch-up.

    The live path moves a channel's cursor with every new message, so take the
    snapshot before a new connection keeps its first event, or the gap it closes is lost.
    """
    return {channel: store.cursor(platform, channel) for channel in channels}


def starting_point(
    store: CatchUpStore,
    platform: str,
    channel: str,
    since: Mapping[str, str | None] | None,
) -> str | None:
    """Where a channel's catch-up starts: the snapshot if one was given, else its cursor."""
    if since is not None and channel in since:
        return since[channel]
    return store.cursor(platform, channel)


def open_case_threads(store: CatchUpStore, platform: str, channel: str) -> list[str]:
    """Thread ids of the channel's open cases, most recently updated first, bounded."""
    found = store.list_cases(
        CaseQuery(statuses=_OPEN, channel_id=channel, platform=platform, limit=_OPEN_CASES_SCANNED)
    )
    found.sort(key=lambda case: case.updated_at, reverse=True)
    threads: list[str] = []
    for case in found:
        if case.thread_id and case.thread_id not in threads:
            threads.append(case.thread_id)
        if len(threads) >= MAX_THREADS:
            break
    return threads
