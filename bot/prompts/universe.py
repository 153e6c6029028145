"""The comments one mining run reads (its universe), with their vectors: bounded, whatever the archive's size.

A small archive is read whole. A big one is read as neighbourhoods: comments of readable length spread evenly
over it (seeds), each with the comments that share most words with it (the store's BM25 search), so that the
comments read are about the same things as one another, as in a thread, and a claim finds the comments that
argue about it. Identical texts (a thread captured twice) are read once.

Vectors come from the store where the indexer has made them; the others are embedded here in small batches
(and stored, so the indexer skips them), each batch after waiting until no command runs. Without an embedder
there are no vectors and mining goes by words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.context import Context
from bot.engine.loader import Engine
from bot.prompts.claims import QUOTE_CHARS, claim_sentences, normal, worth_quoting
from bot.retrieval.indexer import embed_and_store
from bot.retrieval.search import vector_store
from storage.interface import ArchiveInfo, StoredComment

EMBED_BATCH = 4
SENTENCE_BATCH = 16
"""Comments and sentences embedded per step: a command waits for at most one step (a few tenths of a second)."""
MAX_CHARS = 100_000
Idle = Callable[[], Awaitable[None]]
Over = Callable[[], bool]
"""Whether a step's share of the mining bound is used up."""
Vectors = npt.NDArray[np.float32]


@dataclass(slots=True)
class Universe:
    """The comments read, in a fixed order, and (with an embedder) one unit vector per comment."""

    comments: list[StoredComment]
    vectors: Vectors | None = None
    duplicates: int = 0
    rows: dict[int, int] = field(default_factory=dict)  # comment id -> index

    def __post_init__(self) -> None:
        self.rows = {c.id: i for i, c in enumerate(self.comments)}

    def add(self, comments: list[StoredComment]) -> None:
        """More comments (before vectors are made): new texts only."""
        seen = {normal(c.text) for c in self.comments}
        for comment in comments:
            if comment.id in self.rows or normal(comment.text) in seen:
                continue
            seen.add(normal(comment.text))
            self.rows[comment.id] = len(self.comments)
            self.comments.append(comment)


def distinct(comments: list[StoredComment]) -> tuple[list[StoredComment], int]:
    """The comments with identical texts (case and spacing aside) kept once, first first; and how many went."""
    seen: set[str] = set()
    kept: list[StoredComment] = []
    for comment in comments:
        key = normal(comment.text)
        if key and key not in seen:
            seen.add(key)
            kept.append(comment)
    return kept, len(comments) - len(kept)


async def gather(ctx: Context, archive: ArchiveInfo, size: int, seeds: int, neighbourhood: int) -> Universe:
    """At most `size` comments: the whole archive when it is that small, else `seeds` neighbourhoods."""
    if archive.comment_count <= size:
        found = await ctx.stores.prompts.notable(archive.id, 1, MAX_CHARS, size)
    else:
        stride = max(1, archive.comment_count // (seeds * 4))
        spread = await ctx.stores.pools.spread(archive.id, *QUOTE_CHARS, stride, seeds * 4)
        quotable = await asyncio.to_thread(lambda: [c for c in spread if worth_quoting(c.text)])
        step = max(1, len(quotable) // seeds)
        chosen = quotable[::step][:seeds]
        queries = await asyncio.to_thread(lambda: [(claim_sentences(c.text) or [c.text[:300]])[0] for c in chosen])
        found = []
        for seed, query in zip(chosen, queries, strict=True):
            hits = await ctx.stores.archives.search([archive.id], query, neighbourhood)
            found += [seed, *(hit.comment for hit in hits)]
            if len({c.id for c in found}) >= size:
                break
    by_id = list({c.id: c for c in found}.values())[:size]
    kept, duplicates = distinct(by_id)
    return Universe(kept, duplicates=duplicates)


async def embed_universe(ctx: Context, engine: Engine, universe: Universe, idle: Idle, over: Over) -> None:
    """Give every comment a vector (stored ones, else embedded now and stored), until `over()`; comments still
    without one are left out of the universe."""
    store = vector_store(ctx)
    embedder = engine.embedder
    if store is None or embedder is None:
        return
    comments = universe.comments
    stored = await store.vectors([c.id for c in comments])
    have: dict[int, npt.NDArray[np.float32]] = {cid: row.astype(np.float32) for cid, row in stored.items()}
    missing = [c for c in comments if c.id not in have]
    for start in range(0, len(missing), EMBED_BATCH):
        if over():
            break
        batch = missing[start : start + EMBED_BATCH]
        await idle()
        rows = await embed_and_store(store, embedder, [c.id for c in batch], [c.text for c in batch])
        have.update((c.id, row.astype(np.float32)) for c, row in zip(batch, rows, strict=True))
    kept = [c for c in comments if c.id in have]
    universe.comments = kept
    universe.rows = {c.id: i for i, c in enumerate(kept)}
    universe.vectors = np.vstack([have[c.id] for c in kept]) if kept else None


async def warm_sentences(engine: Engine, texts: list[str], idle: Idle, over: Over) -> set[str]:
    """Embed these sentences through the classifier's window cache, in small batches, until `over()`; the
    texts that have a vector now."""
    done: set[str] = set()
    todo = list(dict.fromkeys(t for t in texts if t))
    for start in range(0, len(todo), SENTENCE_BATCH):
        if over():
            break
        batch = todo[start : start + SENTENCE_BATCH]
        await idle()
        await asyncio.to_thread(engine.stance.sentence_vectors, batch)
        done.update(batch)
    return done
