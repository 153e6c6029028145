"""Helpers every prompts module shares: the prompt store, places, and the archive to read."""

from __future__ import annotations

import logging

from bot.archive_choice import CHANNEL_ARCHIVE_KEY
from bot.context import Context
from bot.models import Place
from bot.prompts.rules import Rule
from storage.interface import ArchiveInfo
from storage.prompt_store import PromptDatabase, PromptStore, ScheduleRecord

log = logging.getLogger(__name__)


def prompt_store(ctx: Context) -> PromptStore:
    """The prompts' SQL, on the same database as the bot's store (the SQLite store exposes it as `.db`)."""
    db = getattr(ctx.store, "db", None)
    if not isinstance(db, PromptDatabase):
        raise RuntimeError("daily prompts need a store with a SQL database (`ctx.store.db`)")
    return PromptStore(db)


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
        found = await ctx.store.find_archive(space, name)
        if found is not None:
            return found
        log.warning("prompt archive %r is gone in %s; using the channel's default", name, space)
    default = await ctx.store.get_channel_setting(space, place.channel, CHANNEL_ARCHIVE_KEY)
    if default is not None:
        found = await ctx.store.find_archive(space, default)
        if found is not None:
            return found
    archives = await ctx.store.list_archives(space)
    return archives[0] if archives else None
