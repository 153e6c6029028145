"""Times as the bot stores them, in one place: the text form of an instant (UTC, to the second, so it sorts as
text), reading it back, and "now" from a Context's clock (injected: tests replace `Context.clock`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.context import Context


def utc_now() -> datetime:
    """The real clock, the default of `Context.clock`; everything else asks the context."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive time is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """The one stored text form of an instant: `2025-03-10T18:00:00+00:00` (UTC, to the second)."""
    return as_utc(moment).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    """A stored time read back, in UTC (a naive one is taken to be UTC)."""
    return as_utc(datetime.fromisoformat(text))


def now_utc(ctx: Context) -> datetime:
    """Now, by the context's clock, in UTC."""
    return as_utc(ctx.clock())


def now_iso(ctx: Context) -> str:
    """Now, by the context's clock, in the stored text form."""
    return iso(ctx.clock())
