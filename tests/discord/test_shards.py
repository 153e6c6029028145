"""Several Discord processes on one PostgreSQL database: two real `threadbot run` processes, shards 0 and 1 of 2,
against the fake gateway, which routes each guild to its shard as Discord does.

What an operator would notice: every guild's commands are answered exactly once (by the process holding the
guild's shard), the two IDENTIFYs of one rate-limit bucket arrive at least Discord's 5 seconds apart though
they come from different processes, and the slash commands are pushed once, not once per process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError

from adapters.discord.client import ShardedThreadbotClient, make_client
from adapters.discord.config import DiscordConfig
from adapters.discord.limits import IDENTIFY_SPACING
from bot.core import Bot
from bot.settings import Settings, ShardRange
from tests.bot_processes import BotProcess, bot_env, wait_until_logged
from tests.discord.fake_discord import TOKEN, FakeDiscord, FakeInteraction
from tests.discord.fake_world import FakeChannel, FakeUser, snowflake
from tests.pg_server import fresh_database

SHARDS = 2


def guild_id_on(shard: int, count: int, n: int) -> int:
    """A snowflake whose guild lands on `shard` of `count` ((id >> 22) % count == shard), the n-th such one."""
    base = (snowflake() >> 22) + 1000 * (n + 1)
    return ((base - base % count + shard) << 22) | n


@pytest.fixture
def database_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@dataclass
class Community:
    channels: list[FakeChannel]
    members: list[FakeUser]


@pytest.fixture
def community(fake: FakeDiscord) -> Community:
    """Four guilds, two on each shard of two, each with a channel and a member."""
    channels, members = [], []
    for n in range(4):
        guild = fake.add_guild(f"Guild{n}", id=guild_id_on(n % SHARDS, SHARDS, n))
        member = fake.add_user(f"member{n}")
        guild.add_member(member)
        channels.append(fake.add_channel(guild))
        members.append(member)
    return Community(channels, members)


@pytest.fixture
async def processes(
    fake: FakeDiscord, community: Community, database_url: str, tmp_path: Path
) -> AsyncIterator[list[BotProcess]]:
    """Shards 0/2 and 1/2 in two processes on one database, started together; stopped with Ctrl-C after."""
    models = tmp_path / "no-models"
    models.mkdir()
    guilds = ",".join(str(c.guild_id) for c in community.channels)
    started: list[BotProcess] = []
    try:
        for shard in range(SHARDS):
            env = bot_env(
                database_url,
                models,
                DISCORD_TOKEN=TOKEN,
                DISCORD_GUILD_IDS=guilds,
                THREADBOT_DISCORD_SHARDS=f"{shard}/{SHARDS}",
            )
            args = [fake.api_base, fake.gateway_url]
            started.append(await BotProcess.start(f"shard {shard}", "tests.discord.against_fake", args, env))
        yield started
    finally:
        for running in started:
            await running.stop()


def delivered_to(fake: FakeDiscord, interaction: FakeInteraction) -> list[tuple[int, int]]:
    """The shards of the sessions the gateway sent this interaction to."""
    return [
        session.shard
        for session in fake.gateway.sessions.values()
        for _, event, payload in session.events
        if event == "INTERACTION_CREATE" and int(payload["id"]) == interaction.id
    ]


async def test_two_shard_processes_answer_each_guild_once(
    fake: FakeDiscord, community: Community, processes: list[BotProcess]
) -> None:
    """Shards 0 and 1 of 2 in two processes: each guild's command reaches its shard's process and is answered
    once; the two IDENTIFYs (one bucket: max_concurrency 1) are the spacing apart; commands pushed once."""
    await wait_until_logged(processes, "connected to Discord")
    shards = sorted(i.shard for i in fake.gateway.identified)
    assert shards == [(0, SHARDS), (1, SHARDS)]
    first, second = sorted(i.at for i in fake.gateway.identified)
    assert second - first >= IDENTIFY_SPACING

    asked = [
        await fake.slash(channel, member, "archives")
        for channel, member in zip(community.channels, community.members, strict=True)
    ]
    await fake.wait_for(lambda: all(i.acknowledged_at is not None for i in asked), timeout=10)
    await asyncio.sleep(1.0)  # time for a second answer, were one coming
    for interaction, channel in zip(asked, community.channels, strict=True):
        assert channel.guild_id is not None
        assert delivered_to(fake, interaction) == [((channel.guild_id >> 22) % SHARDS, SHARDS)]
        answers = [s for s in interaction.sent if s.via in ("response", "deferred")]
        assert len(answers) == 1, [s.via for s in interaction.sent]
    assert not fake.violations, fake.violations

    assert fake.command_puts == len(community.channels)  # one push: one PUT per guild, from one process
    assert sum(p.logged("synced") for p in processes) == 1
    assert sum(p.logged("slash commands unchanged") for p in processes) == 1


@pytest.mark.parametrize(("max_concurrency", "spaced"), [(1, True), (2, False)])
async def test_one_process_runs_a_shard_range(
    fake: FakeDiscord, community: Community, bot: Bot, max_concurrency: int, spaced: bool
) -> None:
    """`0-1/2` in one process (SQLite's case too): both shards connect, every guild is answered once by its
    shard; the IDENTIFYs wait for each other only when they share a bucket (shard id % max_concurrency)."""
    fake.max_concurrency = max_concurrency
    guilds = tuple(c.guild_id for c in community.channels if c.guild_id is not None)
    config = DiscordConfig(
        token=TOKEN, guild_ids=guilds, guild_ready_timeout=0.01, shards=ShardRange(0, 1, 2), identify_spacing=0.5
    )
    client = make_client(bot, config)
    assert isinstance(client, ShardedThreadbotClient)
    task = asyncio.create_task(client.start(TOKEN))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 10)
        assert sorted(client.shards) == [0, 1]
        first, second = sorted(i.at for i in fake.gateway.identified)
        assert (second - first >= 0.5) is spaced
        for channel, member in zip(community.channels, community.members, strict=True):
            interaction = await fake.slash(channel, member, "archives")
            await fake.wait_for(lambda i=interaction: i.acknowledged_at is not None)
            assert len(delivered_to(fake, interaction)) == 1
            assert len([s for s in interaction.sent if s.via in ("response", "deferred")]) == 1
    finally:
        await client.close()
        await task


@pytest.mark.parametrize(
    ("value", "problem"),
    [("5/4", "shard 5 does not exist"), ("2-1/4", "runs backwards"), ("x", "not a shard range"), ("0/0", "at least 1")],
)
def test_bad_shard_setting_says_how_to_write_it(value: str, problem: str) -> None:
    """A shard range that names no shard is refused at start, saying what is wrong and the right form."""
    with pytest.raises(ValidationError) as refused:
        Settings(discord_shards=value)
    assert problem in str(refused.value) and "FIRST-LAST/COUNT" in str(refused.value)


def test_shard_setting_forms() -> None:
    """`0-1/4`, `3/4`, spaces allowed; empty means no sharding (one connection, as before)."""
    assert DiscordConfig.from_settings(Settings(discord_token="t", discord_shards=" 0 - 1 / 4")).shards == (
        ShardRange(0, 1, 4)
    )
    assert ShardRange(0, 1, 4).ids == (0, 1)
    assert DiscordConfig.from_settings(Settings(discord_token="t", discord_shards="3/4")).shards == ShardRange(3, 3, 4)
    unsharded = DiscordConfig.from_settings(Settings(discord_token="t"))
    assert unsharded.shards is None
