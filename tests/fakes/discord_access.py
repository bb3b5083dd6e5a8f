"""Who may do what where in the fake Discord: permissions and visibility, as Discord
resolves them from the guild's roles, a channel's overwrites and thread membership.

Discord's order: the member's guild permissions (``@everyone`` and their roles;
Administrator and the guild's owner have everything), then the channel's ``@everyone``
overwrite, then the union of their roles' overwrites, then the overwrite for the member.
A thread has its parent's permissions; a private thread is seen only by its members and
by those with Manage Threads in the parent.
"""

from __future__ import annotations

from .discord_objects import ADMINISTRATOR, PRIVATE_THREAD, PUBLIC_THREAD, VIEW_CHANNEL
from .discord_world import World

ALL = (1 << 53) - 1
MANAGE_THREADS = 1 << 34
CREATE_PRIVATE_THREADS = 1 << 36
THREADS = (PUBLIC_THREAD, PRIVATE_THREAD)


def permissions_in(world: World, key: str, channel: dict) -> int:
    """``key``'s permissions in a channel (a thread: in its parent)."""
    if channel["type"] in THREADS:
        channel = world.channels[int(channel["parent_id"])]
    value = world.permissions(key)
    if value & ADMINISTRATOR or world.user_id(key) == world.owner_id:
        return ALL
    overwrites = {o["id"]: o for o in channel.get("permission_overwrites") or []}
    everyone = overwrites.get(str(world.guild_id))
    if everyone:
        value = (value & ~int(everyone["deny"])) | int(everyone["allow"])
    allow = deny = 0
    for role_id in world.role_ids(key):
        found = overwrites.get(str(role_id))
        if found:
            allow, deny = allow | int(found["allow"]), deny | int(found["deny"])
    value = (value & ~deny) | allow
    mine = overwrites.get(str(world.user_id(key)))
    if mine:
        value = (value & ~int(mine["deny"])) | int(mine["allow"])
    return value


def can_view(world: World, key: str, channel: dict) -> bool:
    """Whether ``key`` can read ``channel`` (a private thread: a member, or Manage Threads)."""
    perms = permissions_in(world, key, channel)
    if not perms & VIEW_CHANNEL:
        return False
    if channel["type"] != PRIVATE_THREAD:
        return True
    members = world.thread_members.get(int(channel["id"]), set())
    return world.user_id(key) in members or bool(perms & MANAGE_THREADS)
