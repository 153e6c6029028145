"""A feature unit: everything one feature contributes to the bot, declared in one place.

Each feature package exports one `Feature`: its commands, its ticks (timed work), its observers (ordinary channel
messages), long-running background jobs, and start/stop hooks. The `Bot` owns their lifecycle, so wiring a new
feature is adding its unit to `bot.features.FEATURES` (like a discord.py extension's `setup(bot)`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.registry import Registry

if TYPE_CHECKING:
    from bot.background import Tick
    from bot.context import Context
    from bot.models import ChannelMessage

Observer = Callable[["Context", "ChannelMessage"], Awaitable[None]]
Hook = Callable[["Context"], Awaitable[None]]
Job = Callable[["Context"], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    commands: Registry = field(default_factory=Registry)
    ticks: tuple[tuple[str, Tick], ...] = ()
    """Timed work the background loop runs every interval (`threadbot run` only)."""
    observers: tuple[Observer, ...] = ()
    """Called for every ordinary (non-command) channel message."""
    jobs: tuple[tuple[str, Job], ...] = ()
    """Long-running work `threadbot run` keeps going beside the adapters (the indexer); cancelled on exit."""
    start: Hook | None = None
    """Run when the bot opens, in every entry point (console, ask, run)."""
    stop: Hook | None = None
    """Run when the bot closes, before the stores close."""
    finish: Hook | None = None
    """Wait until work the unit carries on after a reply is done (a one-shot process calls it before it
    exits, so the next run finds that work done, e.g. a claim's comments all read)."""


def ticks_of(units: Sequence[Feature]) -> list[tuple[str, Tick]]:
    """The timed work of these units, in their order."""
    return [tick for unit in units for tick in unit.ticks]
