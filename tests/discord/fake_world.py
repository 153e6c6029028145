"""The fake Discord's world: users, guilds, roles, channels, and their JSON as the real API spells it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
MANAGE_MESSAGES = 1 << 13
EVERYONE_PERMISSIONS = (
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31)
)  # view, send, embed, history, app cmds
ALL_PERMISSIONS = (1 << 53) - 1

_ids = itertools.count(1_200_000_000_000_000_000)


def snowflake() -> int:
    return next(_ids)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.name.capitalize(),
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    mentionable: bool = False
    """"Allow anyone to @mention this role": without it only members with Mention All Roles can ping it."""

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass
class FakeChannel:
    id: int
    name: str
    guild_id: int | None
    type: int = 0  # 0 text, 1 DM, 11 public thread
    parent_id: int | None = None
    recipient: FakeUser | None = None
    owner_id: int = 0  # of a thread: who started it

    def payload(self) -> JSON:
        data: JSON = {"id": str(self.id), "type": self.type, "name": self.name, "last_message_id": None}
        if self.guild_id is not None:
            data |= {
                "guild_id": str(self.guild_id),
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": str(self.parent_id) if self.parent_id else None,
                "topic": None,
                "rate_limit_per_user": 0,
            }
        if self.type == 11:
            data |= {
                "owner_id": str(self.owner_id),
                "message_count": 0,
                "member_count": 1,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": now_iso(),
                    "locked": False,
                },
            }
        if self.recipient is not None:
            data["recipients"] = [self.recipient.payload()]
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    """user id -> role ids"""

    def __post_init__(self) -> None:
        self.roles[self.id] = FakeRole(self.id, "@everyone", EVERYONE_PERMISSIONS)

    def add_channel(self, name: str) -> FakeChannel:
        channel = FakeChannel(snowflake(), name, self.id)
        self.channels[channel.id] = channel
        return channel

    def add_role(self, name: str, permissions: int = 0, *, mentionable: bool = False) -> FakeRole:
        role = FakeRole(snowflake(), name, permissions, position=len(self.roles), mentionable=mentionable)
        self.roles[role.id] = role
        return role

    def add_member(self, user: FakeUser, *roles: FakeRole) -> None:
        self.members[user.id] = [role.id for role in roles]

    def permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.roles[self.id].permissions
        for role_id in self.members.get(user_id, []):
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def member_payload(self, user: FakeUser, *, with_user: bool = True, permissions: bool = False) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in self.members.get(user.id, [])],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }
        if with_user:
            data["user"] = user.payload()
        if permissions:
            data["permissions"] = str(self.permissions(user.id))
        return data

    def create_payload(self, me: FakeUser) -> JSON:
        """GUILD_CREATE: the whole guild, as sent after READY."""
        self.members.setdefault(me.id, [])
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "roles": [role.payload() for role in self.roles.values()],
            "channels": [c.payload() for c in self.channels.values() if c.type != 11],
            "threads": [c.payload() for c in self.channels.values() if c.type == 11],
            "members": [self.member_payload(me)],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "joined_at": now_iso(),
            "features": [],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "afk_timeout": 300,
        }


def message_payload(
    *,
    channel: FakeChannel,
    author: FakeUser,
    content: str,
    embeds: list[JSON] | None = None,
    mentions: list[FakeUser] | None = None,
    flags: int = 0,
    type: int = 0,
    extra: JSON | None = None,
) -> JSON:
    data: JSON = {
        "id": str(snowflake()),
        "channel_id": str(channel.id),
        "author": author.payload(),
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [user.payload() for user in mentions or []],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds or [],
        "pinned": False,
        "type": type,
        "flags": flags,
    }
    if channel.guild_id is not None:
        data["guild_id"] = str(channel.guild_id)
    return data | (extra or {})
