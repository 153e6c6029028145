"""Every feature module contributes a `commands` registry; `build_registry` joins them, refusing clashes."""

from __future__ import annotations

from bot.features import archives, help, quote
from bot.registry import Registry

FEATURES = (help, quote, archives)


def build_registry() -> Registry:
    registry = Registry()
    for feature in FEATURES:
        registry.extend(feature.commands)
    return registry
