"""Autocomplete: the lists an option's values come from (`Option.choices_from`), filtered by what is typed.

A source is one async function from the bot and the place to candidate values; adding one (claims, once
the stance feature stores them) is adding one function to `SOURCES`. Only this space's data is offered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adapters.discord.limits import AUTOCOMPLETE_CHOICES, CHOICE_CHARS
from bot.core import Bot
from bot.models import Place

Source = Callable[[Bot, Place], Awaitable[list[str]]]


async def archive_names(bot: Bot, place: Place) -> list[str]:
    return [archive.name for archive in await bot.context.store.list_archives(place.space_key)]


async def command_names(bot: Bot, place: Place) -> list[str]:
    return bot.registry.names()


SOURCES: dict[str, Source] = {"archives": archive_names, "commands": command_names}


def best_choices(candidates: list[str], typed: str) -> list[str]:
    """Candidates starting with the typed text first, then those containing it; at most 25, each <= 100."""
    needle = typed.strip().casefold()
    fitting = [c for c in dict.fromkeys(candidates) if 0 < len(c) <= CHOICE_CHARS]
    starts = [c for c in fitting if c.casefold().startswith(needle)]
    contains = [c for c in fitting if needle in c.casefold() and c not in starts]
    return (starts + contains)[:AUTOCOMPLETE_CHOICES]


async def suggest(bot: Bot, place: Place, source: str, typed: str) -> list[str]:
    provider = SOURCES.get(source)
    if provider is None:
        return []
    return best_choices(await provider(bot, place), typed)
