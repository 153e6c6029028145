"""The discord.py client of threadbot: intents, mention safety, and the events it listens to.

By default it asks for no privileged intent: guilds (channels, threads and roles, for moderator checks and
role pings), guild and DM messages (their content arrives when the bot is mentioned or in DMs). With
`message_content` it also asks for Message Content, so sessions see what ordinary messages say. Every send
defaults to no mentions.

With `THREADBOT_DISCORD_SHARDS` the process runs a range of shards (`ShardedThreadbotClient`, discord.py's
AutoShardedClient): the processes sharing one database take turns to IDENTIFY per rate-limit bucket
(adapters/discord/identify.py), and only one of them pushes changed slash commands.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from adapters.discord.config import DiscordConfig
from adapters.discord.handlers import MentionHandler, SlashHandler
from adapters.discord.identify import IdentifyGate
from adapters.discord.poster import DiscordPoster
from adapters.discord.presses import ButtonHandler
from adapters.discord.sync import SYNC_LOCK, slash_tree, sync_if_changed
from bot.core import Bot

log = logging.getLogger(__name__)


NO_CONTENT_NOTE = (
    "Message Content intent off: sessions on Discord count messages but not words, and recording keeps only "
    "messages that mention the bot (THREADBOT_DISCORD_MESSAGE_CONTENT, docs/discord.md)"
)


def intents(*, message_content: bool = False) -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.dm_messages = True
    chosen.message_content = message_content
    return chosen


class ThreadbotClient(discord.Client):
    def __init__(
        self, bot: Bot, config: DiscordConfig, *, sync_on_start: bool = True, **sharding: Any
    ) -> None:
        # threadbot has no voice features: the "PyNaCl/davey is not installed" warnings are noise.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(message_content=config.message_content),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=config.guild_ready_timeout,
            max_messages=None,
            chunk_guilds_at_startup=False,
            **sharding,
        )
        self.bot = bot
        self.config = config
        self.sync_on_start = sync_on_start
        self.slash_commands = slash_tree(bot.registry)
        self.slash = SlashHandler(bot, self.slash_commands, config)
        self.mentions = MentionHandler(bot, config)
        self.presses = ButtonHandler(bot, config)

    async def setup_hook(self) -> None:
        """Runs once after login, before the gateway: the one place to sync, never `on_ready`."""
        self.bot.context.posters.register("discord", DiscordPoster(self))
        if self.config.message_content:
            log.info("asking Discord for the Message Content intent: sessions see what messages say")
        else:
            log.info(NO_CONTENT_NOTE)
        if self.sync_on_start:
            stores = self.bot.context.stores
            async with stores.locks.hold(SYNC_LOCK):  # the first process pushes; the others find it done
                await sync_if_changed(self, self.slash_commands, self.config.guild_ids, stores.archives)

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d guilds", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        if self.user is not None:
            await self.mentions.on_message(message, self.user)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Slash commands and autocomplete go to `slash`; button presses (by custom id) to `presses`."""
        if interaction.type is discord.InteractionType.component:
            await self.presses.on_interaction(interaction)
        else:
            await self.slash.on_interaction(interaction)


class ShardedThreadbotClient(ThreadbotClient, discord.AutoShardedClient):
    """The shards `config.shards` of the bot, in one process beside others running the rest."""

    def __init__(self, bot: Bot, config: DiscordConfig, *, sync_on_start: bool = True) -> None:
        if config.shards is None:
            raise ValueError("a sharded client needs config.shards")
        super().__init__(
            bot,
            config,
            sync_on_start=sync_on_start,
            shard_ids=list(config.shards.ids),
            shard_count=config.shards.count,
        )
        self.gate = IdentifyGate(bot.context.stores.locks, spacing=config.identify_spacing)

    async def setup_hook(self) -> None:
        """Learn the IDENTIFY buckets (`max_concurrency`) before any shard connects, then the usual start."""
        try:
            limits = await self.fetch_session_start_limits()
            self.gate.max_concurrency = max(1, int(limits.max_concurrency))
        except discord.GatewayNotFound:
            log.warning("could not read Discord's session start limits: shards identify one at a time")
        log.info(
            "running Discord shards %s (IDENTIFY buckets: %d)", self.config.shards, self.gate.max_concurrency
        )
        await super().setup_hook()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Instead of discord.py's 5-second sleep in this process: the bucket's turn across all processes."""
        await self.gate.before_identify(shard_id)

    async def close(self) -> None:
        await super().close()
        await self.gate.close()


def make_client(bot: Bot, config: DiscordConfig, *, sync_on_start: bool = True) -> ThreadbotClient:
    """The sharded client when `config.shards` names a range, else the one-connection client of old."""
    if config.shards is not None:
        return ShardedThreadbotClient(bot, config, sync_on_start=sync_on_start)
    return ThreadbotClient(bot, config, sync_on_start=sync_on_start)
