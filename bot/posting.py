"""How the core posts on its own initiative (a daily prompt, a session reminder), without knowing the platform.

Each adapter that can post registers a `Poster` under its platform name; the scheduler and sessions ask the
`Posters` registry to deliver a neutral reply to a `Place`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.models import Place, Reply


class ChannelGoneError(Exception):
    """The channel was deleted or the bot lost access; callers stop posting there instead of retrying."""


@dataclass(frozen=True, slots=True)
class Posted:
    """Where a posted message landed, so a follow-up can reply in its thread."""

    place: Place
    message_id: str


class Poster(Protocol):
    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        """Send `reply` to `place`. With `open_thread` (a title), start a thread for the discussion where the
        platform has threads, and return it as `place.thread`. Raises ChannelGoneError if the channel is gone."""
        ...


@dataclass(slots=True)
class Posters:
    """The posters of the running adapters, by platform name ("console", "discord", "slack")."""

    by_platform: dict[str, Poster] = field(default_factory=dict)

    def register(self, platform: str, poster: Poster) -> None:
        self.by_platform[platform] = poster

    async def post(self, place: Place, reply: Reply, *, open_thread: str | None = None) -> Posted:
        poster = self.by_platform.get(place.platform)
        if poster is None:
            raise ChannelGoneError(f"no running adapter for platform {place.platform!r}")
        return await poster.post(place, reply, open_thread=open_thread)
