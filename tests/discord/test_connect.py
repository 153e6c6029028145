"""Connecting, syncing commands on purpose, and surviving a reconnect, with the real discord.py client."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import SecretStr

from adapters.app import open_bot
from adapters.discord import run_discord, sync_commands
from adapters.discord.config import DiscordConfig, DiscordConfigError
from adapters.discord.sync import HASH_CHANNEL, HASH_KEY, HASH_SPACE
from bot.settings import Settings
from tests.discord.conftest import Running, StartBot, World
from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.discord.fake_gateway import MESSAGE_CONTENT_INTENT

GUILDS_INTENT = 1 << 0


async def test_connects_identifies_without_privileged_intents_and_syncs_to_guilds(running: Running) -> None:
    """Login, IDENTIFY, READY, GUILD_CREATE; commands go to each configured guild, none globally."""
    fake, world = running.fake, running.world
    assert {g.id for g in running.client.guilds} == {world.alpha.id, world.beta.id}
    (identify,) = fake.gateway.identifies
    assert identify["intents"] & GUILDS_INTENT
    assert not identify["intents"] & MESSAGE_CONTENT_INTENT
    assert "compress=zlib-stream" in fake.gateway.connections[0]
    assert fake.gateway.heartbeats >= 1
    assert fake.global_commands == []
    for guild in (world.alpha, world.beta):
        names = {c["name"] for c in fake.guild_commands[guild.id]}
        assert {"quote", "help", "archives", "archive"} <= names
    quote = next(c for c in fake.guild_commands[world.alpha.id] if c["name"] == "quote")
    assert quote["description"].startswith("Quote what people in the thread said")
    archive_option = next(o for o in quote["options"] if o["name"] == "archive")
    assert archive_option["autocomplete"] is True


async def test_restart_with_unchanged_commands_does_not_sync_again(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    """The fingerprint in the store guards the first start; a new guild list is a change and is pushed."""
    first = await start_bot()
    assert fake.command_puts == 2
    await first.client.close()
    await start_bot()
    assert fake.command_puts == 2
    await start_bot(guild_ids=(first.world.alpha.id,))
    assert fake.command_puts == 4  # Alpha's commands, and Beta's emptied
    assert fake.guild_commands[first.world.beta.id] == []


async def test_sync_without_guild_ids_is_global(fake: FakeDiscord, start_bot: StartBot) -> None:
    await start_bot(guild_ids=())
    assert {c["name"] for c in fake.global_commands} >= {"quote", "help"}
    assert fake.guild_commands == {}


async def test_changing_the_target_removes_the_old_commands(fake: FakeDiscord, start_bot: StartBot) -> None:
    """Guilds -> global -> one guild: the set left behind is emptied each time, so nothing shows twice."""
    first = await start_bot()
    alpha, beta = first.world.alpha.id, first.world.beta.id
    await first.client.close()
    second = await start_bot(guild_ids=())
    assert fake.global_commands and fake.guild_commands == {alpha: [], beta: []}
    await second.client.close()
    await start_bot(guild_ids=(alpha,))
    assert fake.global_commands == [] and fake.guild_commands[alpha] and fake.guild_commands[beta] == []


async def test_cli_sync_pushes_over_http_only(fake: FakeDiscord, world: World, settings: Settings) -> None:
    """`threadbot discord-sync`: no gateway connection, commands pushed, fingerprint stored."""
    configured = Settings(
        db=settings.db, discord_token=SecretStr(TOKEN), discord_guild_ids=str(world.alpha.id)
    )
    report = await sync_commands(configured)
    assert report.pushed and report.commands == len(fake.guild_commands[world.alpha.id])
    assert str(world.alpha.id) in str(report)
    assert fake.gateway.connections == []
    async with open_bot(configured) as opened:
        assert await opened.context.stores.archives.get_channel_setting(HASH_SPACE, HASH_CHANNEL, HASH_KEY)


async def test_reconnect_resumes_replays_missed_events_and_does_not_resync(running: Running) -> None:
    """Op 7: the client reconnects and RESUMEs; an event sent while it was away is delivered and answered."""
    fake, world = running.fake, running.world
    resumed = asyncio.create_task(running.client.wait_for("resumed", timeout=5))
    fake.gateway.resume_gate.clear()
    await fake.reconnect()
    await fake.wait_for(lambda: fake.gateway.resumes)
    await fake.user_message(world.general, world.alice, f"{fake.me.mention} help")  # sent while away
    fake.gateway.resume_gate.set()
    await resumed
    assert len(fake.gateway.resumes) == 1 and len(fake.gateway.identifies) == 1
    reply = await fake.wait_for(lambda: [s for s in fake.sent if s.via == "channel"])
    assert "threadbot commands" in reply[0].text()
    await fake.user_message(world.general, world.alice, f"{fake.me.mention} archives")
    await fake.wait_for(lambda: len([s for s in fake.sent if s.via == "channel"]) == 2)
    assert fake.command_puts == 2


async def test_message_content_is_asked_for_only_when_configured(
    fake: FakeDiscord, start_bot: StartBot
) -> None:
    """THREADBOT_DISCORD_MESSAGE_CONTENT=true (with the intent on in the portal) adds it to IDENTIFY."""
    fake.gateway.portal_intents = MESSAGE_CONTENT_INTENT
    await start_bot(message_content=True)
    (identify,) = fake.gateway.identifies
    assert identify["intents"] & MESSAGE_CONTENT_INTENT and identify["intents"] & GUILDS_INTENT
    assert DiscordConfig.from_settings(Settings(discord_token=SecretStr("t"))).message_content is False
    enabled = Settings(discord_token=SecretStr("t"), discord_message_content=True)
    assert DiscordConfig.from_settings(enabled).message_content is True


async def test_the_intent_refused_by_the_portal_is_a_clear_configuration_error(
    fake: FakeDiscord, world: World, settings: Settings
) -> None:
    """Discord closes the gateway with 4014; `threadbot run` says which setting and where to switch it on."""
    configured = Settings(
        db=settings.db,
        discord_token=SecretStr(TOKEN),
        discord_guild_ids=str(world.alpha.id),
        discord_message_content=True,
    )
    async with open_bot(configured) as opened:
        with pytest.raises(DiscordConfigError, match="Privileged Gateway Intents > Message Content Intent"):
            await asyncio.wait_for(run_discord(opened, configured), timeout=5)
    (identify,) = fake.gateway.identifies
    assert identify["intents"] & MESSAGE_CONTENT_INTENT
