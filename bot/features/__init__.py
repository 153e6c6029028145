"""Every feature unit of the bot, in the order they start (and the reverse order they stop).

A unit (bot/feature.py) declares its commands, ticks, observers, jobs and start/stop hooks; the composition
root hands `FEATURES` to the `Bot`, which owns their lifecycle. A new feature is a new unit in this list.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import prompts, retrieval, sessions
from bot.background import Tick
from bot.feature import Feature, ticks_of
from bot.features import archives, help, links, quote, stance
from bot.registry import Registry

FEATURES: tuple[Feature, ...] = (
    help.feature,
    quote.feature,
    archives.feature,
    links.feature,
    retrieval.feature,
    stance.feature,
    sessions.feature,
    prompts.feature,
)


def build_registry(features: Sequence[Feature] = FEATURES) -> Registry:
    """Every unit's commands in one registry, refusing clashes."""
    registry = Registry()
    for unit in features:
        registry.extend(unit.commands)
    return registry


def background_ticks(features: Sequence[Feature] = FEATURES) -> list[tuple[str, Tick]]:
    """The timed work of every unit."""
    return ticks_of(features)
