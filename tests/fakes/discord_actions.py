"""What the members of the fake Discord's world do: post, react, run commands, click."""

from __future__ import annotations

from typing import Any

from . import discord_payloads as p
from .discord_modals import ModalsMixin
from .discord_records import RecordedRequest


class ActionsMixin(ModalsMixin):
    """`FakeDiscord` conveniences that dispatch built payloads as members of the world
    (filling in modals: `ModalsMixin`)."""

    async def user_message(
        self,
        content: str,
        *,
        author: str = "customer",
        channel: int | str = "support",
        **extra: Any,
    ) -> dict:
        """A member of the world (``author`` key) posts ``content``: MESSAGE_CREATE."""
        w = self.world
        data = p.message_create(
            self.ids.next(),
            w.channel_id(channel),
            w.users[author],
            content,
            guild_id=w.guild_id,
            roles=w.role_ids(author),
            **extra,
        )
        self.messages[int(data["id"])] = data
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    def add_history(
        self,
        content: str,
        *,
        author: str = "customer",
        channel: int | str = "support",
        message_id: int | None = None,
        **extra: Any,
    ) -> dict:
        """``author`` posts ``content`` while Sereno is away: the message is stored (REST
        shape, as ``GET /channels/{id}/messages`` returns it) and no event is dispatched.
        ``message_id`` backdates it (a snowflake made with ``discord.utils.time_snowflake``)."""
        w = self.world
        cid = w.channel_id(channel)
        mid = message_id if message_id is not None else self.ids.next()
        data = p.message(mid, cid, w.users[author], content, **extra)
        self.messages[int(data["id"])] = data
        w.channels[cid]["last_message_id"] = data["id"]
        return data

    def add_forum_post(
        self,
        title: str,
        content: str,
        *,
        author: str = "customer",
        forum: int | str = "escalations",
        archived: bool = False,
    ) -> tuple[dict, dict]:
        """``author`` opens a forum post while Sereno is away: the thread and its starter
        message (which shares the thread's id) are stored, nothing is dispatched."""
        w = self.world
        thread_id = self.ids.next()
        created = w.add_channel(
            p.thread(
                thread_id,
                w.guild_id,
                w.channel_id(forum),
                w.user_id(author),
                title,
                archived=archived,
                message_count=1,
            )
        )
        starter = p.message(thread_id, thread_id, w.users[author], content)
        self.messages[thread_id] = starter
        created["last_message_id"] = starter["id"]
        return created, starter

    async def react(
        self,
        message_id: int | str,
        emoji: str = "✅",
        *,
        user: str = "agent",
        remove: bool = False,
    ) -> dict:
        """``user`` adds (or removes) a reaction on a stored message."""
        w, msg = self.world, self.messages[int(message_id)]
        args = (w.user_id(user), int(msg["channel_id"]), int(message_id), emoji)
        if remove:
            data = p.reaction_remove(*args, guild_id=w.guild_id)
        else:
            data = p.reaction_add(
                *args,
                guild_id=w.guild_id,
                member_data=w.member(user),
                message_author_id=int(msg["author"]["id"]),
            )
        await self.dispatch("MESSAGE_REACTION_REMOVE" if remove else "MESSAGE_REACTION_ADD", data)
        return data

    async def update_channel(self, channel: int | str, **changes: Any) -> dict:
        """An admin edits a channel (e.g. its ``permission_overwrites``): CHANNEL_UPDATE."""
        data = self.world.channel(channel)
        data.update(changes)
        await self.dispatch("CHANNEL_UPDATE", {**data, "guild_id": str(self.world.guild_id)})
        return data

    async def update_role(self, name: str, **changes: Any) -> dict:
        """An admin edits a role (e.g. its ``permissions``, a string): GUILD_ROLE_UPDATE."""
        data = self.world.roles[name]
        data.update(changes)
        await self.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(self.world.guild_id), "role": data}
        )
        return data

    async def invoke_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        group: str | None = None,
        focused: str | None = None,
        user: str = "agent",
        channel: int | str = "support",
    ) -> dict:
        """INTERACTION_CREATE for a chat-input command (type 4 autocomplete if ``focused``)."""
        registered = self.command(name)
        command_id = int(registered["id"]) if registered else self.ids.next()
        guild_id = registered.get("guild_id") if registered else None
        data = p.command_data(
            name,
            command_id=command_id,
            options=options,
            subcommand=subcommand,
            group=group,
            focused=focused,
            command_guild_id=int(guild_id) if guild_id else None,
        )
        kind = p.AUTOCOMPLETE if focused else p.CHAT_INPUT
        return await self._interact(kind, data, user, channel)

    async def click(
        self,
        custom_id: str,
        message_id: int | str,
        *,
        user: str = "agent",
        component_type: int = 2,
        values: tuple[str, ...] = (),
    ) -> dict:
        """INTERACTION_CREATE for a component on a stored message."""
        msg = self.messages[int(message_id)]
        data = p.component_data(custom_id, component_type=component_type, values=values)
        return await self._interact(p.COMPONENT, data, user, int(msg["channel_id"]), message=msg)

    async def choose(self, message_id: int | str, value: str, *, user: str = "agent") -> dict:
        """INTERACTION_CREATE for picking the option `value` in a string select of a stored
        message, as it stands now. A person can pick only what the message shows: an
        option it does not hold raises `LookupError`."""
        msg = self.messages[int(message_id)]
        for row in msg.get("components") or []:
            for item in row.get("components") or []:
                values = [o.get("value") for o in item.get("options") or []]
                if item.get("type") == 3 and value in values:
                    return await self.click(
                        item["custom_id"], message_id, user=user, component_type=3, values=(value,)
                    )
        raise LookupError(f"no select option {value!r} on message {message_id}")

    async def _interact(
        self, kind: int, data: dict, user: str, channel: int | str, **extra: Any
    ) -> dict:
        w = self.world
        n = next(self._counter)
        chan = {**w.channel(channel), "permissions": str(w.permissions(user))}
        payload = p.interaction(
            kind,
            data,
            interaction_id=self.ids.next(),
            application_id=w.application_id,
            token=f"interaction-token-{n}",
            guild_id=w.guild_id,
            channel=chan,
            member_data=w.member(user, with_permissions=True),
            app_permissions=w.permissions("bot"),
            **extra,
        )
        self.interactions[int(payload["id"])] = {
            "payload": payload,
            "acked": False,
            "original": None,
        }
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def command(self, name: str, guild_id: int | None = None) -> dict | None:
        """A registered command by name (global first unless ``guild_id``)."""
        scopes = [guild_id] if guild_id else [None, *[g for g in self.commands if g]]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    return cmd
        return None

    def callbacks(self, interaction_id: int | str | None = None) -> list[RecordedRequest]:
        """Recorded interaction callbacks (optionally of one interaction)."""
        part = f"/interactions/{interaction_id}/" if interaction_id else "/interactions/"
        return [r for r in self.requests("POST", part) if r.path.endswith("/callback")]
