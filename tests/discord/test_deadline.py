"""Slow work is deferred before Discord's deadline and followed up; the gateway stays alive meanwhile."""

from __future__ import annotations

import asyncio

from bot.context import Context
from bot.core import Bot
from bot.models import Command, ErrorReply, Reply, TextReply
from bot.registry import CommandSpec
from tests.discord.conftest import StartBot
from tests.discord.fake_discord import FakeDiscord


def add_waiting_command(bot: Bot, name: str, *, slow: bool, reply: Reply | None = None) -> asyncio.Event:
    """A command that answers only when the test sets the returned event."""
    gate = asyncio.Event()

    async def handler(ctx: Context, command: Command) -> Reply:
        await gate.wait()
        return reply or TextReply(text=f"{name} is done, @everyone")

    bot.registry.add(CommandSpec(name=name, handler=handler, help=f"{name}: waits for the test.", slow=slow))
    return gate


async def test_slow_command_is_deferred_at_once_then_followed_up(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    gate = add_waiting_command(bot, "ponder", slow=True)
    running = await start_bot()
    world = running.world
    interaction = await fake.slash(world.general, world.alice, "ponder")
    await fake.wait_for(lambda: interaction.response_type == 5)
    assert interaction.acknowledged_at is not None
    assert interaction.acknowledged_at - interaction.created < 1.0
    gate.set()
    await fake.wait_for(lambda: [s for s in interaction.sent if s.via == "edit"])
    deferred, edit = interaction.sent
    assert deferred.via == "deferred"
    assert edit.content == "ponder is done, @everyone"
    assert edit.payload["allowed_mentions"] == {"parse": []}


async def test_command_over_budget_is_deferred_before_the_deadline(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    """Not marked slow, but still running at `defer_after`: deferred in time (deadline shrunk to 0.5 s)."""
    fake.deadline = 0.5
    gate = add_waiting_command(bot, "dawdle", slow=False)
    running = await start_bot(defer_after=0.1)
    world = running.world
    interaction = await fake.slash(world.general, world.alice, "dawdle")
    await fake.wait_for(lambda: interaction.response_type == 5)
    await asyncio.sleep(fake.deadline)  # past the deadline: only follow-ups are possible now
    gate.set()
    await fake.wait_for(lambda: [s for s in interaction.sent if s.via == "edit"])
    assert not fake.violations


async def test_quick_command_is_answered_directly(fake: FakeDiscord, bot: Bot, start_bot: StartBot) -> None:
    gate = add_waiting_command(bot, "brisk", slow=False)
    gate.set()
    running = await start_bot()
    interaction = await fake.slash(running.world.general, running.world.alice, "brisk")
    await fake.wait_for(lambda: interaction.sent)
    assert [s.via for s in interaction.sent] == ["response"]


async def test_error_after_deferral_is_shown_only_to_the_asker(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    gate = add_waiting_command(
        bot, "fail", slow=True, reply=ErrorReply(message="It broke.", hint="Try again.")
    )
    running = await start_bot()
    interaction = await fake.slash(running.world.general, running.world.alice, "fail")
    await fake.wait_for(lambda: interaction.response_type == 5)
    gate.set()
    await fake.wait_for(lambda: [s for s in interaction.sent if s.via == "followup"])
    assert [s.via for s in interaction.sent] == ["deferred", "delete", "followup"]
    assert interaction.sent[-1].ephemeral and "It broke." in interaction.sent[-1].content


async def test_work_does_not_block_the_gateway(bot: Bot, start_bot: StartBot) -> None:
    """While a slow command works, heartbeats keep flowing and other commands are answered."""
    gate = add_waiting_command(bot, "ponder", slow=True)
    running = await start_bot()
    fake, world = running.fake, running.world
    fake.gateway.heartbeat_interval_ms = 20
    await fake.reconnect()  # a fresh HELLO with the short interval
    await fake.wait_for(lambda: fake.gateway.resumes)
    slow = await fake.slash(world.general, world.alice, "ponder")
    await fake.wait_for(lambda: slow.response_type == 5)
    beats = fake.gateway.heartbeats
    quick = await fake.slash(world.general, world.alice, "archives")
    await fake.wait_for(lambda: quick.sent and fake.gateway.heartbeats >= beats + 3)
    assert not [s for s in slow.sent if s.via == "edit"]
    gate.set()
    await fake.wait_for(lambda: [s for s in slow.sent if s.via == "edit"])


async def test_reply_near_the_token_expiry_is_an_apology(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    """A command still running when the follow-up token is about to expire gets a timely explanation."""
    add_waiting_command(bot, "forever", slow=True)
    running = await start_bot(followup_ttl=0.3)
    interaction = await fake.slash(running.world.general, running.world.alice, "forever")
    await fake.wait_for(lambda: [s for s in interaction.sent if s.via == "followup"])
    assert "took longer than Discord lets me answer" in interaction.sent[-1].content


async def test_slow_command_by_mention_shows_typing_then_replies(
    fake: FakeDiscord, bot: Bot, start_bot: StartBot
) -> None:
    gate = add_waiting_command(bot, "ponder", slow=True)
    running = await start_bot()
    world = running.world
    await fake.user_message(world.general, world.alice, f"{fake.me.mention} ponder")
    await fake.wait_for(lambda: fake.typing)
    assert fake.typing == [world.general.id] and not fake.sent
    gate.set()
    (reply,) = await fake.wait_for(lambda: fake.sent)
    assert reply.content == "ponder is done, @everyone"
    assert reply.payload["allowed_mentions"]["parse"] == []
