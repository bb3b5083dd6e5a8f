"""What a person sees and does in the team chat, the same way on every platform.

A `Chat` drives one fake platform as its members would (a customer complains, an agent
reacts or runs ``/complaint``) and reads back what Sereno posted there, as `Post`s in
the case's thread. Each platform's driver (`slack_chat`, `discord_chat`) fills in the few
platform-specific parts; the tests are written once against this class.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.acceptance.served import Served, until

COMPLAINT = "My order 5521 arrived broken and nobody answers my emails. I want a refund."
GUIDANCE_WITHIN = 15.0  # a complaint's header, first step and suggestion (first one loads models)
ANSWER_WITHIN = 10.0
FIRST_RESPONSE = 3.0  # SERENO_FIRST_RESPONSE of every served process here
FOLLOWUP_AFTER = 1.0  # SERENO_FOLLOWUP_AFTER
PING_LATE_AT_MOST = 2.0  # issue 9, item 2: a ping is out at most 2 s after it falls due


def timing_settings() -> dict[str, str]:
    """The clocks every served process in these tests runs with."""
    return {
        "SERENO_FIRST_RESPONSE": f"{FIRST_RESPONSE:g}s",
        "SERENO_FOLLOWUP_AFTER": f"{FOLLOWUP_AFTER:g}s",
        "SERENO_LOG_LEVEL": "INFO",
    }


#: The driver's one customer complains in every scenario of a long-lived process: no flood
#: limit between scenarios (tests/acceptance/test_agents.py tests the limit).
NO_FLOOD_LIMIT = {"SERENO_FLOOD_CASES_PER_MINUTE": "1000"}


@dataclass(frozen=True)
class Post:
    """One message Sereno posted, as the fake platform received it."""

    id: str  # the platform's message id (Slack ts, Discord snowflake)
    title: str  # what reads first: Slack's text, a Discord embed's title
    text: str  # everything readable in it
    at: float  # time.monotonic() in this process when the fake received it


@dataclass(frozen=True)
class Thread:
    """A complaint's thread: where it was posted, the thread's id and the case number."""

    room: str
    id: str
    case: int


class Chat(ABC):
    """One platform's fake, driven as people use it; `served` is the process answering."""

    name: str
    served: Served

    def __init__(self, rooms: list[str]) -> None:
        self.rooms = rooms
        self._unused = list(rooms)

    # -- platform parts ---------------------------------------------------------------------

    @abstractmethod
    def settings(self) -> dict[str, str]:
        """The environment variables that point Sereno at this fake."""

    @abstractmethod
    def connections(self) -> int:
        """How many times Sereno has connected so far (for telling a restart has happened)."""

    @abstractmethod
    async def wait_ready(self, connections_before: int) -> None:
        """Wait until the process started after `connections_before` serves this platform."""

    @abstractmethod
    async def post_complaint(self, room: str, text: str) -> str:
        """A customer posts `text` in `room`; the id of the thread Sereno answers in."""

    @abstractmethod
    def posts(self, thread_id: str) -> list[Post]:
        """What Sereno posted in a thread, oldest first (accepted by the platform)."""

    @abstractmethod
    def edits(self, thread: Thread, post: Post) -> list[str]:
        """The texts a post was edited to, oldest first."""

    @abstractmethod
    async def react_done(self, thread: Thread, post: Post) -> None:
        """An agent reacts ✅ to a post."""

    @abstractmethod
    async def command(self, room: str, sub: str, case: int | None = None, *words: str) -> str:
        """An agent runs ``/complaint sub [#case] words…`` in `room`; the answer they see."""

    @abstractmethod
    async def uploaded(self, thread: Thread, filename: str) -> bytes:
        """Wait for a file named `filename` posted in the thread; its bytes."""

    # -- lifecycle --------------------------------------------------------------------------

    def attach(self, served: Served) -> None:
        self.served = served

    async def start(self) -> None:
        """Start the process and wait until it serves this platform."""
        before = self.connections()
        await self.served.start()
        await self.wait_ready(before)

    async def ensure_running(self) -> None:
        """Start the process again if an earlier test left it stopped."""
        if not self.served.running:
            await self.start()

    def new_room(self) -> str:
        """A complaint channel no other scenario has used."""
        assert self._unused, f"{self.name}: every configured complaint channel is used"
        return self._unused.pop(0)

    # -- what people do and see ---------------------------------------------------------------

    async def complain(self, text: str = COMPLAINT, room: str | None = None) -> Thread:
        """A customer complains in a fresh room; wait for Sereno's three first posts."""
        room = room or self.new_room()
        thread_id = await self.post_complaint(room, text)
        posts = await self.wait_posts(thread_id, count=3, timeout=GUIDANCE_WITHIN)
        found = re.match(r"Case #(\d+) · ", posts[0].title)
        assert found, f"the first post is not a case header: {posts[0].title!r}"
        return Thread(room, thread_id, int(found[1]))

    async def wait_posts(
        self,
        thread_id: str,
        where: Callable[[Post], bool] = lambda _: True,
        *,
        count: int = 1,
        timeout: float = ANSWER_WITHIN,
    ) -> list[Post]:
        """Wait until at least `count` posts in the thread match `where`; all that match."""

        def found() -> list[Post] | None:
            hits = [p for p in self.posts(thread_id) if where(p)]
            return hits if len(hits) >= count else None

        return await until(
            found,
            timeout=timeout,
            what=lambda: f"{count} matching post(s) in {thread_id}; saw {self.titles(thread_id)}",
            served=self.served,
        )

    def titles(self, thread_id: str) -> list[str]:
        """The titles of Sereno's posts in a thread, for failure messages."""
        return [p.title for p in self.posts(thread_id)]

    def matching(self, thread: Thread, needle: str) -> list[Post]:
        """Posts in the thread whose text contains `needle`."""
        return [p for p in self.posts(thread.id) if needle in p.text]


def first_response_ping(case: int) -> str:
    """What a first-response ping says, on every platform."""
    return f"⏰ First response due · #{case}"


def followup_ping(case: int) -> str:
    """What a follow-up ping says, on every platform."""
    return f"⏰ Follow up with the customer · #{case}"


PLATFORMS = ("slack-http", "slack-socket", "discord")
SMOKE_PLATFORM = "slack-http"  # `make smoke`: one platform, the core verbs, one ping

every_platform = pytest.mark.parametrize("platform", PLATFORMS, indirect=True)
core_verb = pytest.mark.parametrize(
    "platform",
    [pytest.param(p, marks=pytest.mark.smoke) if p == SMOKE_PLATFORM else p for p in PLATFORMS],
    indirect=True,
)
