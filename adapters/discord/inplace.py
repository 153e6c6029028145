"""Answers that complete in place on Discord: a partial answer's messages are edited into the completed one.

The core hands the completed reply to `InPlace.on_complete` (bot/completion.py). It waits until the first
answer is sent (`shown`), renders the completed reply with the same renderer and `replace`s the first answer's
messages with it: message *i* is edited into part *i*; parts beyond the first answer's messages are sent after
them (as follow-ups of the interaction, or into the channel); messages left over are deleted. The first
message, the one people saw answer them, is always edited in place; buttons end up under the last part. An
edit allows no mentions at all. A message that can no longer be edited (deleted, or the interaction's 15
minutes are over) is logged and left as it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord

from adapters.discord.buttons import Buttons
from adapters.discord.config import DiscordConfig
from adapters.discord.deadline import acknowledge_in_time, finish
from adapters.discord.outbound import NO_MENTIONS, deliver, is_ephemeral, send_followup, send_to_channel
from adapters.discord.packing import Outgoing
from adapters.discord.render import render
from bot.completion import OnComplete
from bot.models import Reply

log = logging.getLogger(__name__)

SendMore = Callable[[Outgoing, bool], Awaitable[discord.Message]]
"""Sends one more part of a completed answer after the others (the bool: for the asker alone)."""


class InPlace:
    """One answer on its way: `on_complete` replaces its messages once `shown` says which they are."""

    def __init__(self, draw: Callable[[Reply], list[Outgoing]], send_more: SendMore) -> None:
        self.draw = draw
        self.send_more = send_more
        self._shown: asyncio.Future[tuple[list[discord.Message], bool]] = (
            asyncio.get_running_loop().create_future()
        )

    def shown(self, messages: list[discord.Message], *, ephemeral: bool = False) -> None:
        """The first answer was sent as `messages` (none: it was not sent, and nothing will be edited)."""
        if not self._shown.done():
            self._shown.set_result((messages, ephemeral))

    async def on_complete(self, final: Reply) -> None:
        messages, ephemeral = await self._shown
        if not messages:
            return
        try:
            await replace(messages, self.draw(final), lambda part: self.send_more(part, ephemeral))
        except discord.HTTPException as error:
            log.warning("could not complete the answer in message %s: %s", messages[0].id, error)


async def answer_interaction(
    interaction: discord.Interaction,
    run: Callable[[OnComplete], Coroutine[Any, Any, Reply]],
    config: DiscordConfig,
    *,
    name: str,
    slow: bool,
    private: bool = False,
) -> None:
    """Answer a slash command or a press within Discord's 3 seconds (`deadline`) with what `run` returns (the
    core's work, run as its own task), then complete that answer in place if the core finishes it later."""
    answer = InPlace(lambda reply: render(reply, interaction.channel), followups_of(interaction))
    work = asyncio.create_task(run(answer.on_complete), name=f"discord-{name}")
    try:
        ack = await acknowledge_in_time(interaction, work, config, slow=slow, private=private)
        reply = await finish(work, name, config)
    except BaseException:
        work.cancel()
        answer.shown([])
        raise
    shown: list[discord.Message] = []
    try:
        messages = render(reply, interaction.channel)
        shown = await deliver(interaction, messages, ephemeral=is_ephemeral(reply), ack=ack)
    finally:
        answer.shown(shown, ephemeral=is_ephemeral(reply))


async def replace(
    shown: list[discord.Message],
    parts: list[Outgoing],
    send_more: Callable[[Outgoing], Awaitable[discord.Message]],
) -> None:
    """Edit `shown` into `parts`, in order: more parts are sent after them, leftover messages deleted."""
    for index, part in enumerate(parts):
        if index < len(shown):
            shown[index] = await shown[index].edit(
                content=part.content,
                embeds=part.embeds,
                allowed_mentions=NO_MENTIONS,
                view=Buttons(part.buttons) if part.buttons else None,  # None: drop the buttons it had
            )
        else:
            shown.append(await send_more(part))
    for leftover in shown[len(parts) :]:
        await leftover.delete()
    del shown[len(parts) :]


def followups_of(interaction: discord.Interaction) -> SendMore:
    """More parts of an interaction's answer, as its follow-ups."""

    async def send(part: Outgoing, ephemeral: bool) -> discord.Message:
        return await send_followup(interaction, part, ephemeral=ephemeral)

    return send


def more_in(channel: discord.abc.Messageable) -> SendMore:
    """More parts of an answer to a mention, into its channel (a channel message is never ephemeral)."""

    async def send(part: Outgoing, ephemeral: bool) -> discord.Message:
        [sent] = await send_to_channel(channel, [part])
        return sent

    return send
