"""Discord API v10 payload builders (gateway events and REST objects) for the fake Discord."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
FIXED_START_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z: ids and timestamps never vary

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | EMBED_LINKS
    | ATTACH_FILES
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS
)

# Application flags of an unverified bot allowed the privileged intents.
APPLICATION_FLAGS = (1 << 15) | (1 << 19)  # GATEWAY_GUILD_MEMBERS_LIMITED | MESSAGE_CONTENT_LIMITED

EPHEMERAL = 1 << 6
LOADING = 1 << 7
HAS_THREAD = 1 << 5
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

TEXT, CATEGORY, PUBLIC_THREAD, PRIVATE_THREAD, FORUM = 0, 4, 11, 12, 15
CHAT_INPUT, COMPONENT, AUTOCOMPLETE = 2, 3, 4


class Snowflakes:
    """Deterministic, increasing snowflake ids, one millisecond apart."""

    def __init__(self, start_ms: int = FIXED_START_MS) -> None:
        self._ms = itertools.count(start_ms - DISCORD_EPOCH_MS)

    def next(self) -> int:
        """Return the next id."""
        return next(self._ms) << 22


def timestamp(snowflake: int | str) -> str:
    """ISO-8601 time encoded in a snowflake."""
    ms = (int(snowflake) >> 22) + DISCORD_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat()


def _ids(values: Iterable[int | str]) -> list[str]:
    return [str(v) for v in values]


def user(user_id: int, username: str, *, bot: bool = False, global_name: str | None = None) -> dict:
    """A user object."""
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": global_name if global_name or bot else username.title(),
        "avatar": None,
        "bot": bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
    }


def role(
    role_id: int,
    name: str,
    *,
    position: int = 0,
    permissions: int = 0,
    color: int = 0,
    bot_id: int | None = None,
    hoist: bool = False,
    mentionable: bool = False,
) -> dict:
    """A role object; ``bot_id`` makes it the managed role of that bot."""
    data = {
        "id": str(role_id),
        "name": name,
        "color": color,
        "colors": {"primary_color": color},
        "hoist": hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": bot_id is not None,
        "mentionable": mentionable,
        "flags": 0,
    }
    if bot_id is not None:
        data["tags"] = {"bot_id": str(bot_id)}
    return data


def member(
    user_data: Mapping[str, Any] | None,
    *,
    roles: Iterable[int | str] = (),
    joined_at: str = "2024-06-01T09:00:00+00:00",
    nick: str | None = None,
    permissions: int | None = None,
) -> dict:
    """A guild member; ``user_data=None`` gives the partial member of MESSAGE_CREATE."""
    data: dict[str, Any] = {
        "roles": _ids(roles),
        "joined_at": joined_at,
        "nick": nick,
        "avatar": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "premium_since": None,
        "communication_disabled_until": None,
    }
    if user_data is not None:
        data["user"] = dict(user_data)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def overwrite(target_id: int, *, is_role: bool = True, allow: int = 0, deny: int = 0) -> dict:
    """A channel permission overwrite."""
    return {
        "id": str(target_id),
        "type": 0 if is_role else 1,
        "allow": str(allow),
        "deny": str(deny),
    }


def text_channel(
    channel_id: int,
    guild_id: int,
    name: str,
    *,
    position: int = 0,
    topic: str | None = None,
    parent_id: int | None = None,
    overwrites: Sequence[dict] = (),
) -> dict:
    """A guild text channel."""
    return {
        "id": str(channel_id),
        "type": TEXT,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": list(overwrites),
        "topic": topic,
        "nsfw": False,
        "parent_id": None if parent_id is None else str(parent_id),
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "default_auto_archive_duration": 1440,
        "default_thread_rate_limit_per_user": 0,
        "flags": 0,
    }


def forum_channel(
    channel_id: int,
    guild_id: int,
    name: str,
    *,
    position: int = 0,
    tags: Mapping[int, str] | None = None,
    overwrites: Sequence[dict] = (),
) -> dict:
    """A forum channel; ``tags`` maps tag id to tag name."""
    data = text_channel(channel_id, guild_id, name, position=position, overwrites=overwrites)
    data.update(
        type=FORUM,
        available_tags=[
            {
                "id": str(tid),
                "name": tname,
                "moderated": False,
                "emoji_id": None,
                "emoji_name": None,
            }
            for tid, tname in (tags or {}).items()
        ],
        default_reaction_emoji=None,
        default_sort_order=None,
        default_forum_layout=0,
    )
    return data


def thread(
    thread_id: int,
    guild_id: int,
    parent_id: int,
    owner_id: int,
    name: str,
    *,
    type: int = PUBLIC_THREAD,
    archived: bool = False,
    locked: bool = False,
    auto_archive_duration: int = 1440,
    message_count: int = 0,
    member_count: int = 1,
    applied_tags: Iterable[int | str] = (),
) -> dict:
    """A thread channel (public by default)."""
    metadata = {
        "archived": archived,
        "locked": locked,
        "auto_archive_duration": auto_archive_duration,
        "archive_timestamp": timestamp(thread_id),
        "create_timestamp": timestamp(thread_id),
    }
    if type == PRIVATE_THREAD:
        metadata["invitable"] = True
    return {
        "id": str(thread_id),
        "type": type,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": message_count,
        "member_count": member_count,
        "total_message_sent": message_count,
        "flags": 0,
        "thread_metadata": metadata,
        "applied_tags": _ids(applied_tags),
    }


def thread_create(thread_data: Mapping[str, Any], *, newly_created: bool = True) -> dict:
    """THREAD_CREATE; discord.py fires on_thread_create only when ``newly_created``."""
    data = dict(thread_data)
    if newly_created:
        data["newly_created"] = True
    return data


def message(
    message_id: int,
    channel_id: int,
    author: Mapping[str, Any],
    content: str = "",
    *,
    guild_id: int | None = None,
    member_data: Mapping[str, Any] | None = None,
    embeds: Sequence[dict] = (),
    components: Sequence[dict] = (),
    attachments: Sequence[dict] = (),
    mentions: Sequence[dict] = (),
    mention_roles: Iterable[int | str] = (),
    flags: int = 0,
    type: int = 0,
    message_reference: Mapping[str, Any] | None = None,
    webhook_id: int | None = None,
    application_id: int | None = None,
    **extra: Any,
) -> dict:
    """A message object; with ``guild_id`` and ``member_data`` it is a MESSAGE_CREATE payload."""
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": dict(author),
        "content": content,
        "timestamp": timestamp(message_id),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": list(mentions),
        "mention_roles": _ids(mention_roles),
        "attachments": list(attachments),
        "embeds": list(embeds),
        "components": list(components),
        "pinned": False,
        "type": type,
        "flags": flags,
        "reactions": [],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if member_data is not None:
        data["member"] = dict(member_data)
    if message_reference is not None:
        data["message_reference"] = dict(message_reference)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
    if application_id is not None:
        data["application_id"] = str(application_id)
    data.update(extra)
    return data


def message_create(
    message_id: int,
    channel_id: int,
    author: Mapping[str, Any],
    content: str,
    *,
    guild_id: int | None = None,
    roles: Iterable[int | str] = (),
    **extra: Any,
) -> dict:
    """MESSAGE_CREATE from a human or bot user; in a guild it carries the partial member."""
    member_data = member(None, roles=roles) if guild_id is not None else None
    return message(
        message_id,
        channel_id,
        author,
        content,
        guild_id=guild_id,
        member_data=member_data,
        **extra,
    )


def partial_emoji(emoji: str) -> dict:
    """``"✅"`` or a custom ``"name:id"`` as a partial emoji."""
    name, _, emoji_id = emoji.partition(":")
    if emoji_id:
        return {"id": emoji_id, "name": name, "animated": False}
    return {"id": None, "name": emoji}


def reaction_add(
    user_id: int,
    channel_id: int,
    message_id: int,
    emoji: str = "✅",
    *,
    guild_id: int | None = None,
    member_data: Mapping[str, Any] | None = None,
    message_author_id: int | None = None,
    burst: bool = False,
) -> dict:
    """MESSAGE_REACTION_ADD (``type`` 0 normal, 1 burst; discord.py requires it)."""
    data = reaction_remove(user_id, channel_id, message_id, emoji, guild_id=guild_id, burst=burst)
    data["burst_colors"] = ["#ffcc00"] if burst else []
    if member_data is not None:
        data["member"] = dict(member_data)
    if message_author_id is not None:
        data["message_author_id"] = str(message_author_id)
    return data


def reaction_remove(
    user_id: int,
    channel_id: int,
    message_id: int,
    emoji: str = "✅",
    *,
    guild_id: int | None = None,
    burst: bool = False,
) -> dict:
    """MESSAGE_REACTION_REMOVE."""
    data: dict[str, Any] = {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "emoji": partial_emoji(emoji),
        "burst": burst,
        "type": 1 if burst else 0,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    return data


def option(name: str, value: Any, *, focused: bool = False) -> dict:
    """A command option value; the type comes from the Python value."""
    if isinstance(value, bool):
        kind = 5
    elif isinstance(value, int):
        kind = 4
    elif isinstance(value, float):
        kind = 10
    else:
        kind, value = 3, str(value)
    data: dict[str, Any] = {"name": name, "type": kind, "value": value}
    if focused:
        data["focused"] = True
    return data


def command_options(
    options: Mapping[str, Any] | None = None,
    *,
    subcommand: str | None = None,
    group: str | None = None,
    focused: str | None = None,
) -> list[dict]:
    """Options of a chat-input command, nested under a subcommand (type 1) and group (type 2)."""
    values = [option(k, v, focused=k == focused) for k, v in (options or {}).items()]
    if subcommand is None:
        return values
    nested = [{"name": subcommand, "type": 1, "options": values}]
    if group is None:
        return nested
    return [{"name": group, "type": 2, "options": nested}]


def interaction(
    kind: int,
    data: Mapping[str, Any],
    *,
    interaction_id: int,
    application_id: int,
    token: str,
    guild_id: int,
    channel: Mapping[str, Any],
    member_data: Mapping[str, Any],
    app_permissions: int = MEMBER_PERMISSIONS,
    locale: str = "en-US",
    **extra: Any,
) -> dict:
    """INTERACTION_CREATE in a guild (``version``, ``token`` and size limit are required)."""
    payload = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "data": dict(data),
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
        "channel_id": channel["id"],
        "channel": dict(channel),
        "member": dict(member_data),
        "token": token,
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": locale,
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    payload.update(extra)
    return payload


def command_data(
    name: str,
    *,
    command_id: int,
    options: Mapping[str, Any] | None = None,
    subcommand: str | None = None,
    group: str | None = None,
    focused: str | None = None,
    command_guild_id: int | None = None,
    resolved: Mapping[str, Any] | None = None,
) -> dict:
    """``data`` of a chat-input interaction; ``command_guild_id`` for guild-registered commands."""
    data: dict[str, Any] = {
        "id": str(command_id),
        "name": name,
        "type": 1,
        "options": command_options(options, subcommand=subcommand, group=group, focused=focused),
    }
    if command_guild_id is not None:
        data["guild_id"] = str(command_guild_id)
    if resolved is not None:
        data["resolved"] = dict(resolved)
    return data


def component_data(custom_id: str, *, component_type: int = 2, values: Sequence[str] = ()) -> dict:
    """``data`` of a component interaction (2 button, 3 string select)."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if component_type != 2:
        data["values"] = list(values)
    return data


def button(custom_id: str, label: str, *, style: int = 1) -> dict:
    """A button inside an action row, for messages carrying components."""
    return {
        "type": 1,
        "components": [
            {"type": 2, "custom_id": custom_id, "label": label, "style": style, "disabled": False}
        ],
    }


class World:
    """The one guild the fake serves: users, roles, members, channels and threads."""

    def __init__(self, ids: Snowflakes | None = None, guild_name: str = "Sereno Support") -> None:
        self.ids = ids or Snowflakes()
        self.guild_id = self.ids.next()
        self.guild_name = guild_name
        self.application_id = self.ids.next()
        self.users: dict[str, dict] = {}
        self.roles: dict[str, dict] = {
            "@everyone": role(self.guild_id, "@everyone", permissions=MEMBER_PERMISSIONS)
        }
        self.member_roles: dict[str, list[str]] = {}
        self.channels: dict[int, dict] = {}
        self.add_user("bot", "sereno", bot=True, global_name="Sereno")
        self.add_role("Sereno", permissions=MEMBER_PERMISSIONS | MANAGE_MESSAGES, bot_key="bot")
        self.member_roles["bot"] = ["Sereno"]
        self.add_role("Agents", permissions=MEMBER_PERMISSIONS | MANAGE_MESSAGES, hoist=True)
        self.add_user("owner", "olivia", roles=["Agents"])
        self.add_user("agent", "alex", roles=["Agents"])
        self.add_user("customer", "casey")
        self.add_user("helper", "helperbot", bot=True, global_name="Helper")
        self.add_role("Helper", permissions=MEMBER_PERMISSIONS, bot_key="helper")
        self.member_roles["helper"] = ["Helper"]
        self._seed_channels()

    def _seed_channels(self) -> None:
        gid = self.guild_id
        self.add_channel(text_channel(self.ids.next(), gid, "general", position=0))
        support = self.add_channel(
            text_channel(self.ids.next(), gid, "support", position=1, topic="Customer cases")
        )
        hidden = overwrite(gid, deny=VIEW_CHANNEL)
        allowed = [overwrite(self.role_id(n), allow=VIEW_CHANNEL) for n in ("Agents", "Sereno")]
        self.add_channel(
            text_channel(self.ids.next(), gid, "agents", position=2, overwrites=[hidden, *allowed])
        )
        tags = {self.ids.next(): "urgent", self.ids.next(): "billing"}
        self.add_channel(forum_channel(self.ids.next(), gid, "escalations", position=3, tags=tags))
        self.add_channel(
            thread(
                self.ids.next(),
                gid,
                int(support["id"]),
                self.user_id("bot"),
                "case-1001",
                message_count=2,
                member_count=2,
            )
        )

    def add_user(
        self,
        key: str,
        username: str,
        *,
        bot: bool = False,
        global_name: str | None = None,
        roles: Iterable[str] = (),
    ) -> dict:
        """Add a guild member known by ``key``; ``roles`` are role names."""
        self.users[key] = user(self.ids.next(), username, bot=bot, global_name=global_name)
        self.member_roles[key] = list(roles)
        return self.users[key]

    def add_role(
        self, name: str, *, permissions: int = 0, bot_key: str | None = None, hoist: bool = False
    ) -> dict:
        """Add a role (managed by the bot ``bot_key`` if given)."""
        bot_id = self.user_id(bot_key) if bot_key else None
        self.roles[name] = role(
            self.ids.next(),
            name,
            position=len(self.roles),
            permissions=permissions,
            bot_id=bot_id,
            hoist=hoist,
        )
        return self.roles[name]

    def add_channel(self, channel: dict) -> dict:
        """Add a channel or thread payload."""
        self.channels[int(channel["id"])] = channel
        return channel

    @property
    def bot(self) -> dict:
        return self.users["bot"]

    @property
    def owner_id(self) -> int:
        return self.user_id("owner")

    def user_id(self, key: str) -> int:
        return int(self.users[key]["id"])

    def user_key(self, user_id: int | str) -> str | None:
        return next((k for k, u in self.users.items() if u["id"] == str(user_id)), None)

    def role_id(self, name: str) -> int:
        return int(self.roles[name]["id"])

    def channel(self, ref: int | str) -> dict:
        """A channel or thread by id or by name."""
        if isinstance(ref, int) or ref.isdigit():
            return self.channels[int(ref)]
        return next(c for c in self.channels.values() if c["name"] == ref)

    def channel_id(self, ref: int | str) -> int:
        return int(self.channel(ref)["id"])

    def role_ids(self, key: str) -> list[int]:
        return [self.role_id(name) for name in self.member_roles.get(key, [])]

    def permissions(self, key: str) -> int:
        """Guild-level permissions of a member (union of its roles and @everyone)."""
        value = int(self.roles["@everyone"]["permissions"])
        for name in self.member_roles.get(key, []):
            value |= int(self.roles[name]["permissions"])
        return value

    def member(self, key: str, *, with_permissions: bool = False) -> dict:
        """The full member payload of ``key``."""
        perms = self.permissions(key) if with_permissions else None
        return member(self.users[key], roles=self.role_ids(key), permissions=perms)

    def guild_create(self) -> dict:
        """GUILD_CREATE with roles, members, channels and threads (and member_count, so
        discord.py does not ask for member chunks)."""
        channels = [
            c for c in self.channels.values() if c["type"] not in (PUBLIC_THREAD, PRIVATE_THREAD)
        ]
        threads = [
            c for c in self.channels.values() if c["type"] in (PUBLIC_THREAD, PRIVATE_THREAD)
        ]
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "owner_id": str(self.owner_id),
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "features": [],
            "roles": list(self.roles.values()),
            "emojis": [],
            "stickers": [],
            "members": [self.member(k) for k in self.users],
            "member_count": len(self.users),
            "large": False,
            "unavailable": False,
            "channels": channels,
            "threads": threads,
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": "2024-06-01T09:00:00+00:00",
            "preferred_locale": "en-US",
            "system_channel_id": str(self.channel_id("general")),
            "system_channel_flags": 0,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "afk_timeout": 300,
            "afk_channel_id": None,
            "max_members": 500000,
            "premium_progress_bar_enabled": False,
            "application_id": None,
        }

    def application(self) -> dict:
        """GET /oauth2/applications/@me (every field discord.py reads)."""
        return {
            "id": str(self.application_id),
            "name": self.bot["global_name"],
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": self.users["owner"],
            "team": None,
            "verify_key": "0" * 64,
            "flags": APPLICATION_FLAGS,
            "bot": self.bot,
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "rpc_origins": [],
            "tags": [],
            "install_params": None,
            "approximate_guild_count": 1,
            "integration_types_config": {"0": {}},
            "hook": True,
            "type": None,
        }

    def ready(self, session_id: str, resume_gateway_url: str, shard: list | None = None) -> dict:
        """READY: the guild starts unavailable and arrives in GUILD_CREATE."""
        data = {
            "v": 10,
            "user": {**self.bot, "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": resume_gateway_url,
            "application": {"id": str(self.application_id), "flags": APPLICATION_FLAGS},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
        }
        if shard is not None:
            data["shard"] = shard
        return data
