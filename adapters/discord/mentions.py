"""Commands by mention: `@threadbot quote tokens` in a channel, or any message in a DM; other channel
messages go to the core's observers (`Bot.observe`).

Discord delivers the content of messages that mention the bot (and of DMs) without the privileged Message
Content intent, so this path needs no extra intent. Observers see other messages with empty text unless the
intent is granted. Errors cannot be ephemeral here: they are replies.
"""

from __future__ import annotations

import contextlib
import logging

import discord

from adapters.discord.actors import actor_of
from adapters.discord.config import DiscordConfig
from adapters.discord.inbound import mention_text, place_of
from adapters.discord.outbound import send_to_channel
from adapters.discord.render import render
from bot.core import Bot
from bot.models import Actor, ChannelMessage, Place

log = logging.getLogger(__name__)

_USER_MESSAGES = (discord.MessageType.default, discord.MessageType.reply)


class MentionHandler:
    def __init__(self, bot: Bot, config: DiscordConfig) -> None:
        self.bot = bot
        self.config = config

    async def on_message(self, message: discord.Message, me: discord.ClientUser) -> None:
        if message.author.bot or message.type not in _USER_MESSAGES:
            return
        text = mention_text(message.content, me.id, direct=message.guild is None)
        author = message.author
        permissions = (
            message.channel.permissions_for(author)
            if isinstance(author, discord.Member)
            and not isinstance(message.channel, discord.abc.PrivateChannel)
            else discord.Permissions.none()
        )
        actor = actor_of(author, permissions, self.config.moderator_roles)
        place = place_of(
            message.guild.id if message.guild else None, message.channel, message.channel.id, author.id
        )
        if text is None:
            await self.bot.observe(_observed(message, actor, place))
            return
        found = self.bot.registry.match(text.split())
        slow = found is not None and found[0].slow
        typing = message.channel.typing() if slow else contextlib.nullcontext()
        async with typing:
            reply = await self.bot.handle_text(text, actor, place)
        try:
            await send_to_channel(message.channel, render(reply, message.channel), reply_to=message)
        except discord.HTTPException as error:
            # Typically Missing Permissions (50013) in this channel; the operator fixes it in the server.
            log.warning("could not reply in channel %s: %s", message.channel.id, error)


def _observed(message: discord.Message, actor: Actor, place: Place) -> ChannelMessage:
    """A non-command message for the observers; in a thread started from a message, that message is its parent."""
    parent = message.reference.message_id if message.reference is not None else None
    if parent is None and isinstance(message.channel, discord.Thread):
        parent = message.channel.id
    return ChannelMessage(
        actor=actor,
        place=place,
        message_id=str(message.id),
        text=message.content,
        reply_to_message_id=str(parent) if parent is not None else None,
        created_at=message.created_at,
        url=message.jump_url,
    )
