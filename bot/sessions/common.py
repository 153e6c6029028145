"""Helpers every sessions module shares: the session store, local time, places and name matching."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.context import Context
from bot.models import Place

QUOTE_CHARS = 280
_MENTION = re.compile(r"^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$")


def local_zone(ctx: Context) -> tzinfo:
    """The group's time zone (setting `session_timezone`); UTC if the name is unknown."""
    try:
        return ZoneInfo(ctx.settings.session_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def clock_time(ctx: Context, moment: datetime) -> str:
    """`18:30 UTC`, in the group's time zone."""
    local = moment.astimezone(local_zone(ctx))
    return f"{local:%H:%M} {local.tzname() or ''}".strip()


def place_json(place: Place) -> str:
    return place.model_dump_json()


def place_from(text: str) -> Place:
    return Place.model_validate_json(text)


def user_key(token: str) -> str:
    """A name as a moderator typed it, reduced to what an actor's id or display name would be:
    `<@123>` and `<@U1|ann>` (platform mentions) become the user id, `@ann` becomes `ann`."""
    token = token.strip().rstrip(",;")
    found = _MENTION.match(token)
    if found:
        return found.group(1)
    return token.lstrip("@").casefold()


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Collapse white space and cut at a word boundary with an ellipsis, so a cited comment fits one line."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + "\u2026"


def minutes_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds() / 60))
