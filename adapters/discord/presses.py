"""Button presses under stance and counter replies: each one runs a core command as the member who pressed.

The custom id (`buttons`) names the action, the stored claim and the archive; the claim's text is looked up
in the presser's server, so a press works in any process, after any restart, and a claim id from another
server is "gone". Show all and the votes answer the presser alone; Another posts the next counter in the
channel. Like slash commands, a press is deferred before Discord's 3 seconds when the work may take longer.
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
from bot.claims import claim_text
from bot.core import Bot
from bot.models import Actor, ErrorReply, Place, Reply

log = logging.getLogger(__name__)

CLAIM_GONE = ErrorReply(
    message="That claim is gone: I have no record of it in this server.",
    hint="Ask again with `/stance claim:` and the claim's words.",
)


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
        private = control.action.private
        work = asyncio.create_task(
            self.run(control, actor, place), name=f"discord-button-{control.action.value}"
        )
        try:
            ack = await acknowledge_in_time(
                interaction, work, self.config, slow=self._slow(control), private=private
            )
            reply = await finish(work, control.action.command_name, self.config)
        except BaseException:
            work.cancel()
            raise
        await deliver(
            interaction, render(reply, interaction.channel), ephemeral=private or is_ephemeral(reply), ack=ack
        )

    async def run(self, control: Control, actor: Actor, place: Place) -> Reply:
        """The command the button stands for, on the claim as this server stored it (or why it cannot run)."""
        claim = await claim_text(self.bot.context, place.space_key, control.claim_id)
        if claim is None or not claim.strip():
            return CLAIM_GONE
        return await self.bot.handle(control.command(claim, actor, place))

    def _slow(self, control: Control) -> bool:
        spec = self.bot.registry.get(control.action.command_name)
        return spec is not None and spec.slow
