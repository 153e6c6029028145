"""A fake Discord on loopback, a small world in it, and the real discord.py client of threadbot connected to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord.client import ThreadbotClient
from adapters.discord.config import DiscordConfig
from bot.core import Bot
from bot.models import ChannelMessage
from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.discord.fake_world import MANAGE_MESSAGES, FakeChannel, FakeGuild, FakeUser


@dataclass
class World:
    alpha: FakeGuild
    beta: FakeGuild
    general: FakeChannel
    beta_general: FakeChannel
    alice: FakeUser
    moderator: FakeUser
    archivist: FakeUser
    bob: FakeUser


MONDAY_MORNING = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)


@dataclass
class Clock:
    """The bot's clock (`bot.context.clock`), moved by hand; Discord's own timestamps stay real."""

    now: datetime = MONDAY_MORNING

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Running:
    fake: FakeDiscord
    client: ThreadbotClient
    bot: Bot
    world: World


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """The fake, with discord.py's two base addresses pointed at it (restored after the test)."""
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    yield server
    await server.close()
    assert not server.violations, server.violations


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    """Two guilds. In Alpha: alice (member), a Moderators role (Manage Messages), an Archivists role (no
    permissions, named in the settings); in Beta: bob."""
    alpha, beta = fake.add_guild("Alpha"), fake.add_guild("Beta")
    general, beta_general = fake.add_channel(alpha), fake.add_channel(beta)
    mods = alpha.add_role("Moderators", MANAGE_MESSAGES)
    archivists = alpha.add_role("Archivists")
    alice, moderator, archivist, bob = (fake.add_user(n) for n in ("alice", "mod", "archie", "bob"))
    alpha.add_member(alice)
    alpha.add_member(moderator, mods)
    alpha.add_member(archivist, archivists)
    beta.add_member(bob)
    return World(alpha, beta, general, beta_general, alice, moderator, archivist, bob)


StartBot = Callable[..., Awaitable[Running]]


@pytest.fixture
async def start_bot(fake: FakeDiscord, world: World, bot: Bot) -> AsyncIterator[StartBot]:
    """Start threadbot's client against the fake (config overrides as keyword arguments); closed afterwards."""
    started: list[tuple[ThreadbotClient, asyncio.Task[None]]] = []

    async def start(**overrides: Any) -> Running:
        options: dict[str, Any] = {
            "token": TOKEN,
            "guild_ids": (world.alpha.id, world.beta.id),
            "moderator_roles": frozenset({"archivists"}),
            "guild_ready_timeout": 0.01,
        }
        config = DiscordConfig(**(options | overrides))
        client = ThreadbotClient(bot, config)
        task = asyncio.create_task(client.start(TOKEN))
        started.append((client, task))
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            raise AssertionError(
                f"the client did not become ready: {task.exception() if task.done() else ''}"
            )
        return Running(fake, client, bot, world)

    yield start
    for client, task in started:
        await client.close()
        await task


@pytest.fixture
async def running(start_bot: StartBot) -> Running:
    return await start_bot()


@pytest.fixture
def observed(bot: Bot, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> list[ChannelMessage]:
    """Every ordinary message `Bot.observe` has finished with (all observers done), in order; each one wakes
    `fake.wait_for`, so a test can wait until the bot has counted what it was sent."""
    finished: list[ChannelMessage] = []
    observe = bot.observe

    async def observe_and_tell(message: ChannelMessage) -> None:
        await observe(message)
        finished.append(message)
        fake.wake()

    monkeypatch.setattr(bot, "observe", observe_and_tell)
    return finished


@pytest.fixture
def clock(bot: Bot) -> Clock:
    """The bot's clock, set to Monday 10 March 2025, 08:00 UTC."""
    clock = Clock()
    bot.context.clock = clock
    return clock
