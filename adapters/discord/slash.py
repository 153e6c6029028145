"""Slash commands and autocomplete: answer within Discord's 3 seconds, or defer and follow up.

The core runs as its own task while this coroutine watches the clock: a `slow` command is deferred at once,
any other after `defer_after` seconds without a reply. Nothing here blocks the event loop, so the gateway
keeps reading and heartbeating while a command works.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.appcommands import SlashTree
from adapters.discord.autocomplete import suggest
from adapters.discord.config import DiscordConfig
from adapters.discord.invocation import Invocation, UnknownSlashCommand, resolve
from adapters.discord.packing import Outgoing
from adapters.discord.people import actor_of, place_of
from adapters.discord.render import is_ephemeral, render
from adapters.discord.sending import allowed_mentions
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
                deferred=False,
            )
            return
        actor = actor_of(interaction.user, interaction.permissions, self.config.moderator_roles)
        command = invocation.command(actor, self._place(interaction))
        work = asyncio.create_task(self.bot.handle(command), name=f"discord-{command.name}")
        try:
            deferred = await self._acknowledge_in_time(interaction, work, slow=invocation.route.spec.slow)
            reply = await self._finish(work, command.name)
        except BaseException:
            work.cancel()
            raise
        await self._deliver(interaction, reply, deferred=deferred)

    async def _acknowledge_in_time(
        self, interaction: discord.Interaction, work: asyncio.Task[Reply], *, slow: bool
    ) -> bool:
        """Defer (Discord shows "thinking...") unless the reply is ready within the budget."""
        if not slow:
            done, _ = await asyncio.wait({work}, timeout=self.config.defer_after)
            if done:
                return False
        await interaction.response.defer(thinking=True)
        return True

    async def _finish(self, work: asyncio.Task[Reply], name: str) -> Reply:
        """The reply, or an apology shortly before the 15-minute follow-up token expires."""
        ttl = self.config.followup_ttl
        try:
            return await asyncio.wait_for(work, timeout=ttl - min(60.0, ttl / 10))
        except TimeoutError:
            return ErrorReply(
                message=f"`{name}` took longer than Discord lets me answer.", hint="Try a narrower query."
            )

    async def _deliver(self, interaction: discord.Interaction, reply: Reply, *, deferred: bool) -> None:
        messages = render(reply, interaction.channel)
        ephemeral = is_ephemeral(reply)
        rest: list[Outgoing]
        if not deferred:
            first, rest = messages[0], messages[1:]
            await interaction.response.send_message(
                content=first.content,
                embeds=first.embeds,
                ephemeral=ephemeral,
                allowed_mentions=allowed_mentions(first),
            )
        elif ephemeral:
            # The "thinking" message is public; an error belongs to the asker alone, so replace it.
            await interaction.delete_original_response()
            rest = messages
        else:
            first, rest = messages[0], messages[1:]
            await interaction.edit_original_response(
                content=first.content, embeds=first.embeds, allowed_mentions=allowed_mentions(first)
            )
        for message in rest:
            await interaction.followup.send(
                content=message.content or discord.utils.MISSING,
                embeds=message.embeds,
                ephemeral=ephemeral,
                allowed_mentions=allowed_mentions(message),
            )
