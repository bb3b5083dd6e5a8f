"""The one guild the fake Discord serves, and the payloads derived from it."""

from __future__ import annotations

from collections.abc import Iterable

from .discord_objects import (
    APPLICATION_FLAGS,
    MANAGE_MESSAGES,
    MEMBER_PERMISSIONS,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Snowflakes,
    forum_channel,
    member,
    role,
    staff_only,
    text_channel,
    thread,
    user,
)


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
        self.thread_members: dict[int, set[int]] = {}  # thread id -> user ids added to it
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
        """#general is public; #support, #agents and the forum #escalations are hidden
        from @everyone and shown to the Agents and Sereno roles (internal complaint channels)."""
        gid = self.guild_id
        self.add_channel(text_channel(self.ids.next(), gid, "general", position=0))
        support = self.add_channel(
            text_channel(
                self.ids.next(),
                gid,
                "support",
                position=1,
                topic="Customer cases",
                overwrites=self.staff_only(),
            )
        )
        self.add_channel(
            text_channel(self.ids.next(), gid, "agents", position=2, overwrites=self.staff_only())
        )
        tags = {self.ids.next(): "urgent", self.ids.next(): "billing"}
        self.add_channel(
            forum_channel(
                self.ids.next(),
                gid,
                "escalations",
                position=3,
                tags=tags,
                overwrites=self.staff_only(),
            )
        )
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

    def staff_only(self) -> list[dict]:
        """Overwrites for a channel only the Agents and Sereno roles may view."""
        return staff_only(self.guild_id, [self.role_id("Agents"), self.role_id("Sereno")])

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
