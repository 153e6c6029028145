"""Helpers every prompts module shares: the prompt store, rules and places."""

from __future__ import annotations

from bot.context import Context
from bot.models import Place
from bot.prompts.rules import Rule
from storage.prompt_store import PromptDatabase, PromptStore, ScheduleRecord


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
