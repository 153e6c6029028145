"""Autocomplete on Discord: the core's suggestions (`Bot.suggest`) as the choices Discord accepts.

The lists themselves are the core's (bot/autocomplete.py); here they are only fitted to Discord's limits:
at most 25 choices of 1 to 100 characters. A longer value is left out rather than offered cut: picking a cut
claim would check a different one.
"""

from __future__ import annotations

from collections.abc import Iterable

from adapters.discord.limits import AUTOCOMPLETE_CHOICES, CHOICE_CHARS
from bot.core import Bot
from bot.models import Actor, Place


def fitting(values: Iterable[str]) -> list[str]:
    """The values Discord can offer as choices, in order: each 1-100 characters, at most 25, no repeats."""
    return [value for value in dict.fromkeys(values) if 0 < len(value) <= CHOICE_CHARS][:AUTOCOMPLETE_CHOICES]


async def choices(bot: Bot, source: str, typed: str, actor: Actor, place: Place) -> list[str]:
    """What the core suggests for the focused option, as Discord can show it."""
    return fitting(await bot.suggest(source, typed, actor, place, limit=AUTOCOMPLETE_CHOICES))
