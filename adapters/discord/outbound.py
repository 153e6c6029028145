"""Sending rendered messages into a channel, or as the answer to an interaction, always with mentions disabled.

The client is built with `AllowedMentions.none()` as well; passing it on every call too means a quoted
`@everyone`, `<@&role>` or `<@user>` stays inert even if someone later changes the client's default. The one
exception a message carries (`Outgoing.mention_user_id` or `mention_role_id`) is allowed by id, alone.
An interaction is answered by its first response, or in place of its deferred "thinking..." message
(`deadline`), with the rest as follow-ups; an ephemeral reply is seen by the one who asked alone.
"""

from __future__ import annotations

from typing import Any

import discord
from pydantic import BaseModel

from adapters.discord.buttons import Buttons
from adapters.discord.deadline import Ack
from adapters.discord.packing import Outgoing

NO_MENTIONS = discord.AllowedMentions.none()


def is_ephemeral(reply: BaseModel) -> bool:
    """Whether a reply is for the one who asked alone (errors, previews, confirmations)."""
    return bool(getattr(reply, "ephemeral", False))


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


def parts_of(message: Outgoing) -> dict[str, Any]:
    """What every send or edit of a message passes: its text, embeds, mentions (none but its own) and buttons."""
    return {
        "content": message.content,
        "embeds": message.embeds,
        "allowed_mentions": allowed_mentions(message),
        "view": view_of(message),
    }


async def send_to_channel(
    channel: discord.abc.Messageable, messages: list[Outgoing], reply_to: discord.Message | None = None
) -> list[discord.Message]:
    """Send each message in order; the first replies to `reply_to` (without pinging its author)."""
    sent = []
    for index, message in enumerate(messages):
        if reply_to is not None and index == 0:
            sent.append(
                await channel.send(
                    **parts_of(message),
                    reference=reply_to.to_reference(fail_if_not_exists=False),
                    mention_author=False,
                )
            )
        else:
            sent.append(
                await channel.send(
                    **parts_of(message),
                )
            )
    return sent


async def deliver(
    interaction: discord.Interaction, messages: list[Outgoing], *, ephemeral: bool, ack: Ack
) -> list[discord.Message]:
    """Send the rendered reply: as the response, or in place of the "thinking" message, then follow-ups.
    Returns the messages sent, in order (the original response first, where it holds the reply)."""
    rest: list[Outgoing]
    sent: list[discord.Message] = []
    if ack is Ack.NONE:
        first, rest = messages[0], messages[1:]
        response = await interaction.response.send_message(
            **parts_of(first),
            ephemeral=ephemeral,
        )
        resource = response.resource
        if not isinstance(resource, discord.InteractionMessage):
            resource = await interaction.original_response()
        sent.append(resource)
    elif ephemeral and ack is Ack.PUBLIC:
        # The "thinking" message is public; an error belongs to the asker alone, so replace it.
        await interaction.delete_original_response()
        rest = messages
    else:
        first, rest = messages[0], messages[1:]
        sent.append(
            await interaction.edit_original_response(
                **parts_of(first),
            )
        )
    for message in rest:
        sent.append(await send_followup(interaction, message, ephemeral=ephemeral))
    return sent


async def send_followup(
    interaction: discord.Interaction, message: Outgoing, *, ephemeral: bool
) -> discord.WebhookMessage:
    return await interaction.followup.send(
        **(parts_of(message) | {"content": message.content or discord.utils.MISSING}),
        ephemeral=ephemeral,
        wait=True,
    )
