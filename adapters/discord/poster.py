"""Posting on the bot's own initiative (scheduled prompts, reminders) into a Discord channel or thread."""

from __future__ import annotations

import discord

from adapters.discord.render import render
from adapters.discord.sending import send_to_channel
from bot.models import Place, Reply
from bot.posting import ChannelGoneError, Posted

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
        """Send to the place's thread if it has one, else its channel; `open_thread` starts a thread."""
        channel = await self._channel(int(place.thread or place.channel))
        try:
            sent = await send_to_channel(channel, render(reply))
            thread = place.thread
            if open_thread and isinstance(channel, discord.TextChannel):
                created = await sent[0].create_thread(name=open_thread[:THREAD_NAME_CHARS] or "discussion")
                thread = str(created.id)
        except (discord.NotFound, discord.Forbidden) as error:
            raise ChannelGoneError(f"cannot post in Discord channel {place.channel}: {error}") from error
        return Posted(place=place.model_copy(update={"thread": thread}), message_id=str(sent[0].id))
