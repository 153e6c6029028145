"""Benchmark: how long `retrieve` takes on a big archive once every comment has a vector.

Imports N synthetic comments (bench/synth.py) through the store, then gives every comment a random unit vector
(latency depends on how many vectors there are, not on what they say; embedding 100k comments for real takes
~12 minutes on 2 cores, see `threadbot embed`). The query's embedding is real. Random vectors fall below
the similarity floor, so one row turns the floor off to time fusing every dense hit too. Prints p50/p99 in ms of:
BM25 alone (`store.search`), `retrieve` as `quote` calls it (50 hits), `retrieve` as stance/counter would
(200 hits with their vectors), the first call after start (the archive's matrix loads), and the same with the
cache cap below N (dense then only re-ranks BM25's candidates).

    .venv/bin/python -m bench.retrieval_latency 100000 --queries 300
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np

from bench.synth import comments, queries
from bot.context import Context
from bot.engine.loader import load_engine
from bot.registry import Registry
from bot.retrieval.identity import model_key
from bot.retrieval.search import retrieve
from bot.services import Services
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.embedding_store import EmbeddingStore
from storage.sqlite_store import SqliteStore
from storage.stores import sqlite_stores

SPACE = "console:local"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(texts: list[str], call: Callable[[str], Awaitable[object]]) -> list[float]:
    out = []
    for text in texts:
        start = time.perf_counter()
        await call(text)
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, ms: list[float]) -> None:
    print(f"{label:52s} p50 {statistics.median(ms):7.1f} ms   p99 {percentile(ms, 0.99):7.1f} ms")


async def bench(size: int, query_count: int, folder: Path) -> None:
    engine = await asyncio.to_thread(load_engine)
    assert engine.embedder is not None, "install threadbot[models]"
    store = await SqliteStore.open(folder / "latency.db")
    start = time.perf_counter()
    archive = (
        await store.import_records(SPACE, "bench", list(comments(size)), created_at=iso(utc_now()))
    ).archive
    print(f"imported {archive.comment_count:,} comments in {time.perf_counter() - start:.1f} s")
    vectors = EmbeddingStore(store.db, model_key(engine.embedder.files))
    rows = await store.db.fetchall("SELECT id FROM comments WHERE archive_id = ?", (archive.id,))
    ids = [int(r[0]) for r in rows]
    rng = np.random.default_rng(3)
    start = time.perf_counter()
    for at in range(0, len(ids), 5000):
        chunk = ids[at : at + 5000]
        random = rng.standard_normal((len(chunk), engine.embedder.dim)).astype(np.float32)
        await vectors.save(chunk, random / np.linalg.norm(random, axis=1, keepdims=True))
    print(f"stored {len(ids):,} vectors in {time.perf_counter() - start:.1f} s")

    ctx = Context(
        stores=sqlite_stores(store.db), settings=Settings(db=folder / "latency.db"), registry=Registry(), services=Services()
    )
    ctx.services.engine = engine
    texts = queries(query_count)
    start = time.perf_counter()
    await retrieve(ctx, [archive.id], texts[0], 50)
    print(
        f"first retrieve (loads the archive's {len(ids):,}-row matrix): {(time.perf_counter() - start):.2f} s"
    )
    report(
        "store.search (BM25 only), 50 hits", await timed(texts, lambda q: store.search([archive.id], q, 50))
    )
    report("retrieve, 50 hits (quote)", await timed(texts, lambda q: retrieve(ctx, [archive.id], q, 50)))
    report(
        "retrieve, 50 hits, no similarity floor (all fused)",
        await timed(texts, lambda q: retrieve(ctx, [archive.id], q, 50, min_similarity=-1.0)),
    )
    report(
        "retrieve, 200 hits with vectors (stance/counter)",
        await timed(texts, lambda q: retrieve(ctx, [archive.id], q, 200, with_vectors=True)),
    )
    ctx.services.vectors.cap = size // 2
    ctx.services.vectors.refresh_seconds = 0.0
    report(
        "retrieve, 50 hits, above the cache cap (re-rank only)",
        await timed(texts, lambda q: retrieve(ctx, [archive.id], q, 50)),
    )
    await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("size", type=int, nargs="?", default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args.size, args.queries, Path(folder)))


if __name__ == "__main__":
    main()
