"""Counting ordinary messages during a session: who wrote, how many messages and words, what replied to what.

`observe_message` is the neutral entry point: adapters hand every non-command channel message to
`Bot.observe`, which calls it. Message text is only kept when the group turned recording on."""

from __future__ import annotations

from bot.context import Context
from bot.models import ChannelMessage
from bot.sessions.lifecycle import active_session
from bot.sessions.recording import record_message, recording_on
from bot.times import iso, now_utc


async def observe_message(ctx: Context, event: ChannelMessage) -> None:
    """Count one message towards the channel's open session (and record it if the group opted in)."""
    session = await active_session(ctx, event.place)
    if session is None:
        return
    counted = await ctx.stores.sessions.count_message(
        session.id,
        message_id=event.message_id,
        user_id=event.actor.user_id,
        display_name=event.actor.display_name,
        words=len(event.text.split()),
        reply_to=event.reply_to_message_id,
        url=event.url,
        at=iso(now_utc(ctx)),
    )
    if counted and await recording_on(ctx, event.place.space_key, event.place.channel):
        await record_message(ctx, event)
