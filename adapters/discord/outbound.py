"""Sending rendered messages, always with mentions disabled.

The client is built with `AllowedMentions.none()` as well; passing it on every call too means a quoted
`@everyone`, `<@&role>` or `<@user>` stays inert even if someone later changes the client's default. The one
exception a message carries (`Outgoing.mention_user_id` or `mention_role_id`) is allowed by id, alone.
Buttons go out as plain components: a press is answered by its custom id (`presses`), not by a callback kept
in memory, so discord.py is told there is nothing to remember.
"""

from __future__ import annotations

import discord

from adapters.discord.buttons import Button
from adapters.discord.packing import Outgoing

NO_MENTIONS = discord.AllowedMentions.none()


class Buttons(discord.ui.View):
    """Buttons answered by custom id in `on_interaction`, so they outlive this process and its memory."""

    def __init__(self, buttons: tuple[Button, ...]) -> None:
        super().__init__(timeout=None)
        for button in buttons:
            style = discord.ButtonStyle(button.style.value)
            self.add_item(
                discord.ui.Button(label=button.label, custom_id=button.control.custom_id, style=style)
            )

    def is_dispatchable(self) -> bool:
        """Nothing for discord.py to store per message and dispatch: the custom ids say it all."""
        return False


def view_of(message: Outgoing) -> discord.ui.View:
    """The message's buttons, or `MISSING` (send no components, leave an edited message's as they are)."""
    return Buttons(message.buttons) if message.buttons else discord.utils.MISSING


def allowed_mentions(message: Outgoing) -> discord.AllowedMentions:
    """No mentions at all, except the one user or the one role a reply was meant to ping (never @everyone)."""
    user, role = message.mention_user_id, message.mention_role_id
    if user is None and role is None:
        return NO_MENTIONS
    return discord.AllowedMentions(
        everyone=False,
        replied_user=False,
        users=[discord.Object(user)] if user is not None else False,
        roles=[discord.Object(role)] if role is not None else False,
    )


async def send_to_channel(
    channel: discord.abc.Messageable, messages: list[Outgoing], reply_to: discord.Message | None = None
) -> list[discord.Message]:
    """Send each message in order; the first replies to `reply_to` (without pinging its author)."""
    sent = []
    for index, message in enumerate(messages):
        if reply_to is not None and index == 0:
            sent.append(
                await channel.send(
                    content=message.content,
                    embeds=message.embeds,
                    allowed_mentions=allowed_mentions(message),
                    reference=reply_to.to_reference(fail_if_not_exists=False),
                    mention_author=False,
                    view=view_of(message),
                )
            )
        else:
            sent.append(
                await channel.send(
                    content=message.content,
                    embeds=message.embeds,
                    allowed_mentions=allowed_mentions(message),
                    view=view_of(message),
                )
            )
    return sent
