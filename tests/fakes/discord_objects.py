"""Discord API v10 constants, snowflakes and REST objects: users, roles, members, channels."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
FIXED_START_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z: ids and timestamps never vary

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
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


def staff_only(guild_id: int, role_ids: Iterable[int]) -> list[dict]:
    """Overwrites hiding a channel from @everyone (whose overwrite's id is the guild's)
    and showing it to the given roles."""
    hidden = overwrite(guild_id, deny=VIEW_CHANNEL)
    return [hidden, *(overwrite(role_id, allow=VIEW_CHANNEL) for role_id in role_ids)]


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
