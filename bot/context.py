"""What a command handler can reach: storage, settings, the registry and a clock (injectable for tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.posting import Posters
from bot.registry import Registry
from bot.settings import Settings
from bot.times import utc_now
from storage.interface import Store


@dataclass(slots=True)
class Context:
    store: Store
    settings: Settings
    registry: Registry
    clock: Callable[[], datetime] = utc_now
    posters: Posters = field(default_factory=Posters)
    """Adapters that can post on the bot's own initiative (scheduled prompts, session reminders)."""
    services: dict[str, Any] = field(default_factory=dict)
    """Optional engines (embedder, stance model) that features look up by name; absent ones mean fallback."""
