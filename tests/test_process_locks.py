"""Named locks shared by the bot processes on one database (storage/locks.py): on PostgreSQL two pools stand
for two processes; on SQLite (one process) two tasks share the one bundle of stores."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator

import pytest

from bot.settings import Settings
from storage.locks import lock_key
from storage.stores import Stores, database_url, open_stores

HOLD = 0.3


@pytest.fixture
async def two(settings: Settings) -> AsyncIterator[tuple[Stores, Stores]]:
    """What two processes would open: two pools on PostgreSQL; on SQLite the one process's stores, twice."""
    first = await open_stores(settings.db, database_url(settings))
    second = await open_stores(settings.db, database_url(settings)) if first.backend == "postgresql" else first
    try:
        yield first, second
    finally:
        await first.close()
        if second is not first:
            await second.close()


async def _spans(stores: Stores, name: str, spans: list[tuple[float, float]]) -> None:
    async with stores.locks.hold(name):
        start = time.monotonic()
        await asyncio.sleep(HOLD)
        spans.append((start, time.monotonic()))


async def test_one_holder_at_a_time_across_processes(two: tuple[Stores, Stores]) -> None:
    """Holders of the same name, in either process, run one after the other, never overlapping."""
    first, second = two
    spans: list[tuple[float, float]] = []
    await asyncio.gather(*(_spans(s, "job", spans) for s in (first, second, first, second)))
    spans.sort()
    assert len(spans) == 4
    assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))


async def test_different_names_do_not_wait(two: tuple[Stores, Stores]) -> None:
    """Locks of two names are taken at the same time."""
    first, second = two
    spans: list[tuple[float, float]] = []
    started = time.monotonic()
    await asyncio.gather(_spans(first, "one", spans), _spans(second, "two", spans))
    assert time.monotonic() - started < 2 * HOLD


async def test_a_failed_block_lets_go(two: tuple[Stores, Stores]) -> None:
    """An error inside the block releases the lock: the other process gets it at once."""
    first, second = two
    with pytest.raises(RuntimeError):
        async with first.locks.hold("job"):
            raise RuntimeError("the step failed")
    async with asyncio.timeout(2), second.locks.hold("job"):
        pass


def test_lock_keys_are_stable_and_distinct() -> None:
    """Every process (and every version, during a rolling restart) computes the same key for a name, not
    Python's per-process salted hash; different names get different keys."""
    assert lock_key("discord:identify:0") == -7389965579688192956
    assert lock_key("discord:identify:0") != lock_key("discord:identify:1")
