"""The listeners: slash commands and autocomplete, and messages (commands by mention, in DMs, or ordinary
channel messages for the core's observers, `Bot.observe`); neutral commands to the bot, rendered replies out.

A slash command is answered within Discord's 3 seconds, or deferred and followed up (`deadline`): the core
runs as its own task while `acknowledge_in_time` watches the clock. Nothing here blocks the event loop, so the
gateway keeps reading and heartbeating while a command works.

Discord delivers the content of messages that mention the bot (and of DMs) without the privileged Message
Content intent, so commands by mention need no extra intent. Observers see other messages with empty text
unless the intent is granted. Errors cannot be ephemeral in a channel: they are replies.
"""

from __future__ import annotations

import contextlib
import logging

import discord

from adapters.discord.actors import actor_of
from adapters.discord.appcommands import SlashTree
from adapters.discord.autocomplete import choices
from adapters.discord.config import DiscordConfig
from adapters.discord.deadline import Ack
from adapters.discord.inbound import Invocation, UnknownSlashCommand, mention_text, place_of, resolve
from adapters.discord.inplace import InPlace, answer_interaction, more_in
from adapters.discord.outbound import deliver, is_ephemeral, send_to_channel
from adapters.discord.render import render
from bot.core import Bot
from bot.models import Actor, ChannelMessage, ErrorReply, Place, Reply

log = logging.getLogger(__name__)


class SlashHandler:
    def __init__(self, bot: Bot, tree: SlashTree, config: DiscordConfig) -> None:
        self.bot = bot
        self.tree = tree
        self.config = config

    def _place(self, interaction: discord.Interaction) -> Place:
        return place_of(
            interaction.guild_id, interaction.channel, interaction.channel_id, interaction.user.id
        )

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.type is discord.InteractionType.application_command:
                await self.run(interaction)
            elif interaction.type is discord.InteractionType.autocomplete:
                await self.complete(interaction)
        except discord.HTTPException as error:
            # Too late (10062), token expired, or Discord refused the message: nobody left to tell but the log.
            log.warning("could not answer interaction %s: %s", interaction.id, error)

    def _resolve(self, interaction: discord.Interaction) -> Invocation | None:
        try:
            return resolve(self.tree, dict(interaction.data or {}))
        except UnknownSlashCommand as error:
            log.warning("interaction for unknown command %s: commands need a re-sync", error)
            return None

    async def complete(self, interaction: discord.Interaction) -> None:
        invocation = self._resolve(interaction)
        found: list[str] = []
        if invocation is not None and invocation.focused is not None:
            source = invocation.route.sources.get(invocation.focused)
            typed = str(invocation.values.get(invocation.focused) or "")
            if source is not None:
                actor = actor_of(interaction.user, interaction.permissions, self.config.moderator_roles)
                found = await choices(self.bot, source, typed, actor, self._place(interaction))
        await interaction.response.autocomplete([discord.app_commands.Choice(name=c, value=c) for c in found])

    async def run(self, interaction: discord.Interaction) -> None:
        invocation = self._resolve(interaction)
        if invocation is None:
            await self._deliver(
                interaction,
                ErrorReply(
                    message="This command no longer exists in this version of the bot.",
                    hint="Ask the bot's operator to run `threadbot discord-sync`.",
                ),
                ack=Ack.NONE,
            )
            return
        actor = actor_of(interaction.user, interaction.permissions, self.config.moderator_roles)
        command = invocation.command(actor, self._place(interaction))
        await answer_interaction(
            interaction,
            lambda on_complete: self.bot.handle(command, on_complete),
            self.config,
            name=command.name,
            slow=invocation.route.spec.slow,
        )

    async def _deliver(self, interaction: discord.Interaction, reply: Reply, *, ack: Ack) -> None:
        messages = render(reply, interaction.channel)
        await deliver(interaction, messages, ephemeral=is_ephemeral(reply), ack=ack)


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
        channel = message.channel
        answer = InPlace(lambda reply: render(reply, channel), more_in(channel))
        async with typing:
            reply = await self.bot.handle_text(text, actor, place, answer.on_complete)
        shown: list[discord.Message] = []
        try:
            shown = await send_to_channel(channel, render(reply, channel), reply_to=message)
        except discord.HTTPException as error:
            # Typically Missing Permissions (50013) in this channel; the operator fixes it in the server.
            log.warning("could not reply in channel %s: %s", channel.id, error)
        finally:
            answer.shown(shown)


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
