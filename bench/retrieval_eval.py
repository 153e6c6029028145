"""Benchmark: is hybrid retrieval better than BM25 alone? nDCG@10 on ArguAna, through the product's own storage.

Each split's arguments are imported into a SQLite archive with `SqliteStore.import_records`, embedded with the
background indexer's code (`Indexer.drain`), and ranked with the store's BM25 (FTS5) search, the dense ranking
`retrieve` uses (cosine over the archive's cached vector matrix, with its similarity floor), and their fusion.
Every query is an argument of the corpus, so it is removed from its own results (as ArguAna requires). Fusion
settings are chosen on the validation split only and then reported on the test split; the chosen setting is
also run end to end through `retrieve` itself. A query's vector is its own stored vector (the same text).

With `--backend both` (or `postgresql`), the splits are also imported into a throwaway PostgreSQL database
(bench/pg_common.py: `--url` or THREADBOT_BENCH_DATABASE_URL) and ranked by its BM25 search
(storage/postgres/search.py); those rankings are scored beside FTS5's, alone and fused with the same dense
rankings (the vectors, and so the dense side, are the same on both backends).

    .venv/bin/python -m bench.retrieval_eval            # validation + test (first run embeds ~5,400 arguments)
    .venv/bin/python -m bench.retrieval_eval --backend both
    .venv/bin/python -m bench.retrieval_eval --lexical-only     # BM25 on both backends only, no model needed
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.engine_common import CACHE, arguana, arguana_qrels, ndcg_at_10_single
from bench.pg_common import scratch_database, server_url
from bot.context import Context
from bot.engine.embedder import Embedder
from bot.engine.fusion import reciprocal_rank_fusion, score_fusion
from bot.engine.loader import Engine, load_engine
from bot.registry import Registry
from bot.retrieval import search as retrieval
from bot.retrieval.cache import ArchiveMatrix
from bot.retrieval.identity import model_key
from bot.retrieval.indexer import indexer_for
from bot.services import Services
from bot.settings import Settings
from bot.times import iso, utc_now
from storage.embedding_store import EmbeddingStore, VectorStores
from storage.importers.records import CommentRecord
from storage.interface import Store
from storage.sqlite_store import SqliteStore
from storage.stores import postgres_stores, sqlite_stores

SPACE = "bench:arguana"
DEPTH = retrieval.DEPTH


@dataclass
class Split:
    name: str
    queries: list[tuple[int, int]]  # (query comment id, relevant comment id)
    lexical: dict[int, list[tuple[int, float]]]  # query id -> BM25 (id, score), own id removed
    dense: dict[int, list[tuple[int, float]]]  # query id -> (id, cosine), own id removed, above the floor


async def open_split(
    name: str, embedder: Embedder | None, folder: Path
) -> tuple[SqliteStore, int, dict[str, int]]:
    """The split's arguments in an archive of their own (imported and embedded once, then reused)."""
    store = await SqliteStore.open(folder / f"arguana-{name}.db")
    archive = await store.find_archive(SPACE, name)
    if archive is None:
        records = [CommentRecord(source_id=a.id, text=a.full) for a in arguana((name,))]
        start = time.perf_counter()
        archive = (await store.import_records(SPACE, name, records, created_at=iso(utc_now()))).archive
        print(f"{name}: imported {archive.comment_count:,} arguments in {time.perf_counter() - start:.1f} s")
    if embedder is not None:
        indexer = indexer_for(VectorStores(store.db), embedder)
        assert indexer is not None
        start = time.perf_counter()
        embedded = await indexer.drain()
        if embedded:
            print(f"{name}: embedded {embedded:,} arguments in {time.perf_counter() - start:.1f} s")
    rows = await store.db.fetchall("SELECT source_id, id FROM comments WHERE archive_id = ?", (archive.id,))
    return store, archive.id, {str(r[0]): int(r[1]) for r in rows}


async def postgres_split(store: Store, split: Split, ids: dict[str, int], texts: dict[int, str]) -> Split:
    """The split ranked by the PostgreSQL store's BM25 (its arguments imported there), in SQLite's comment ids,
    beside SQLite's own dense rankings."""
    archive = (
        await store.import_records(
            SPACE,
            split.name,
            [CommentRecord(source_id=a.id, text=a.full) for a in arguana((split.name,))],
            created_at=iso(utc_now()),
        )
    ).archive
    lexical = {}
    for query_id, _ in split.queries:
        hits = await store.search([archive.id], texts[query_id], DEPTH + 1)
        ranked = [(ids[h.comment.source_id], h.score) for h in hits]
        lexical[query_id] = [(c, s) for c, s in ranked if c != query_id][:DEPTH]
    return Split(split.name, split.queries, lexical, split.dense)


async def rankings(
    name: str, store: SqliteStore, archive_id: int, ids: dict[str, int], model: str | None
) -> Split:
    """BM25 and (with a model) dense rankings of every query of the split, its own id removed."""
    matrix = None
    if model is not None:
        rows = await EmbeddingStore(store.db, model).archive_vectors(archive_id)
        matrix = ArchiveMatrix(rows.ids, rows.vectors.astype(np.float32), int(rows.ids[-1]), 0.0)
    texts = {c.id: c.text for c in await store.get_comments(list(ids.values()))}
    queries = [(ids[q], ids[d]) for q, d in arguana_qrels(name).items() if q in ids and d in ids]
    split = Split(name, queries, {}, {})
    for query_id, _ in queries:
        hits = await store.search([archive_id], texts[query_id], DEPTH + 1)
        split.lexical[query_id] = [(h.comment.id, h.score) for h in hits if h.comment.id != query_id][:DEPTH]
        if matrix is None:
            continue
        qv = matrix.matrix[matrix.rows_of([query_id])[query_id]]
        near = retrieval._nearest(matrix, qv, DEPTH + 1)
        split.dense[query_id] = [(c, s) for c, s in near if c != query_id][:DEPTH]
    return split


def ndcg(split: Split, rank: str, **params: float) -> float:
    """Mean nDCG@10 over the split's queries for one ranking method."""
    floor = params.get("floor", retrieval.MIN_SIMILARITY)
    scores = []
    for query_id, relevant in split.queries:
        lexical = split.lexical[query_id]
        dense = [(c, s) for c, s in split.dense.get(query_id, []) if s >= floor]
        if rank == "bm25":
            order = [c for c, _ in lexical]
        elif rank == "dense":
            order = [c for c, _ in split.dense[query_id]]
        elif rank == "rrf":
            fused = reciprocal_rank_fusion(
                [[c for c, _ in lexical], [c for c, _ in dense]],
                k=int(params["k"]),
                weights=[1.0, params["dense_weight"]],
            )
            order = [c for c, _ in fused] if dense else [c for c, _ in lexical]
        else:  # min-max score blend
            fused = score_fusion([dict(lexical), dict(dense)], [1.0 - params["alpha"], params["alpha"]])
            order = [c for c, _ in fused]
        scores.append(ndcg_at_10_single(order, relevant))
    return statistics.fmean(scores)


RRF_GRID = [
    {"k": k, "dense_weight": w} for k in (5, 10, 20, 30, 60) for w in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
]
BLEND_GRID = [{"alpha": a} for a in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]


async def end_to_end(
    store: SqliteStore, archive_id: int, split: Split, engine: Engine
) -> tuple[float, float]:
    """nDCG@10 of `retrieve` itself with its shipped settings, and its p50 latency in ms."""
    ctx = Context(
        stores=sqlite_stores(store.db), settings=Settings(db=Path(store.db.path)), registry=Registry(), services=Services()
    )
    ctx.services.engine = engine
    texts = {c.id: c.text for c in await store.get_comments([q for q, _ in split.queries])}
    scores, times = [], []
    for query_id, relevant in split.queries:
        start = time.perf_counter()
        got = await retrieval.retrieve(ctx, [archive_id], texts[query_id], 11)
        times.append((time.perf_counter() - start) * 1000)
        order = [h.comment.id for h in got.hits if h.comment.id != query_id]
        scores.append(ndcg_at_10_single(order, relevant))
    return statistics.fmean(scores), statistics.median(times)


async def postgres_splits(url: str, splits: dict[str, Split], opened: dict[str, tuple[SqliteStore, int]],
                          ids: dict[str, dict[str, int]]) -> dict[str, Split]:
    with scratch_database(url, "arguana") as pg_url:
        stores = await postgres_stores(pg_url)
        try:
            out = {}
            for name, split in splits.items():
                store, _ = opened[name]
                texts = {c.id: c.text for c in await store.get_comments([q for q, _ in split.queries])}
                start = time.perf_counter()
                out[name] = await postgres_split(stores.archives, split, ids[name], texts)
                print(f"{name}: imported and ranked on PostgreSQL in {time.perf_counter() - start:.1f} s")
            return out
        finally:
            await stores.close()


async def lexical_parity(folder: Path, url: str | None) -> None:
    """BM25 alone on both backends, nothing embedded: the ranking parity figure in minutes."""
    splits: dict[str, Split] = {}
    opened: dict[str, tuple[SqliteStore, int]] = {}
    id_maps: dict[str, dict[str, int]] = {}
    for name in ("validation", "test"):
        store, archive_id, ids = await open_split(name, None, folder)
        opened[name], id_maps[name] = (store, archive_id), ids
        splits[name] = await rankings(name, store, archive_id, ids, None)
        print(f"{name}: {len(ids):,} arguments, {len(splits[name].queries):,} queries")
    pg = await postgres_splits(server_url(url), splits, opened, id_maps)
    print(f"\n{'nDCG@10 (BM25, store.search)':34s} {'validation':>10s} {'test':>8s}")
    for label, chosen in (("SQLite (FTS5)", splits), ("PostgreSQL", pg)):
        print(f"{label:34s} {ndcg(chosen['validation'], 'bm25'):10.3f} {ndcg(chosen['test'], 'bm25'):8.3f}")
    ratios = [ndcg(pg[n], "bm25") / ndcg(splits[n], "bm25") for n in ("validation", "test")]
    print(f"{'PostgreSQL / SQLite':34s} {ratios[0]:10.3f} {ratios[1]:8.3f}  (goal >= 0.95)")
    for store, _ in opened.values():
        await store.close()


async def main(folder: Path, backend: str, url: str | None) -> None:
    engine = await asyncio.to_thread(load_engine)
    assert engine.embedder is not None, "install threadbot[models]"
    model = model_key(engine.embedder.files)
    splits: dict[str, Split] = {}
    opened: dict[str, tuple[SqliteStore, int]] = {}
    id_maps: dict[str, dict[str, int]] = {}
    for name in ("validation", "test"):
        store, archive_id, ids = await open_split(name, engine.embedder, folder)
        opened[name] = (store, archive_id)
        id_maps[name] = ids
        splits[name] = await rankings(name, store, archive_id, ids, model)
        print(f"{name}: {len(ids):,} arguments, {len(splits[name].queries):,} queries")
    if backend != "sqlite":
        pg = await postgres_splits(server_url(url), splits, opened, id_maps)
    val, test = splits["validation"], splits["test"]
    best_rrf = max(RRF_GRID, key=lambda p: ndcg(val, "rrf", **p))
    best_blend = max(BLEND_GRID, key=lambda p: ndcg(val, "blend", **p))
    shipped = {"k": retrieval.RRF_K, "dense_weight": retrieval.DENSE_WEIGHT / retrieval.BM25_WEIGHT}
    print(
        f"\nfloor (cosine) {retrieval.MIN_SIMILARITY}; depth {DEPTH}; chosen on validation: "
        f"RRF {best_rrf}, blend {best_blend}"
    )
    print(f"{'nDCG@10':34s} {'validation':>10s} {'test':>8s}")
    for label, rank, params in [
        ("BM25 (store.search, FTS5)", "bm25", {}),
        ("dense (MiniLM, cached matrix)", "dense", {}),
        ("RRF k=60, equal weights", "rrf", {"k": 60, "dense_weight": 1.0}),
        (f"RRF shipped {shipped}", "rrf", shipped),
        ("RRF best on validation", "rrf", best_rrf),
        ("min-max blend best on validation", "blend", best_blend),
    ]:
        print(f"{label:34s} {ndcg(val, rank, **params):10.3f} {ndcg(test, rank, **params):8.3f}")
    if backend != "sqlite":
        pg_val, pg_test = pg["validation"], pg["test"]
        for label, rank, params in [
            ("BM25 (store.search, PostgreSQL)", "bm25", {}),
            ("RRF shipped, PostgreSQL BM25", "rrf", shipped),
        ]:
            print(f"{label:34s} {ndcg(pg_val, rank, **params):10.3f} {ndcg(pg_test, rank, **params):8.3f}")
        for label, rank, params in [("BM25", "bm25", {}), ("RRF shipped", "rrf", shipped)]:
            ratios = [ndcg(pg[n], rank, **params) / ndcg(splits[n], rank, **params) for n in ("validation", "test")]
            print(f"{label + ': PostgreSQL / SQLite':34s} {ratios[0]:10.3f} {ratios[1]:8.3f}  (goal >= 0.95)")
    store, archive_id = opened["test"]
    score, p50 = await end_to_end(store, archive_id, test, engine)
    print(
        f"\nretrieve() end to end on test (shipped settings): nDCG@10 {score:.3f}, p50 {p50:.1f} ms per query"
    )
    for store, _ in opened.values():
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cache", type=Path, default=CACHE / "retrieval", help="where the split databases are kept"
    )
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="sqlite",
        help="also rank with the PostgreSQL store's BM25 (postgresql and both do the same: SQLite is the baseline)",
    )
    parser.add_argument("--url", help="a PostgreSQL server where this role may create databases")
    parser.add_argument(
        "--lexical-only", action="store_true", help="BM25 on SQLite and PostgreSQL only: no model, nothing embedded"
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.lexical_only:
        asyncio.run(lexical_parity(args.cache, args.url))
    else:
        asyncio.run(main(args.cache, args.backend, args.url))
