"""Helpers every prompts module shares: times as stored, places, and the archive to read."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.archive_choice import CHANNEL_ARCHIVE_KEY
from bot.context import Context
from bot.models import Place
from bot.prompts.rules import Rule
from storage.interface import ArchiveInfo
from storage.prompt_store import ScheduleRecord

log = logging.getLogger(__name__)


def now_utc(ctx: Context) -> datetime:
    return as_utc(ctx.clock())


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """The one text form of an instant in the prompts' tables: UTC, to the second (sorts as text)."""
    return as_utc(moment).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text))


def rule_of(schedule: ScheduleRecord) -> Rule:
    return Rule(cron=schedule.cron, timezone=schedule.timezone, description=schedule.description)


def place_of(schedule: ScheduleRecord) -> Place:
    return Place.model_validate_json(schedule.place_json)


def channel_place(place: Place) -> Place:
    """Where a channel's prompts post: the channel itself, never the thread a command came from."""
    return place.model_copy(update={"thread": None})


async def archive_for(ctx: Context, place: Place, name: str | None) -> ArchiveInfo | None:
    """The archive a channel's prompts read: the one named, else the channel's default, else the space's
    newest (own archives first, the shared sample last). None if the space can read none."""
    space = place.space_key
    if name:
        found = await ctx.stores.archives.find_archive(space, name)
        if found is not None:
            return found
        log.warning("prompt archive %r is gone in %s; using the channel's default", name, space)
    default = await ctx.stores.archives.get_channel_setting(space, place.channel, CHANNEL_ARCHIVE_KEY)
    if default is not None:
        found = await ctx.stores.archives.find_archive(space, default)
        if found is not None:
            return found
    archives = await ctx.stores.archives.list_archives(space)
    return archives[0] if archives else None
