"""Button presses under stance and counter replies: each one is handed to the core (`Bot.press`) as the member
who pressed, where they pressed.

The custom id (`buttons`) carries the core's token; the core looks the claim up in the presser's server, runs
the command and says whether the answer is for the presser alone (Show all, the votes) or for the channel
(Another). Like slash commands, a press is deferred before Discord's 3 seconds when the work may take longer.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.actors import actor_of
from adapters.discord.buttons import Control, parse_custom_id
from adapters.discord.config import DiscordConfig
from adapters.discord.inbound import place_of
from adapters.discord.inplace import answer_interaction
from bot.completion import OnComplete
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
        await answer_interaction(
            interaction,
            lambda on_complete: self.run(control, actor, place, on_complete),
            self.config,
            name=control.command_name,
            slow=self._slow(control),
            private=control.private,
        )

    async def run(self, control: Control, actor: Actor, place: Place, on_complete: OnComplete) -> Reply:
        """The core's answer to the press; the `asked` line it may add is not posted on Discord (as before).
        A partial answer is completed in place (`inplace`), as the press's own messages."""
        return (await self.bot.press(control.token, actor, place, on_complete)).reply

    def _slow(self, control: Control) -> bool:
        spec = self.bot.registry.get(control.command_name)
        return spec is not None and spec.slow
