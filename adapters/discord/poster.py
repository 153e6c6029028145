"""Posting on the bot's own initiative (scheduled prompts, session openings and recaps, reminders) into a
Discord channel or thread, optionally opening a thread on the message for the discussion."""

from __future__ import annotations

import logging

import discord

from adapters.discord.outbound import send_to_channel
from adapters.discord.render import render
from adapters.text import one_line
from bot.models import Place, Reply
from bot.posting import ChannelGoneError, Posted

log = logging.getLogger(__name__)

THREAD_NAME_CHARS = 100


class DiscordPoster:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden) as error:
                raise ChannelGoneError(f"Discord channel {channel_id} is gone or hidden: {error}") from error
        if not isinstance(channel, discord.abc.Messageable):
            raise ChannelGoneError(f"Discord channel {channel_id} cannot receive messages")
        return channel

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        """Send to the place's thread if it has one, else its channel; `open_thread` starts a thread on the
        (first) message. A thread Discord refuses leaves the post in the channel: it was sent all the same."""
        channel = await self._channel(int(place.thread or place.channel))
        try:
            sent = await send_to_channel(channel, render(reply, channel))
        except (discord.NotFound, discord.Forbidden) as error:
            raise ChannelGoneError(f"cannot post in Discord channel {place.channel}: {error}") from error
        thread = place.thread
        if open_thread and isinstance(channel, discord.TextChannel):
            thread = await self._open_thread(sent[0], open_thread) or thread
        return Posted(place=place.model_copy(update={"thread": thread}), message_id=str(sent[0].id))

    async def _open_thread(self, message: discord.Message, title: str) -> str | None:
        name = one_line(title)[:THREAD_NAME_CHARS] or "discussion"
        try:
            created = await message.create_thread(name=name)
        except discord.HTTPException as error:
            log.warning(
                "posted in channel %s but could not open the thread %r (%s): grant the bot Create Public "
                "Threads and Send Messages in Threads there",
                message.channel.id,
                name,
                error,
            )
            return None
        return str(created.id)
