"""Autocomplete: the lists an option's values come from (`Option.choices_from`, `Param.choices_from`),
filtered by what is typed.

A source is one async function from the bot, the place and the typed text to candidate values; adding one is
adding one function to `SOURCES`. Only this space's data is offered. A suggestion is only a suggestion:
Discord still sends whatever the user typed (a claim nobody has checked yet is a new claim).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from adapters.discord.limits import AUTOCOMPLETE_CHOICES, CHOICE_CHARS
from bot.claims import suggest_claims
from bot.core import Bot
from bot.models import Place

Source = Callable[[Bot, Place, str], Awaitable[list[str]]]

STANCE_LABELS = ["agree", "disagree", "neutral", "unrelated", "clear"]
"""What a moderator may set a comment's label to with `stance fix` (`clear` removes the fix)."""
VOTE_CHOICES = ["agree", "disagree", "pass"]


def best_choices(candidates: list[str], typed: str) -> list[str]:
    """Candidates starting with the typed text first, then those containing it; at most 25, each <= 100."""
    needle = typed.strip().casefold()
    fitting = [c for c in dict.fromkeys(candidates) if 0 < len(c) <= CHOICE_CHARS]
    starts = [c for c in fitting if c.casefold().startswith(needle)]
    contains = [c for c in fitting if needle in c.casefold() and c not in starts]
    return (starts + contains)[:AUTOCOMPLETE_CHOICES]


async def archive_names(bot: Bot, place: Place, typed: str) -> list[str]:
    return best_choices([a.name for a in await bot.context.stores.archives.list_archives(place.space_key)], typed)


async def command_names(bot: Bot, place: Place, typed: str) -> list[str]:
    return best_choices(bot.registry.names(), typed)


async def claims(bot: Bot, place: Place, typed: str) -> list[str]:
    """Claims already checked in this server, closest to what is typed first (the core ranks them).

    A claim longer than a choice may be (100 characters) is left out rather than offered cut: picking a cut
    claim would check a different one."""
    found = await suggest_claims(bot.context, place.space_key, typed, limit=AUTOCOMPLETE_CHOICES)
    return [claim for claim in dict.fromkeys(found) if 0 < len(claim) <= CHOICE_CHARS][:AUTOCOMPLETE_CHOICES]


async def stance_labels(bot: Bot, place: Place, typed: str) -> list[str]:
    return best_choices(STANCE_LABELS, typed)


async def votes(bot: Bot, place: Place, typed: str) -> list[str]:
    return best_choices(VOTE_CHOICES, typed)


SOURCES: dict[str, Source] = {
    "archives": archive_names,
    "commands": command_names,
    "claims": claims,
    "stance-labels": stance_labels,
    "votes": votes,
}


async def suggest(bot: Bot, place: Place, source: str, typed: str) -> list[str]:
    provider = SOURCES.get(source)
    if provider is None:
        return []
    return (await provider(bot, place, typed))[:AUTOCOMPLETE_CHOICES]
