"""Sending rendered messages, always with mentions disabled.

The client is built with `AllowedMentions.none()` as well; passing it on every call too means a quoted
`@everyone`, `<@&role>` or `<@user>` stays inert even if someone later changes the client's default.
"""

from __future__ import annotations

import discord

from adapters.discord.packing import Outgoing

NO_MENTIONS = discord.AllowedMentions.none()


def allowed_mentions(message: Outgoing) -> discord.AllowedMentions:
    """No mentions at all, except the one user a reply was meant to ping (never @everyone or roles)."""
    if message.mention_user_id is None:
        return NO_MENTIONS
    return discord.AllowedMentions(
        everyone=False, roles=False, replied_user=False, users=[discord.Object(message.mention_user_id)]
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
                )
            )
        else:
            sent.append(
                await channel.send(
                    content=message.content, embeds=message.embeds, allowed_mentions=allowed_mentions(message)
                )
            )
    return sent
