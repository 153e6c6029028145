"""Answering one interaction (a slash command or a button press) within Discord's 3 seconds.

The core's work runs as its own task while `acknowledge_in_time` watches the clock: a `slow` command is
deferred at once, any other after `defer_after` seconds without a reply; `finish` gives up with an apology
before the follow-up token expires. `outbound.deliver` then sends the reply. Nothing here blocks the event loop.
"""

from __future__ import annotations

import asyncio
from enum import Enum

import discord

from adapters.discord.config import DiscordConfig
from bot.models import ErrorReply, Reply


class Ack(Enum):
    """How an interaction was acknowledged before its reply was ready."""

    NONE = "not yet: the reply is the response"
    PUBLIC = "deferred with a public 'thinking...' message"
    PRIVATE = "deferred with a 'thinking...' message only the user sees"


async def acknowledge_in_time(
    interaction: discord.Interaction,
    work: asyncio.Task[Reply],
    config: DiscordConfig,
    *,
    slow: bool,
    private: bool = False,
) -> Ack:
    """Defer (Discord shows "thinking...") unless the reply is ready within the budget; `private` shows the
    thinking, and so the answer that replaces it, to the user alone."""
    if not slow:
        done, _ = await asyncio.wait({work}, timeout=config.defer_after)
        if done:
            return Ack.NONE
    await interaction.response.defer(thinking=True, ephemeral=private)
    return Ack.PRIVATE if private else Ack.PUBLIC


async def finish(work: asyncio.Task[Reply], name: str, config: DiscordConfig) -> Reply:
    """The reply, or an apology shortly before the 15-minute follow-up token expires."""
    ttl = config.followup_ttl
    try:
        return await asyncio.wait_for(work, timeout=ttl - min(60.0, ttl / 10))
    except TimeoutError:
        return ErrorReply(
            message=f"`{name}` took longer than Discord lets me answer.", hint="Try a narrower query."
        )
