"""Work a command starts that outlives its reply (a link import), kept by key so the same work never runs twice
in one process, waited for by one-shot entry points (`threadbot ask`) and cancelled when the bot stops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Tasks:
    """Background tasks of one bot process, by key."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[None]] = {}

    def running(self, key: str) -> bool:
        return key in self._running

    def start(self, key: str, work: Coroutine[Any, Any, None]) -> bool:
        """Run `work` in the background under `key`; False (and `work` is dropped) if that key is running."""
        if key in self._running:
            work.close()
            return False
        task = asyncio.create_task(work, name=f"threadbot-{key}"[:200])
        self._running[key] = task
        task.add_done_callback(lambda done: self._done(key, done))
        return True

    def _done(self, key: str, task: asyncio.Task[None]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", key, exc_info=task.exception())

    async def wait(self) -> None:
        """Until every task (and any a task started) is done."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def cancel(self) -> None:
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
