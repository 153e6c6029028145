"""The only pings threadbot ever sends on Discord: the one user a reply names, and the one role a prompt notifies.

A `TextReply.mention_user_id` becomes `<@id>` (only a Discord user id, nothing else). A prompt's `notify_role`
is found in the server it is posted to: a moderator names the role with `prompt schedule ... --role`, by name
(any case, `@` optional), by id, or as a mention (`<@&id>`). A name two roles share, an unknown name,
`@everyone` or a place outside a server resolves to nothing: the prompt then names the role as plain text and
pings nobody, and the log says why. `ping_of` gives the mention a reply starts with and the one target
`render` allows.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import discord
from discord.utils import escape_markdown, escape_mentions
from pydantic import BaseModel

from adapters.discord.outbound import is_ephemeral

log = logging.getLogger(__name__)

_ROLE_MENTION = re.compile(r"^<@&(\d{1,20})>$")


@dataclass(frozen=True, slots=True)
class Ping:
    """The mention a reply starts with, and the one user or role it may actually notify (None: nobody)."""

    text: str
    user_id: int | None = None
    role_id: int | None = None


def ping_of(reply: BaseModel, channel: object = None) -> Ping | None:
    """The user the reply names, else the role it notifies if that role is found where it goes (a preview,
    being ephemeral, shows the role without notifying it); an unknown role is named as inert text."""
    user = mentioned_user(reply)
    if user is not None:
        return Ping(f"<@{user}>", user_id=user)
    wanted = notified_role(reply)
    if wanted is None:
        return None
    role = role_to_notify(channel, wanted)
    if role is None:
        return Ping(escape_mentions(escape_markdown("@" + wanted.lstrip("@"))))
    return Ping(role.mention, role_id=None if is_ephemeral(reply) else role.id)


def mentioned_user(reply: BaseModel) -> int | None:
    """The Discord user a reply may ping (`TextReply.mention_user_id`), if it is a Discord user id."""
    value = getattr(reply, "mention_user_id", None)
    return int(value) if isinstance(value, str) and value.isdigit() else None


def notified_role(reply: BaseModel) -> str | None:
    """The role a reply asks to notify (`PromptReply.notify_role`), as a moderator named it."""
    value = getattr(reply, "notify_role", None)
    return value.strip() if isinstance(value, str) and value.strip() else None


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
