"""The background indexer: embeds comments that have no vector for the current model, in batches, after import.

Imports never wait for it: it polls the corpus, takes the next batch of pending comments, embeds it in a worker
thread and stores it in one short transaction. Several bot processes may run it on one database: each batch is
taken from a block of ids the process claims while it embeds and stores it (on PostgreSQL, storage/work_claims.py),
so two processes' indexers never embed the same comment, and a block a dead process held is free again at once.
With no embedder installed it does nothing. After the comments' own vectors (retrieval needs them first) it
stores their sentence-window vectors, which stance relevance reads (bot/engine/evidence.py), so a new claim does
not embed them while a member waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol

from bot.context import Context
from bot.engine.embedder import Embedder
from bot.engine.loader import Engine
from bot.engine.stance import StanceClassifier
from bot.retrieval.cache import FloatMatrix
from bot.retrieval.identity import model_key
from storage.embedding_store import CorpusState, EmbeddingStore, VectorStores
from storage.sql import DatabaseWriteError

log = logging.getLogger(__name__)

BATCH_SIZE = 64
WINDOW_BATCH = 16  # comments per window batch: a long comment has dozens of windows
RUNNING_BATCH = 16
RUNNING_WINDOW_BATCH = 4
"""Batches of the running bot's indexer: a batch in flight when a member asks holds the cores until it ends (64
long comments took about 2.4 s), so the bot's own indexer takes small ones (about 0.6 s); `threadbot embed`,
with no member waiting, keeps the larger ones. Claimed blocks stay `BATCH_SIZE * BLOCK_BATCHES` ids for both."""
IDLE_SECONDS = 5.0  # how soon after an import the indexer notices it
RETRY_SECONDS = 10.0  # after a failing batch
RETRY_PASSES = 3  # passes that had a failing batch are repeated this many times before the indexer idles
BLOCK_BATCHES = 4  # a claimed block of ids holds this many batches when ids are dense
DRAIN_WAIT_SECONDS = 0.2


async def embed_and_store(
    store: EmbeddingStore, embedder: Embedder, ids: Sequence[int], texts: Sequence[str]
) -> FloatMatrix:
    """Embed these comments in a worker thread and store their vectors, so no later command embeds them again."""
    vectors = await asyncio.to_thread(embedder.embed, list(texts))
    await store.save(ids, vectors)
    return vectors


class PendingComments(Protocol):
    """Where an indexer finds comments still to embed (comment vectors, or window vectors)."""

    @property
    def model(self) -> str: ...

    async def corpus_state(self) -> CorpusState: ...

    async def pending(self, after_id: int, up_to: int, limit: int) -> tuple[list[tuple[int, str]], int]: ...

    def claim(self, block: int) -> AbstractAsyncContextManager[bool]: ...


Write = Callable[[Sequence[int], Sequence[str]], Awaitable[object]]
"""Embeds a batch of comments (ids, texts) and stores the result."""


@dataclass(slots=True)
class Indexer:
    """Walks comment ids upwards, embedding what has no vector; a full pass that found nothing marks it clean.

    `write` embeds and stores a batch: by default the comments' own vectors into `store`."""

    store: PendingComments
    embedder: Embedder
    batch_size: int = BATCH_SIZE
    cursor: int = 0
    clean: CorpusState | None = None
    embedded: int = field(default=0)
    failed_in_pass: bool = False
    retried_passes: int = 0
    write: Write | None = None
    block_ids: int = 0
    """Ids per claimed block (0: `BLOCK_BATCHES` batches' worth)."""
    skipped_from: int | None = None
    """Where the first block skipped in this pass (claimed by another process) starts."""
    waiting_on_others: bool = False

    def __post_init__(self) -> None:
        if self.block_ids <= 0:
            self.block_ids = self.batch_size * BLOCK_BATCHES

    async def step(self) -> int:
        """Embed and store one batch; how many comments it embedded (0: nothing pending right now).

        The batch is taken from one block of `block_ids` ids, claimed for the while it is embedded and stored
        (`store.claim`): a block another process is embedding in is skipped, and walked again at the end of the
        pass, so no two processes embed the same comment and none is left without a vector if one dies."""
        state = await self.store.corpus_state()
        if state == self.clean:
            return 0
        while True:
            rows, scanned = await self.store.pending(self.cursor, state.max_id, self.batch_size)
            if not rows:
                self.cursor = scanned
                if self.cursor >= state.max_id:
                    self._end_pass(state)
                return 0
            block = (rows[0][0] - 1) // self.block_ids
            start, end = block * self.block_ids, min((block + 1) * self.block_ids, state.max_id)
            async with self.store.claim(block) as mine:
                if not mine:
                    self.skipped_from = start if self.skipped_from is None else min(self.skipped_from, start)
                    self.cursor = max(self.cursor, end)
                    continue
                # Read again under the claim: what another process stored before it is not embedded again.
                rows, self.cursor = await self.store.pending(max(self.cursor, start), end, self.batch_size)
                if rows:
                    return await self._embed(rows)

    async def _embed(self, rows: list[tuple[int, str]]) -> int:
        ids = [cid for cid, _ in rows]
        texts = [text for _, text in rows]
        if self.write is not None:
            await self.write(ids, texts)
        else:
            assert isinstance(self.store, EmbeddingStore)
            await embed_and_store(self.store, self.embedder, ids, texts)
        self.embedded += len(ids)
        return len(ids)

    def _end_pass(self, state: CorpusState) -> None:
        """A pass reached the newest comment: idle until the corpus changes, unless a batch failed on the way
        (then walk again, a few times, so a passing fault does not leave comments without vectors) or another
        process was embedding in a block (walk again from there: it may have died before finishing it)."""
        self.cursor = 0
        self.waiting_on_others = self.skipped_from is not None
        if self.skipped_from is not None:
            self.cursor, self.skipped_from = self.skipped_from, None
        elif self.failed_in_pass and self.retried_passes < RETRY_PASSES:
            self.retried_passes += 1
        else:
            self.clean, self.retried_passes = state, 0
        self.failed_in_pass = False

    async def drain(self, progress: Callable[[int], None] | None = None) -> int:
        """Embed everything pending now (the `threadbot embed` step); how many comments were embedded. Blocks
        another process is embedding in are waited for (looked at again every `DRAIN_WAIT_SECONDS`)."""
        total = 0
        self.clean = None
        while True:
            done = await self.step()
            if done == 0 and self.clean is not None:
                return total
            if done == 0 and self.waiting_on_others:
                self.waiting_on_others = False
                await asyncio.sleep(DRAIN_WAIT_SECONDS)
            total += done
            if progress is not None and done:
                progress(done)

    async def run_forever(
        self, idle_seconds: float = IDLE_SECONDS, retry_seconds: float = RETRY_SECONDS
    ) -> None:
        """Loop over `step`, sleeping when idle (see `run_in_turn`)."""
        await run_in_turn([self], idle_seconds, retry_seconds)


async def run_in_turn(
    indexers: Sequence[Indexer],
    idle_seconds: float = IDLE_SECONDS,
    retry_seconds: float = RETRY_SECONDS,
    turn: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Step the first indexer with work pending, in the order given (the first has priority), sleeping when none
    has any; `turn()`, when given, is awaited before each batch (the stance reader's `quiet`: commands and
    answers completing in place first). A failing batch is logged and skipped (the cursor has already moved past
    it) until the pass is walked again; it never ends the loop."""
    while True:
        done = 0
        for indexer in indexers:
            try:
                if turn is not None:
                    await turn()
                done = await indexer.step()
            except asyncio.CancelledError:
                raise
            except DatabaseWriteError as error:  # a full disk or a read-only file: one line, not a traceback
                log.warning("could not store a batch of vectors (%s); going on in %.0f s", error, retry_seconds)
                indexer.failed_in_pass = True
                await asyncio.sleep(retry_seconds)
                done = -1
            except Exception:
                log.exception("embedding a batch of comments failed; going on in %.0f s", retry_seconds)
                indexer.failed_in_pass = True
                await asyncio.sleep(retry_seconds)
                done = -1
            if done:
                break
        if done == 0:
            await asyncio.sleep(idle_seconds)
        else:
            await asyncio.sleep(0)  # let commands run between batches


BLOCK_IDS = BATCH_SIZE * BLOCK_BATCHES


def indexer_for(vectors: VectorStores, embedder: Embedder, batch_size: int = BATCH_SIZE) -> Indexer:
    """An indexer of this embedder's vectors."""
    return Indexer(vectors.for_model(model_key(embedder.files)), embedder, batch_size, block_ids=BLOCK_IDS)


def window_indexer_for(
    vectors: VectorStores, stance: StanceClassifier, batch_size: int = WINDOW_BATCH
) -> Indexer | None:
    """An indexer of the sentence-window vectors stance relevance reads (None without evidence or embedder)."""
    embedder = stance.embedder
    identity = None if embedder is None else stance.window_identity(model_key(embedder.files))
    if embedder is None or identity is None:
        return None
    store = vectors.windows_for(identity)

    async def write(ids: Sequence[int], texts: Sequence[str]) -> None:
        rows = await asyncio.to_thread(stance.embed_windows, list(texts))
        await store.save(ids, rows)

    return Indexer(store, embedder, batch_size, write=write, block_ids=BLOCK_IDS)


def indexers_for(vectors: VectorStores, engine: Engine, *, running: bool = False) -> list[Indexer]:
    """The indexers that embed an archive, in priority order: comment vectors, then window vectors; `running`:
    the bot's own, in small batches (`RUNNING_BATCH`), as members may ask meanwhile."""
    if engine.embedder is None:
        return []
    sizes = (RUNNING_BATCH, RUNNING_WINDOW_BATCH) if running else (BATCH_SIZE, WINDOW_BATCH)
    windows = window_indexer_for(vectors, engine.stance, sizes[1])
    return [indexer_for(vectors, engine.embedder, sizes[0])] + ([windows] if windows is not None else [])


async def run_indexer(ctx: Context, idle_seconds: float = IDLE_SECONDS) -> None:
    """The long-running job `threadbot run` starts: load the engine, then embed pending comments forever."""
    try:
        engine = await ctx.services.load_engine()
    except Exception:
        log.exception("cannot load the embedding model; comments will not be embedded")
        return
    if engine.embedder is None:
        log.info("no embedding model installed: retrieval stays BM25-only")
        return
    indexers = indexers_for(ctx.stores.vectors, engine, running=True)
    log.info("embedding pending comments in the background (%s)", ", ".join(i.store.model for i in indexers))

    async def commands_first() -> None:
        """A member waiting for an answer (or its completion in place) gets the cores before the next batch."""
        if ctx.services.stance is not None:
            await ctx.services.stance.quiet()

    await run_in_turn(indexers, idle_seconds, turn=commands_first)
