"""Every feature module contributes a `commands` registry (and optionally `ticks` for timed work);
`build_registry` joins the commands, refusing clashes."""

from __future__ import annotations

from bot import prompts, sessions
from bot.background import Tick
from bot.features import archives, help, quote, stance
from bot.registry import Registry

FEATURES = (help, quote, archives, stance, sessions, prompts)


def build_registry() -> Registry:
    registry = Registry()
    for feature in FEATURES:
        registry.extend(feature.commands)
    return registry


def background_ticks() -> list[tuple[str, Tick]]:
    """The timed work of every feature: `ticks = [("name", coroutine_function)]` in its module."""
    return [tick for feature in FEATURES for tick in getattr(feature, "ticks", ())]
