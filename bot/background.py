"""One asyncio task that drives the core's timed work (scheduled prompts, session time-outs, reminders).

Features register a `tick(ctx, now)` coroutine; tests call `run_once` with the time they want instead of
sleeping, so DST changes and restarts are tested without waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.context import Context
from storage.sql import DatabaseWriteError

log = logging.getLogger(__name__)

Tick = Callable[[Context, datetime], Awaitable[None]]


@dataclass(slots=True)
class Background:
    context: Context
    interval_seconds: float = 20.0
    ticks: list[tuple[str, Tick]] = field(default_factory=list)

    def add(self, name: str, tick: Tick) -> None:
        self.ticks.append((name, tick))

    async def run_once(self, now: datetime | None = None) -> None:
        """Run every tick once; one failing tick is logged and never stops the others."""
        moment = now or self.context.clock()
        for name, tick in self.ticks:
            try:
                await tick(self.context, moment)
            except DatabaseWriteError as error:  # a full disk, a read-only file: the log says which and the fix
                log.warning("background task %s could not write (%s); it runs again at the next tick", name, error)
            except Exception:
                log.exception("background task %s failed", name)

    async def run_forever(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self.interval_seconds)
