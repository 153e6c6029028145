"""Button presses under stance and counter replies: each one is handed to the core (`Bot.press`) as the member
who pressed, where they pressed.

The custom id (`buttons`) carries the core's token; the core looks the claim up in the presser's server, runs
the command and says whether the answer is for the presser alone (Show all, the votes) or for the channel
(Another). Like slash commands, a press is deferred before Discord's 3 seconds when the work may take longer.
"""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.actors import actor_of
from adapters.discord.buttons import Control, parse_custom_id
from adapters.discord.config import DiscordConfig
from adapters.discord.deadline import acknowledge_in_time, finish
from adapters.discord.inbound import place_of
from adapters.discord.outbound import deliver, is_ephemeral
from adapters.discord.render import render
from bot.core import Bot
from bot.models import Actor, Place, Reply

log = logging.getLogger(__name__)


class ButtonHandler:
    def __init__(self, bot: Bot, config: DiscordConfig) -> None:
        self.bot = bot
        self.config = config

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        data: dict[str, object] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        control = parse_custom_id(custom_id)
        if control is None:
            log.info("ignoring a press of component %r: not a threadbot button", custom_id)
            return
        try:
            await self.press(interaction, control)
        except discord.HTTPException as error:
            log.warning("could not answer button press %s: %s", interaction.id, error)

    async def press(self, interaction: discord.Interaction, control: Control) -> None:
        actor = actor_of(interaction.user, interaction.permissions, self.config.moderator_roles)
        place = place_of(
            interaction.guild_id, interaction.channel, interaction.channel_id, interaction.user.id
        )
        work = asyncio.create_task(self.run(control, actor, place), name=f"discord-button-{control.verb}")
        try:
            ack = await acknowledge_in_time(
                interaction, work, self.config, slow=self._slow(control), private=control.private
            )
            reply = await finish(work, control.command_name, self.config)
        except BaseException:
            work.cancel()
            raise
        await deliver(interaction, render(reply, interaction.channel), ephemeral=is_ephemeral(reply), ack=ack)

    async def run(self, control: Control, actor: Actor, place: Place) -> Reply:
        """The core's answer to the press; the `asked` line it may add is not posted on Discord (as before)."""
        return (await self.bot.press(control.token, actor, place)).reply

    def _slow(self, control: Control) -> bool:
        spec = self.bot.registry.get(control.command_name)
        return spec is not None and spec.slow
