"""The reading plan: `reading add <title or section> <date>`, `reading list`, `reading remove <number>`,
and a reminder posted in the channel the day before each reading (setting `reading_reminder_hour`)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from bot.context import Context
from bot.errors import NotFoundError, PermissionDeniedError, UsageError
from bot.models import Command, Reply, TextReply
from bot.numbers import whole_number
from bot.posting import ChannelGoneError
from bot.registry import Param, Registry
from bot.sessions.args import parse_due
from bot.sessions.common import local_zone, place_from, place_json
from bot.sessions.lifecycle import can_post
from bot.times import iso, now_utc
from storage.session_store import ReadingRow

log = logging.getLogger(__name__)

commands = Registry()


def today_local(ctx: Context, moment: datetime | None = None) -> date:
    return (moment or now_utc(ctx)).astimezone(local_zone(ctx)).date()


def _day(due: date) -> str:
    return f"{due:%a} {due.isoformat()}"


@commands.command(
    "reading add",
    param=Param("title and date", "what to read, then YYYY-MM-DD, `tomorrow` or a weekday", required=True),
    group="sessions",
)
async def reading_add(ctx: Context, command: Command) -> Reply:
    """Add a reading to this channel's plan: `reading add Part 2: the replies 2025-03-14` (or `friday`).

    The day before, I post a reminder here."""
    today = today_local(ctx)
    title, due = parse_due(command.text, today)
    if not title:
        raise UsageError("A reading needs a title before its date.")
    place = command.place.model_copy(update={"thread": None})
    row = await ctx.stores.sessions.add_reading(
        space_key=place.space_key,
        channel=place.channel,
        place_json=place_json(place),
        title=title,
        due_date=due.isoformat(),
        added_by=command.actor.user_id,
        added_at=iso(now_utc(ctx)),
        reminded_at=iso(now_utc(ctx)) if due <= today else None,
    )
    when = (
        "no reminder, it's today"
        if due <= today
        else f"reminder the day before at {ctx.settings.reading_reminder_hour:02d}:00"
    )
    return TextReply(text=f"Added reading {row.id}: \u201c{title}\u201d for {_day(due)} ({when}).")


@commands.command("reading list", aliases=["readings"], group="sessions")
async def reading_list(ctx: Context, command: Command) -> Reply:
    """The upcoming readings of this channel, soonest first."""
    place = command.place
    rows = await ctx.stores.sessions.readings(place.space_key, place.channel, today_local(ctx).isoformat())
    if not rows:
        return TextReply(title="Reading plan", text="Nothing planned. Add one: `reading add <title> <date>`.")
    lines = [f"{row.id}. {_day(date.fromisoformat(row.due_date))}: {row.title}" for row in rows]
    return TextReply(title="Reading plan", lines=lines)


@commands.command(
    "reading remove",
    param=Param("number", "the reading's number in `reading list`", required=True),
    group="sessions",
)
async def reading_remove(ctx: Context, command: Command) -> Reply:
    """Remove a reading from the plan (the member who added it, or a moderator)."""
    number = whole_number(command.text, what="a reading number", hint="`reading list` shows them.")
    place = command.place
    store = ctx.stores.sessions
    row = await store.get_reading(place.space_key, place.channel, number)
    if row is None:
        raise NotFoundError(
            f"There is no reading {command.text} in this channel.", hint="`reading list` shows them."
        )
    if row.added_by != command.actor.user_id and not command.actor.is_moderator:
        raise PermissionDeniedError(
            "Only the member who added a reading, or a moderator, can remove it.", hint="Ask a moderator."
        )
    await store.remove_reading(place.space_key, place.channel, row.id)
    return TextReply(text=f"Removed reading {row.id}: \u201c{row.title}\u201d.")


def reminder(row: ReadingRow, today: date) -> TextReply:
    due = date.fromisoformat(row.due_date)
    when = "today" if due <= today else "tomorrow"
    return TextReply(
        title=f"Reading for {when}: {row.title}",
        text=f"Due {_day(due)}.",
        lines=[
            "Bring one passage you'd push back on, and one you'd defend.",
            "In the session: `hand` to speak, `vote` on the claim, `session stats` to see who's been heard.",
        ],
    )


async def remind_readings(ctx: Context, now: datetime) -> None:
    """Post the day-before reminders that are due; a reading whose day has passed is dropped silently."""
    store = ctx.stores.sessions
    local = now.astimezone(local_zone(ctx))
    today = local.date()
    tomorrow = today + timedelta(days=1)
    for row in await store.pending_readings(tomorrow.isoformat()):
        due = date.fromisoformat(row.due_date)
        if due < today:
            await store.mark_reminded(row.id, iso(now))
            continue
        if due == tomorrow and local.hour < ctx.settings.reading_reminder_hour:
            continue
        place = place_from(row.place_json)
        if not can_post(ctx, place):
            continue  # the adapter is not connected (yet): try again on the next tick
        try:
            await ctx.posters.post(place, reminder(row, today))
        except ChannelGoneError:
            log.warning("reading %s: channel %s is gone; not reminding", row.id, place.channel)
        except Exception:
            log.exception("reading %s: reminder failed; retrying on the next tick", row.id)
            continue
        await store.mark_reminded(row.id, iso(now))
