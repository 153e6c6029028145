"""Who is asking: a Discord user or member as a neutral `Actor`, with moderator rights from Discord's own roles.

Moderator rights are decided here from Discord permissions and the configured role names; the core only
checks `actor.is_moderator`.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.models import Actor


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
