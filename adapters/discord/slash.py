"""Slash commands and autocomplete: answer within Discord's 3 seconds, or defer and follow up (`deadline`).

The core runs as its own task while `acknowledge_in_time` watches the clock. Nothing here blocks the event
loop, so the gateway keeps reading and heartbeating while a command works.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.actors import actor_of
from adapters.discord.appcommands import SlashTree
from adapters.discord.autocomplete import suggest
from adapters.discord.config import DiscordConfig
from adapters.discord.deadline import Ack, acknowledge_in_time, finish
from adapters.discord.inbound import Invocation, UnknownSlashCommand, place_of, resolve
from adapters.discord.outbound import deliver, is_ephemeral
from adapters.discord.render import render
from bot.core import Bot
from bot.models import ErrorReply, Place, Reply

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
        choices: list[str] = []
        if invocation is not None and invocation.focused is not None:
            source = invocation.route.sources.get(invocation.focused)
            typed = str(invocation.values.get(invocation.focused) or "")
            if source is not None:
                choices = await suggest(self.bot, self._place(interaction), source, typed)
        await interaction.response.autocomplete(
            [discord.app_commands.Choice(name=c, value=c) for c in choices]
        )

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
        work = asyncio.create_task(self.bot.handle(command), name=f"discord-{command.name}")
        try:
            ack = await acknowledge_in_time(interaction, work, self.config, slow=invocation.route.spec.slow)
            reply = await finish(work, command.name, self.config)
        except BaseException:
            work.cancel()
            raise
        await self._deliver(interaction, reply, ack=ack)

    async def _deliver(self, interaction: discord.Interaction, reply: Reply, *, ack: Ack) -> None:
        messages = render(reply, interaction.channel)
        await deliver(interaction, messages, ephemeral=is_ephemeral(reply), ack=ack)
