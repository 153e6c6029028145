"""What a command handler can reach: the stores, settings, the registry, a clock (injectable for tests), the
posters and the process's services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.posting import Posters
from bot.registry import Registry
from bot.settings import Settings
from bot.times import utc_now
from storage.stores import Stores

if TYPE_CHECKING:
    from bot.services import Services  # it imports retrieval, which imports this module


@dataclass(slots=True)
class Context:
    stores: Stores
    settings: Settings
    registry: Registry
    services: Services
    """The engine, retrieval caches, the stance reader and pipeline; see bot/services.py."""
    clock: Callable[[], datetime] = utc_now
    posters: Posters = field(default_factory=Posters)
    """Adapters that can post on the bot's own initiative (scheduled prompts, session reminders)."""
