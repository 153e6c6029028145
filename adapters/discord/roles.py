"""The one role a reply may notify (a prompt's `notify_role`), found in the server it is posted to.

A moderator names the role with `prompt schedule ... --role`: by name (any case, `@` optional), by id, or as
a mention (`<@&id>`). A name two roles share, an unknown name, `@everyone` or a place outside a server
resolves to nothing: the prompt then names the role as plain text and pings nobody, and the log says why.
"""

from __future__ import annotations

import logging
import re

import discord

log = logging.getLogger(__name__)

_ROLE_MENTION = re.compile(r"^<@&(\d{1,20})>$")


def role_matches(guild: discord.Guild, wanted: str) -> list[discord.Role]:
    """The roles `wanted` could mean: the one with that id, else those with that name (exact case first)."""
    text = wanted.strip()
    mention = _ROLE_MENTION.match(text)
    ident = mention.group(1) if mention else text if text.isdigit() else None
    if ident is not None:
        role = guild.get_role(int(ident))
        if role is not None:
            return [] if role.is_default() else [role]
        if mention:
            return []
    name = text.lstrip("@").strip()
    named = [role for role in guild.roles if not role.is_default()]
    exact = [role for role in named if role.name == name]
    return exact or [role for role in named if role.name.casefold() == name.casefold()]


def find_role(guild: discord.Guild, wanted: str) -> discord.Role | None:
    """The role `wanted` names in `guild` if exactly one fits, else None."""
    found = role_matches(guild, wanted)
    return found[0] if len(found) == 1 else None


def role_to_notify(channel: object, wanted: str) -> discord.Role | None:
    """The role to ping in `channel` (where the reply goes), or None with the reason in the log.

    Also warns when Discord would show the mention without notifying anyone: the role is not mentionable
    and the bot lacks Mention @everyone, @here and All Roles in that channel."""
    guild = getattr(channel, "guild", None)
    if not isinstance(guild, discord.Guild):
        log.warning("role %r is not notified: the prompt is not posted in a server", wanted)
        return None
    found = role_matches(guild, wanted)
    if len(found) != 1:
        reason = (
            f"{len(found)} roles are named like that; schedule with `--role` and the role's id instead"
            if found
            else "no such role in this server (renamed or deleted?); schedule again with `--role` and its name"
        )
        log.warning("role %r not notified in %s (guild %s): %s", wanted, _where(channel), guild.id, reason)
        return None
    role = found[0]
    if not role.mentionable and not _may_mention_roles(channel, guild):
        log.warning(
            "role @%s (guild %s) is not mentionable and I lack Mention All Roles in %s: Discord shows the "
            "mention but notifies nobody. Allow anyone to @mention the role (Server Settings > Roles), or "
            "give the bot that permission.",
            role.name,
            guild.id,
            _where(channel),
        )
    return role


def _may_mention_roles(channel: object, guild: discord.Guild) -> bool:
    permissions_for = getattr(channel, "permissions_for", None)
    if permissions_for is None or guild.me is None:
        return False
    permissions = permissions_for(guild.me)
    return isinstance(permissions, discord.Permissions) and permissions.mention_everyone


def _where(channel: object) -> str:
    return f"channel {getattr(channel, 'id', '?')}"
