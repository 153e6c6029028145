"""Autocomplete: the lists an option's values come from (`Option.choices_from`, `Param.choices_from`), filtered
by what is typed, as `Bot.suggest` gives them to every adapter.

A source is one async function from the context, the place, the typed text and a limit to candidate values;
adding one is adding one function to `SOURCES`. Only this space's data is offered. A suggestion is only a
suggestion: the platform still sends whatever the user typed (a claim nobody has checked yet is a new claim).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from bot.claims import suggest_claims
from bot.context import Context
from bot.features.stance.feedback import CLEAR, LABELS
from bot.models import Place, Vote

Source = Callable[[Context, Place, str, int], Awaitable[list[str]]]

SUGGESTIONS = 25
"""How many suggestions `Bot.suggest` gives unless asked for another number (Discord shows 25)."""
STANCE_LABELS = [*LABELS, CLEAR]
"""What a moderator may set a comment's label to with `stance fix` (`clear` removes the fix)."""


def ranked(candidates: Iterable[str], typed: str, limit: int = SUGGESTIONS) -> list[str]:
    """Candidates starting with the typed text first, then those containing it; no blank or repeated one."""
    needle = typed.strip().casefold()
    fitting = [c for c in dict.fromkeys(candidates) if c]
    starts = [c for c in fitting if c.casefold().startswith(needle)]
    contains = [c for c in fitting if needle in c.casefold() and c not in starts]
    return (starts + contains)[:limit]


async def archive_names(ctx: Context, place: Place, typed: str, limit: int) -> list[str]:
    return ranked([a.name for a in await ctx.stores.archives.list_archives(place.space_key)], typed, limit)


async def command_names(ctx: Context, place: Place, typed: str, limit: int) -> list[str]:
    return ranked(ctx.registry.names(), typed, limit)


async def claims(ctx: Context, place: Place, typed: str, limit: int) -> list[str]:
    """Claims already checked in this space, closest to what is typed first (the store ranks them)."""
    return await suggest_claims(ctx, place.space_key, typed, limit=limit)


async def stance_labels(ctx: Context, place: Place, typed: str, limit: int) -> list[str]:
    return ranked(STANCE_LABELS, typed, limit)


async def votes(ctx: Context, place: Place, typed: str, limit: int) -> list[str]:
    return ranked([vote.value for vote in Vote], typed, limit)


SOURCES: dict[str, Source] = {
    "archives": archive_names,
    "commands": command_names,
    "claims": claims,
    "stance-labels": stance_labels,
    "votes": votes,
}


async def suggest(ctx: Context, source: str, typed: str, place: Place, limit: int = SUGGESTIONS) -> list[str]:
    """At most `limit` values of the named list for what is typed, best first; none for a list we lack."""
    provider = SOURCES.get(source)
    if provider is None:
        return []
    return (await provider(ctx, place, typed, limit))[:limit]
