"""Who asked and where, in the core's neutral terms: `Actor` and `Place` from discord.py objects.

Moderator rights are decided here from Discord permissions and the configured role names; the core only
checks `actor.is_moderator`.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.models import Actor, Place

PLATFORM = "discord"


def is_moderator(
    permissions: discord.Permissions, role_names: Iterable[str], moderator_roles: frozenset[str]
) -> bool:
    """Manage Server or Manage Messages (administrators have both), or a role named in the settings."""
    if permissions.administrator or permissions.manage_guild or permissions.manage_messages:
        return True
    return any(name.casefold() in moderator_roles for name in role_names)


def actor_of(
    user: discord.User | discord.Member, permissions: discord.Permissions, moderator_roles: frozenset[str]
) -> Actor:
    roles = [role.name for role in user.roles] if isinstance(user, discord.Member) else []
    moderator = isinstance(user, discord.Member) and is_moderator(permissions, roles, moderator_roles)
    return Actor(user_id=str(user.id), display_name=user.display_name, is_moderator=moderator)


def place_of(guild_id: int | None, channel: object, channel_id: int | None, user_id: int) -> Place:
    """A guild is a space of its own; each user's DMs with the bot are a space too (`dm-<user id>`).

    In a thread, `channel` is the parent (its archive default and memory apply) and `thread` the thread.
    """
    space = str(guild_id) if guild_id is not None else f"dm-{user_id}"
    if isinstance(channel, discord.Thread) and channel.parent_id is not None:
        return Place(platform=PLATFORM, space=space, channel=str(channel.parent_id), thread=str(channel.id))
    return Place(platform=PLATFORM, space=space, channel=str(channel_id or user_id))


def space_key(guild_id: int) -> str:
    """The storage scope of a guild, e.g. for importing an archive into it: `discord:<guild id>`."""
    return f"{PLATFORM}:{guild_id}"
