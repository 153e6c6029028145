"""Helpers every prompts module shares: rules and places of schedules."""

from __future__ import annotations

from bot.models import Place
from bot.prompts.rules import Rule
from storage.prompt_store import ScheduleRecord


def rule_of(schedule: ScheduleRecord) -> Rule:
    return Rule(cron=schedule.cron, timezone=schedule.timezone, description=schedule.description)


def place_of(schedule: ScheduleRecord) -> Place:
    return Place.model_validate_json(schedule.place_json)


def channel_place(place: Place) -> Place:
    """Where a channel's prompts post: the channel itself, never the thread a command came from."""
    return place.model_copy(update={"thread": None})
