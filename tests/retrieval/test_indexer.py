"""The background indexer: vectors appear after an import without anyone asking, go away with their comments,
and several processes or a failing batch never break it; the event loop keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.core import Bot
from bot.engine.embedder import Embedder
from bot.engine.loader import Engine
from bot.retrieval.indexer import Indexer, indexer_for
from bot.retrieval.search import vector_store
from storage.embedding_store import EmbeddingStore, VectorStores
from storage.sqlite_store import SqliteStore
from tests.retrieval.conftest import GARDEN, SPACE, import_garden


def _indexer(bot: Bot, engine: Engine, batch_size: int = 64) -> Indexer:
    assert engine.embedder is not None
    indexer = indexer_for(bot.context.stores.vectors, engine.embedder, batch_size)
    assert indexer is not None
    return indexer


async def _vector_count(bot: Bot) -> int:
    row = await bot.context.stores.database.fetchone("SELECT count(*) FROM comment_vectors")
    return int(row[0])


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_loop_embeds_an_import_after_it_lands_and_deleting_the_archive_removes_its_vectors(
    bot: Bot, engine: Engine
) -> None:
    """Vectors are written by the running loop after an import, not by the import; they leave with the archive."""
    indexer = _indexer(bot, engine, batch_size=4)
    loop = asyncio.create_task(indexer.run_forever(idle_seconds=0.05))
    try:
        await _eventually(lambda: _no_pending(indexer.store))  # the sample archive first
        before = await _vector_count(bot)
        garden = await import_garden(bot)
        await _eventually(lambda: _archive_has(indexer.store, garden.id, len(GARDEN)))
    finally:
        await _stop(loop)
    assert await _vector_count(bot) == before + len(GARDEN)
    assert await bot.context.stores.archives.delete_archive(SPACE, "garden")
    assert await _vector_count(bot) == before


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _no_pending(store: EmbeddingStore) -> bool:
    return await store.count_pending() == 0


async def _archive_has(store: EmbeddingStore, archive_id: int, count: int) -> bool:
    return await store.count_archive(archive_id) == count


async def test_deleting_an_authors_comments_removes_their_vectors(bot: Bot, engine: Engine) -> None:
    """A member who leaves takes their comments' vectors with them."""
    store = bot.context.stores.archives
    garden = await import_garden(bot)
    db = bot.context.stores.database
    await db.conn.execute("UPDATE comments SET author = 'ann' WHERE source_id IN ('g0', 'g1')")
    indexer = _indexer(bot, engine)
    await indexer.drain()
    assert await indexer.store.count_archive(garden.id) == len(GARDEN)
    assert await store.delete_comments_by_author(SPACE, "garden", "ann") == 2
    assert await indexer.store.count_archive(garden.id) == len(GARDEN) - 2


async def test_another_model_finds_everything_pending(bot: Bot, engine: Engine) -> None:
    """Vectors are tagged with their model: a different model starts from scratch instead of mixing vectors."""
    indexer = _indexer(bot, engine)
    await indexer.drain()
    other = EmbeddingStore(indexer.store.db, "another-model.onnx:0123")
    assert await indexer.store.count_pending() == 0
    comments = await bot.context.stores.database.fetchone("SELECT count(*) FROM comments")
    assert await other.count_pending() == int(comments[0]) > 0


async def test_two_processes_embedding_the_same_comments_do_not_conflict(
    bot: Bot, engine: Engine, tmp_path: Path
) -> None:
    """Two workers on one database (two connections) walk the same batches; both finish, one vector each."""
    await import_garden(bot)
    second = await SqliteStore.open(tmp_path / "threadbot.db")
    try:
        assert engine.embedder is not None
        mine, theirs = _indexer(bot, engine, 8), indexer_for(VectorStores(second.db), engine.embedder, 8)
        assert theirs is not None
        await asyncio.gather(mine.drain(), theirs.drain())
        assert await theirs.store.count_pending() == 0
    finally:
        await second.close()
    comments = await bot.context.stores.database.fetchone("SELECT count(*) FROM comments")
    assert await _vector_count(bot) == int(comments[0])


class FlakyEmbedder:
    """The real embedder, except that its first call fails (a passing fault)."""

    def __init__(self, real: Embedder) -> None:
        self.real, self.calls = real, 0
        self.files, self.dim = real.files, real.dim

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("the model hiccupped")
        return self.real.embed(texts)


async def test_a_failing_batch_is_logged_and_the_loop_goes_on(bot: Bot, engine: Engine) -> None:
    """One batch failing does not end the loop, and its comments get vectors on a later pass."""
    assert engine.embedder is not None
    garden = await import_garden(bot)
    indexer = Indexer(_indexer(bot, engine).store, FlakyEmbedder(engine.embedder), batch_size=4)  # type: ignore[arg-type]
    loop = asyncio.create_task(indexer.run_forever(idle_seconds=0.02, retry_seconds=0.02))
    try:
        await _eventually(lambda: _no_pending(indexer.store))
        assert not loop.done()  # still running after the failure
        assert indexer.embedder.calls > 1  # type: ignore[attr-defined]
    finally:
        await _stop(loop)
    assert await indexer.store.count_archive(garden.id) == len(GARDEN)


async def test_event_loop_stays_responsive_while_the_indexer_embeds(bot: Bot, engine: Engine) -> None:
    """A heartbeat coroutine keeps ticking (no gap over 0.3 s) while hundreds of comments are embedded."""
    texts = [
        f"Comment {i}: {GARDEN[i % len(GARDEN)]} And some more words about topic {i}." for i in range(256)
    ]
    await import_garden(bot, "big", texts)
    indexer = _indexer(bot, engine)
    gaps: list[float] = []
    done = asyncio.Event()

    async def heartbeat() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    beating = asyncio.create_task(heartbeat())
    embedded = await indexer.drain()
    done.set()
    await beating
    assert embedded >= len(texts)
    assert len(gaps) > 20
    assert max(gaps) < 0.3, max(gaps)  # embedding 64 comments on the loop would take ~0.45 s


async def test_the_runner_starts_the_indexer_beside_the_background_ticker(bot: Bot) -> None:
    """`threadbot run`'s indexer task, on the bot's own engine and database, embeds what was imported."""
    garden = await import_garden(bot)
    store = vector_store(bot.context)
    assert store is not None
    tasks = bot.start_background()
    try:
        await _eventually(lambda: _archive_has(store, garden.id, len(GARDEN)))
    finally:
        for task in tasks:
            await _stop(task)
