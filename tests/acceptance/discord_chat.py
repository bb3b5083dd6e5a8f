"""Discord as its people use it, against FakeDiscord: a customer posts in a complaint
channel, an agent (with the Agents role) reacts and runs ``/complaint`` interactions."""

from __future__ import annotations

from typing import Any

from tests.acceptance.chat import ANSWER_WITHIN, NO_FLOOD_LIMIT, Chat, Post, Thread
from tests.acceptance.served import START_WITHIN, until
from tests.fakes.discord_api import FakeDiscord, RecordedRequest
from tests.fakes.discord_objects import text_channel

ROOMS = 30
RECORDS = frozenset({"remedy", "satisfied", "story", "export", "report", "stories"})
WORDS_OPTION = {
    "resolve": "summary",
    "export": "format",
    "list": "status",
    "note": "text",
    "done": "step",
    "flag": "flag",
}
DEFERRED = 5  # interaction callback type: "thinking…", the answer follows as a webhook


class DiscordChat(Chat):
    """One Discord guild (a FakeDiscord's world) with a set of complaint channels."""

    name = "discord"

    def __init__(self, fake: FakeDiscord) -> None:
        w = fake.world
        rooms = [  # internal: hidden from @everyone, shown to the Agents and Sereno roles
            w.add_channel(
                text_channel(
                    w.ids.next(),
                    w.guild_id,
                    f"complaints-{n}",
                    position=9 + n,
                    overwrites=w.staff_only(),
                )
            )
            for n in range(1, ROOMS + 1)
        ]
        super().__init__([str(r["id"]) for r in rooms])
        self.fake = fake

    def settings(self) -> dict[str, str]:
        return {
            "DISCORD_BOT_TOKEN": self.fake.token,
            "DISCORD_API_URL": self.fake.api_url,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            "SERENO_DISCORD_CHANNELS": ",".join(self.rooms),
            "SERENO_DISCORD_READY_TIMEOUT": "50ms",
            "SERENO_DISCORD_AGENT_ROLE": str(self.fake.world.role_id("Agents")),
            **NO_FLOOD_LIMIT,
        }

    def connections(self) -> int:
        return len(self.fake.identify_payloads)

    async def wait_ready(self, connections_before: int) -> None:
        await until(
            lambda: self.connections() > connections_before,
            timeout=START_WITHIN,
            what="Sereno identifying on the Discord gateway",
            served=self.served,
        )
        await self.fake.wait_until_live(START_WITHIN)

    # -- what people do -----------------------------------------------------------------------

    async def post_complaint(self, room: str, text: str) -> str:
        message = await self.fake.user_message(text, author="customer", channel=room)
        return str(message["id"])  # Sereno opens the thread on the message: same id

    async def react_done(self, thread: Thread, post: Post) -> None:
        await self.fake.react(post.id, "✅", user="agent")

    async def command(self, room: str, sub: str, case: int | None = None, *words: str) -> str:
        options: dict[str, Any] = {"case": case} if case else {}
        if words:
            options[WORDS_OPTION[sub]] = " ".join(words)
        group = "records" if sub in RECORDS else None
        sent = await self.fake.invoke_command(
            "complaint", options, subcommand=sub, group=group, user="agent", channel=room
        )
        [callback, *_] = await self.fake.wait_for(
            "POST", f"/interactions/{sent['id']}/", timeout=ANSWER_WITHIN
        )
        if callback.json["type"] != DEFERRED:
            return str(callback.json["data"].get("content", ""))
        hook = f"/webhooks/{self.fake.world.application_id}/{sent['token']}"
        [followup, *_] = await self.fake.wait_for(
            lambda r: r.path.startswith(hook) and r.method in ("POST", "PATCH"),
            timeout=ANSWER_WITHIN,
        )
        return str((followup.json or {}).get("content", ""))

    # -- what Sereno posted -------------------------------------------------------------------

    def posts(self, thread_id: str) -> list[Post]:
        path = f"/channels/{thread_id}/messages"
        return [
            Post(str(r.response["id"]), _title(r.json or {}), _text(r.json or {}), r.time)
            for r in self.fake.requests("POST", path)
            if r.path == path and r.status == 200
        ]

    def edits(self, thread: Thread, post: Post) -> list[str]:
        path = f"/channels/{thread.id}/messages/{post.id}"
        return [_text(r.json or {}) for r in self.fake.requests("PATCH", path) if r.status == 200]

    async def uploaded(self, thread: Thread, filename: str) -> bytes:
        path = f"/channels/{thread.id}/messages"

        def named(r: RecordedRequest) -> bool:
            posted = r.path == path and r.status == 200
            return posted and any(f.filename == filename for f in r.files)

        [post, *_] = await self.fake.wait_for(named, method="POST", timeout=ANSWER_WITHIN)
        return next(f.data for f in post.files if f.filename == filename)


def _title(message: dict[str, Any]) -> str:
    embeds = message.get("embeds") or []
    return str(embeds[0].get("title", "")) if embeds else str(message.get("content") or "")


def _text(message: dict[str, Any]) -> str:
    parts = [str(message.get("content") or "")]
    for embed in message.get("embeds") or []:
        parts += [str(embed.get("title", "")), str(embed.get("description", ""))]
        parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields", [])]
        parts.append(str((embed.get("footer") or {}).get("text", "")))
    return "\n".join(p for p in parts if p)
