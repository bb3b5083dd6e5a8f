"""Discord API v10 gateway event payloads: messages, reactions, interactions, components."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .discord_objects import ATTACHMENT_SIZE_LIMIT, MEMBER_PERMISSIONS, _ids, member, timestamp


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
