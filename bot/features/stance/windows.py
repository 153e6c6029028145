"""Sentence-window vectors of a claim's candidates: taken from storage where the indexer put them, else embedded
a few comments a step (and stored, as the indexer would) before the claim is read.

Relevance reads every window of every candidate (bot/engine/evidence.py), and on a freshly imported archive none
is stored yet: some 8 windows per long comment, 1,700 for a claim's 200 candidates, 10-15 s of embedding on 2
cores. Done inside one classification step, that held the cores for as long, and a command asked meanwhile
waited for it; here each step embeds `WINDOW_STEP` comments' windows (a fraction of a second) and the caller
waits for commands between steps.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

import numpy as np

from bot.context import Context
from bot.engine.loader import Engine
from bot.retrieval.search import vector_store
from storage.embedding_store import WindowVectorStore
from storage.interface import StoredComment

WINDOW_STEP = 4
"""Comments whose windows are embedded per step (about 30 sentences, ~0.3 s on 2 cores)."""


def window_store(ctx: Context, engine: Engine) -> WindowVectorStore | None:
    """Where the indexer keeps the engine's window vectors (None: no embedder, or no sentence evidence)."""
    key = ctx.services.model_key()
    identity = engine.stance.window_identity(key) if key is not None else None
    return ctx.stores.vectors.windows_for(identity) if identity is not None else None


async def stored_windows(ctx: Context, engine: Engine, ids: Sequence[int], texts: Sequence[str]) -> set[int]:
    """Hand the classifier the window vectors the indexer stored for these comments, so relevance embeds none of
    theirs while a member waits; the ids that have a stored row (possibly empty: a comment read whole)."""
    store = window_store(ctx, engine)
    if store is None or not ids:
        return set()
    rows = await store.vectors(list(ids))
    found = [(t, rows[i]) for i, t in zip(ids, texts, strict=True) if i in rows and len(rows[i])]
    if found:
        await asyncio.to_thread(lambda: [engine.stance.remember_windows(t, r) for t, r in found])
    return set(rows)


async def embed_windows(
    ctx: Context,
    engine: Engine,
    ids: Sequence[int],
    texts: Sequence[str],
    wait: Callable[[], Awaitable[None]],
) -> int:
    """Store the window vectors of these comments that have no stored row, `WINDOW_STEP` comments a step,
    awaiting `wait()` before each step; windows the classifier holds are not embedded again. Afterwards
    relevance embeds none of theirs, in this process or the next. How many comments were stored."""
    store = window_store(ctx, engine)
    if store is None or engine.stance.embedder is None or not ids:
        return 0
    have = await stored_windows(ctx, engine, ids, texts)
    todo = [i for i, cid in enumerate(ids) if cid not in have]
    for start in range(0, len(todo), WINDOW_STEP):
        await wait()
        batch = todo[start : start + WINDOW_STEP]
        rows = await asyncio.to_thread(engine.stance.comment_windows, [texts[i] for i in batch])
        await store.save([ids[i] for i in batch], rows)
    return len(todo)


async def windows_in_time(
    ctx: Context, engine: Engine, ids: Sequence[int], texts: Sequence[str], seconds: float
) -> set[int]:
    """Of these comments (best first), the ids relevance can read without embedding once this returns: those it
    could already (windows handed over from storage, or cached), then those whose windows are embedded now (and
    stored), `WINDOW_STEP` comments a step, while less than `seconds` have passed. A first reply on a big archive
    the indexer has not finished reads only these, so their windows never hold it past its deadline."""
    started = time.perf_counter()
    ready = set(await asyncio.to_thread(lambda: [i for i, t in zip(ids, texts, strict=True) if engine.stance.holds_windows(t)]))
    todo = [(i, t) for i, t in zip(ids, texts, strict=True) if i not in ready]
    store = window_store(ctx, engine)
    if store is None or engine.stance.embedder is None:
        return ready | {i for i, _ in todo}  # nothing to embed ahead: relevance reads them as before
    while todo and time.perf_counter() - started < seconds:
        batch, todo = todo[:WINDOW_STEP], todo[WINDOW_STEP:]
        rows = await asyncio.to_thread(engine.stance.comment_windows, [t for _, t in batch])
        await store.save([i for i, _ in batch], rows)
        ready.update(i for i, _ in batch)
    return ready


async def stored_parents(
    ctx: Context, engine: Engine, archive_id: int, comments: Sequence[StoredComment]
) -> int:
    """Hand the classifier the stored vectors (whole and windows) of the comments these candidates answer (the
    candidates' own windows are the caller's, `stored_windows`): a reply is at least as relevant as its parent,
    so every new claim needs its parents' relevance, and without this each one was embedded again while a member
    waited (30-70 ms a long comment). How many parents had a stored vector."""
    sources = sorted({c.parent_source_id for c in comments if c.parent_source_id})
    store = vector_store(ctx)
    if not sources or store is None or engine.stance.embedder is None:
        return 0
    parents = list((await ctx.stores.archives.comments_by_source(archive_id, sources)).values())
    if not parents:
        return 0
    rows = await store.vectors([p.id for p in parents])
    have = [p for p in parents if p.id in rows]
    if have:
        await asyncio.to_thread(
            engine.stance.remember_vectors, [p.text for p in have], np.vstack([rows[p.id] for p in have])
        )
    given = {c.id for c in comments}  # candidates themselves: the caller has handed over their windows already
    rest = [p for p in parents if p.id not in given]
    await stored_windows(ctx, engine, [p.id for p in rest], [p.text for p in rest])
    return len(have)
