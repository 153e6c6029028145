"""The Discord part of the settings, with the timing knobs the tests shrink.

Built from the one `Settings` object (`DISCORD_TOKEN`, `DISCORD_GUILD_IDS`, `DISCORD_MODERATOR_ROLES`,
`THREADBOT_DISCORD_MESSAGE_CONTENT`, `THREADBOT_DISCORD_SHARDS`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from adapters.discord.limits import FOLLOWUP_TOKEN_TTL, IDENTIFY_SPACING, INTERACTION_DEADLINE
from bot.settings import Settings, ShardRange, parse_shards


class DiscordConfigError(ValueError):
    """A Discord setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    token: str = field(repr=False)
    guild_ids: tuple[int, ...] = ()
    """Sync commands to these guilds (instant) instead of globally (up to an hour to show)."""
    moderator_roles: frozenset[str] = frozenset()
    """Role names (case-insensitive) whose members are moderators, besides Manage Server / Manage Messages."""
    message_content: bool = False
    """Ask for the privileged Message Content intent, so observers (sessions) see what ordinary messages say."""
    defer_after: float = INTERACTION_DEADLINE - 1.0
    """Seconds a command may run before its interaction is deferred, leaving a margin before Discord's 3 s."""
    followup_ttl: float = FOLLOWUP_TOKEN_TTL
    guild_ready_timeout: float = 2.0
    """How long discord.py waits for more GUILD_CREATEs after READY before firing `on_ready`."""
    shards: ShardRange | None = None
    """The shards this process runs (several processes on one PostgreSQL database); None: one connection."""
    identify_spacing: float = IDENTIFY_SPACING

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordConfig:
        if settings.discord_token is None:
            raise DiscordConfigError(
                "DISCORD_TOKEN is not set: copy the bot token from the Discord developer portal "
                "(Application > Bot > Reset Token) into .env. See docs/discord.md."
            )
        return cls(
            token=settings.discord_token.get_secret_value().strip(),
            guild_ids=parse_guild_ids(settings.discord_guild_ids),
            moderator_roles=parse_role_names(settings.discord_moderator_roles),
            message_content=settings.discord_message_content,
            shards=parse_shards(settings.discord_shards),
        )


def _items(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Iterable):
        return [str(part).strip() for part in value if str(part).strip()]
    return [str(value)]


def parse_guild_ids(value: Any) -> tuple[int, ...]:
    """`"123, 456"` or `[123, 456]` as guild ids; anything that is not a snowflake is a clear error."""
    ids = []
    for item in _items(value):
        if not item.isdigit():
            raise DiscordConfigError(
                f"DISCORD_GUILD_IDS: {item!r} is not a guild id. Use numeric ids separated by commas "
                "(Discord: User Settings > Advanced > Developer Mode, then right-click the server > Copy ID)."
            )
        ids.append(int(item))
    return tuple(dict.fromkeys(ids))


def parse_role_names(value: Any) -> frozenset[str]:
    return frozenset(name.casefold() for name in _items(value))
