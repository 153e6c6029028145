"""Discord adapter: slash commands and mentions in, embeds out, over the real discord.py client.

`run_discord` is started by `threadbot run`; `sync_commands` backs `threadbot discord-sync`.
"""

from __future__ import annotations

import discord

from adapters.discord.client import ShardedThreadbotClient, ThreadbotClient, make_client
from adapters.discord.config import DiscordConfig, DiscordConfigError
from adapters.discord.sync import SyncReport, sync_commands
from bot.core import Bot
from bot.settings import Settings

__all__ = [
    "DiscordConfig",
    "ShardedThreadbotClient",
    "SyncReport",
    "ThreadbotClient",
    "make_client",
    "run_discord",
    "sync_commands",
]


async def run_discord(bot: Bot, settings: Settings) -> None:
    """Connect and serve until cancelled; the client (and its sockets) is closed on the way out."""
    config = DiscordConfig.from_settings(settings)
    client = make_client(bot, config)
    async with client:
        try:
            await client.start(config.token, reconnect=True)
        except discord.PrivilegedIntentsRequired:
            raise DiscordConfigError(
                "THREADBOT_DISCORD_MESSAGE_CONTENT is on, but Discord refused the Message Content intent: "
                "enable it in the developer portal (Application > Bot > Privileged Gateway Intents > Message "
                "Content Intent), or set THREADBOT_DISCORD_MESSAGE_CONTENT=false. See docs/discord.md."
            ) from None
