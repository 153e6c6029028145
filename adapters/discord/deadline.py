"""Answering one interaction (a slash command or a button press) within Discord's 3 seconds.

The core's work runs as its own task while `acknowledge_in_time` watches the clock: a `slow` command is
deferred at once, any other after `defer_after` seconds without a reply. `deliver` then sends the reply as the
first response, or into the deferred message, with the rest as follow-ups. Nothing here blocks the event loop.
"""

from __future__ import annotations

import asyncio
from enum import Enum

import discord

from adapters.discord.config import DiscordConfig
from adapters.discord.outbound import allowed_mentions, view_of
from adapters.discord.packing import Outgoing
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


async def deliver(
    interaction: discord.Interaction, messages: list[Outgoing], *, ephemeral: bool, ack: Ack
) -> None:
    """Send the rendered reply: as the response, or in place of the "thinking" message, then follow-ups."""
    rest: list[Outgoing]
    if ack is Ack.NONE:
        first, rest = messages[0], messages[1:]
        await interaction.response.send_message(
            content=first.content,
            embeds=first.embeds,
            ephemeral=ephemeral,
            allowed_mentions=allowed_mentions(first),
            view=view_of(first),
        )
    elif ephemeral and ack is Ack.PUBLIC:
        # The "thinking" message is public; an error belongs to the asker alone, so replace it.
        await interaction.delete_original_response()
        rest = messages
    else:
        first, rest = messages[0], messages[1:]
        await interaction.edit_original_response(
            content=first.content,
            embeds=first.embeds,
            allowed_mentions=allowed_mentions(first),
            view=view_of(first),
        )
    for message in rest:
        await interaction.followup.send(
            content=message.content or discord.utils.MISSING,
            embeds=message.embeds,
            ephemeral=ephemeral,
            allowed_mentions=allowed_mentions(message),
            view=view_of(message),
        )
