"""Registering the slash commands with Discord, on purpose rather than on every connect.

`on_ready` fires on every reconnect and Discord caps command creations per day, so commands are pushed
only by `threadbot discord-sync` (`sync_commands`) or at start when their fingerprint changed since the last
push (`sync_if_changed`). The fingerprint is kept in the store, next to the data it describes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord

from adapters.app import open_bot
from adapters.discord.appcommands import SlashTree, build_tree
from adapters.discord.config import DiscordConfig
from bot.autocomplete import SOURCES
from bot.registry import Registry
from bot.settings import Settings
from storage.interface import Store

log = logging.getLogger(__name__)

HASH_SPACE = "discord:app"
HASH_CHANNEL = "-"
HASH_KEY = "command_hash"
TARGET_KEY = "command_target"
"""Where the commands went last time ("global" or guild ids), so a change of target removes the old set."""
GLOBAL = "global"
SYNC_LOCK = "discord:command-sync"
"""Held (across processes on one database) while commands are compared and pushed: one process pushes."""


@dataclass(frozen=True, slots=True)
class SyncReport:
    commands: int
    target: str
    pushed: bool

    def __str__(self) -> str:
        verb = "synced" if self.pushed else "already up to date:"
        return f"{verb} {self.commands} slash commands ({self.target})"


def slash_tree(registry: Registry) -> SlashTree:
    return build_tree(registry, autocomplete=frozenset(SOURCES))


def _target(guild_ids: tuple[int, ...]) -> str:
    if not guild_ids:
        return "global: may take up to an hour to appear"
    return "guilds " + ", ".join(map(str, guild_ids))


def _fingerprint(tree: SlashTree, application_id: int, guild_ids: tuple[int, ...]) -> str:
    return tree.digest(str(application_id), *map(str, guild_ids))


async def push(client: discord.Client, tree: SlashTree, guild_ids: tuple[int, ...], store: Store) -> None:
    """Overwrite the application's commands (per guild when guild ids are set) and remember what was sent.

    Commands left where they went last time (globally, or in guilds no longer listed) are removed, so nobody
    sees each command twice after a change of `DISCORD_GUILD_IDS`."""
    application_id = _application_id(client)
    previous = await store.get_channel_setting(HASH_SPACE, HASH_CHANNEL, TARGET_KEY)
    old_guilds = {int(g) for g in (previous or "").split(",") if g.isdigit()}
    if guild_ids:
        for guild_id in guild_ids:
            await client.http.bulk_upsert_guild_commands(application_id, guild_id, tree.payload)
        if previous == GLOBAL:
            await client.http.bulk_upsert_global_commands(application_id, [])
    else:
        await client.http.bulk_upsert_global_commands(application_id, tree.payload)
    for guild_id in sorted(old_guilds - set(guild_ids)):
        try:
            await client.http.bulk_upsert_guild_commands(application_id, guild_id, [])
        except (discord.Forbidden, discord.NotFound):
            log.info("could not remove commands from guild %s (the bot left it?)", guild_id)
    target = ",".join(map(str, guild_ids)) or GLOBAL
    await store.set_channel_setting(HASH_SPACE, HASH_CHANNEL, TARGET_KEY, target)
    await store.set_channel_setting(
        HASH_SPACE, HASH_CHANNEL, HASH_KEY, _fingerprint(tree, application_id, guild_ids)
    )
    log.info("synced %d slash commands (%s)", len(tree.payload), _target(guild_ids))


async def sync_if_changed(
    client: discord.Client, tree: SlashTree, guild_ids: tuple[int, ...], store: Store
) -> SyncReport:
    """The guarded first start: push only if the commands or their target changed since the last push."""
    stored = await store.get_channel_setting(HASH_SPACE, HASH_CHANNEL, HASH_KEY)
    report = SyncReport(commands=len(tree.payload), target=_target(guild_ids), pushed=False)
    if stored == _fingerprint(tree, _application_id(client), guild_ids):
        log.info("slash commands unchanged since the last sync; not re-registering")
        return report
    await push(client, tree, guild_ids, store)
    return SyncReport(commands=report.commands, target=report.target, pushed=True)


async def sync_commands(settings: Settings) -> SyncReport:
    """`threadbot discord-sync`: log in over HTTP only (no gateway) and push the commands unconditionally."""
    config = DiscordConfig.from_settings(settings)
    async with open_bot(settings) as bot:
        tree = slash_tree(bot.registry)
        client = discord.Client(intents=discord.Intents.none())
        async with client:
            await client.login(config.token)
            async with bot.context.stores.locks.hold(SYNC_LOCK):
                await push(client, tree, config.guild_ids, bot.context.stores.archives)
    return SyncReport(commands=len(tree.payload), target=_target(config.guild_ids), pushed=True)


def _application_id(client: discord.Client) -> int:
    if client.application_id is None:
        raise RuntimeError("log in before syncing commands: the application id comes from Discord")
    return client.application_id
