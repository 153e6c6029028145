"""Bulk background work (the indexer) waits its turn: commands first, then answers completing themselves in place.

Right after a big import the indexer embeds the whole archive in the background while members ask; each of its
batches held both cores for seconds, so a first reply judged fewer comments and its completion came later."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.console import ConsoleAdapter
from bot.core import Bot
from bot.engine.loader import Engine
from bot.features.stance import pipeline as stance_feature
from bot.features.stance.reader import StanceReading, reading
from bot.retrieval.indexer import run_in_turn
from bot.times import now_iso

from .test_nli_cache import real_engine  # noqa: F401 (fixture)
from .test_stance_commands import THREAD
from .test_stance_reading import SPACE, _stance


class CountingIndexer:
    """Stands in for an indexer: counts its batches, always has work."""

    def __init__(self) -> None:
        self.batches = 0
        self.failed_in_pass = False

    async def step(self) -> int:
        self.batches += 1
        await asyncio.sleep(0.01)
        return 1


async def test_the_indexer_takes_no_batch_until_its_turn() -> None:
    indexer = CountingIndexer()
    turn = asyncio.Event()
    task = asyncio.create_task(run_in_turn([indexer], 0.01, 0.01, turn.wait))  # type: ignore[list-item]
    await asyncio.sleep(0.2)
    assert indexer.batches == 0
    turn.set()
    await asyncio.sleep(0.2)
    assert indexer.batches > 3
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_quiet_waits_for_a_running_command_but_not_forever(bot: Bot) -> None:
    reader = reading(bot.context)
    async with reader.command():
        waiting = asyncio.create_task(reader.quiet(at_most=10.0))
        await asyncio.sleep(0.3)
        assert not waiting.done()
    await asyncio.wait_for(waiting, 2.0)
    async with reader.command():
        start = time.perf_counter()
        await reader.quiet(at_most=0.3)  # a busy channel does not stop indexing for good
        assert 0.25 < time.perf_counter() - start < 2.0


async def test_quiet_lasts_while_an_answer_completes_itself(
    bot: Bot, real_engine: Engine, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """A first reply that left comments to read hands them to the reader; bulk work waits until they are read."""
    await bot.context.stores.archives.import_records(SPACE, "t", THREAD, created_at=now_iso(bot.context))
    bot.context.services.engine = real_engine
    monkeypatch.setattr(stance_feature, "EMBED_NOW", 1)
    monkeypatch.setattr(stance_feature, "NLI_BUDGET_SECONDS", 0.0)
    monkeypatch.setattr(stance_feature, "MIN_NLI_SECONDS", 0.0)
    first = await _stance(ConsoleAdapter(bot))
    assert first.partial, first.note
    reader = bot.context.services.reader
    assert isinstance(reader, StanceReading)
    await asyncio.wait_for(reader.quiet(at_most=120.0), 150.0)
    complete = await _stance(ConsoleAdapter(bot))
    assert not complete.partial, complete.note  # the reading was over when bulk work got its turn
