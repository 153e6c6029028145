"""`retrieve`: the candidates every command starts from, BM25 (FTS5) fused with dense vectors where they exist.

Dense search ranks the archive's stored vectors by cosine similarity to the query (one matrix product over a
cached matrix; above the cache's cap it only re-ranks BM25's candidates). Only comments at least
`min_similarity` alike take part, so a query that means nothing ("asdfgh") still finds nothing. The two
rankings are combined by weighted reciprocal rank fusion, with weights picked on ArguAna's validation split
(bench/retrieval_eval.py). With no embedder or no vectors yet, the answer is exactly the store's BM25 search.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import numpy.typing as npt

from bot.context import Context
from bot.engine.embedder import Embedder
from bot.engine.fusion import reciprocal_rank_fusion
from bot.retrieval.cache import ArchiveMatrix, DenseView, FloatMatrix
from bot.retrieval.indexer import embed_and_store
from bot.retrieval.memo import Memo
from storage.embedding_store import EmbeddingStore
from storage.interface import SearchHit

DEPTH = 100  # how deep each ranking goes before fusion
MIN_SIMILARITY = 0.3  # cosine below which a comment is not taken as about the query (dense side only)
RRF_K = 10  # k and weights chosen on ArguAna validation (bench/retrieval_eval.py)
BM25_WEIGHT = 1.0
DENSE_WEIGHT = 2.0


@dataclass(frozen=True, slots=True)
class Retrieved:
    """Hits best first; with `with_vectors`, their unit vectors (float32, one row per hit) and the query's."""

    hits: list[SearchHit]
    vectors: FloatMatrix | None = None
    query_vector: npt.NDArray[np.float32] | None = None
    dense: bool = False  # whether dense vectors took part in the ranking


def vector_store(ctx: Context) -> EmbeddingStore | None:
    """The vector store of the configured embedder (None: no embedder installed)."""
    key = ctx.services.model_key()
    return ctx.stores.vectors.for_model(key) if key is not None else None


async def retrieve(
    ctx: Context,
    archive_ids: Sequence[int],
    query: str,
    limit: int,
    *,
    with_vectors: bool = False,
    min_similarity: float = MIN_SIMILARITY,
) -> Retrieved:
    """The `limit` comments of these archives most relevant to `query`, best first (see the module docstring).

    With `with_vectors`, also each hit's vector (missing ones are embedded now in a worker thread and stored,
    so the next call is fast) and the query's vector; both are None when no embedder is installed. The same
    question over unchanged archives is answered from memory (memo.py)."""
    store = vector_store(ctx)
    revisions = await ctx.stores.archives.archive_revisions(archive_ids)  # first: the views are checked against it
    cache = ctx.services.vectors
    views = {aid: await cache.view(store, aid, revisions.get(aid)) for aid in archive_ids} if store is not None else {}
    state = tuple((aid, revisions.get(aid), views[aid].count if aid in views else None) for aid in archive_ids)
    key = (query, limit, with_vectors, min_similarity, ctx.services.model_key(), state)
    memo: Memo[Retrieved] = ctx.services.memo
    remembered = memo.get(key)
    if remembered is not None:
        return replace(remembered, hits=list(remembered.hits))
    searched = _Searches(ctx, archive_ids, tuple(sorted(revisions.items())))
    found = await _retrieve(ctx, searched, store, views, query, limit, with_vectors, min_similarity)
    memo.put(key, replace(found, hits=list(found.hits)))
    return found


@dataclass(frozen=True, slots=True)
class _Searches:
    """BM25 searches and query vectors, remembered on their own: they do not change when vectors are added, so
    while the indexer works a repeated question only redoes the (cheap) dense ranking and fusion."""

    ctx: Context
    archive_ids: Sequence[int]
    revisions: tuple[tuple[int, int], ...]

    async def lexical(self, query: str, limit: int) -> list[SearchHit]:
        key = ("bm25", query, limit, tuple(self.archive_ids), self.revisions)
        memo = self.ctx.services.lexical_memo
        hits = memo.get(key)
        if hits is None:
            hits = await self.ctx.stores.archives.search(self.archive_ids, query, limit)
            memo.put(key, hits)
        return list(hits)

    async def query_vector(self, embedder: Embedder, query: str) -> npt.NDArray[np.float32]:
        key = ("query", self.ctx.services.model_key(), query)
        memo = self.ctx.services.lexical_memo
        vector = memo.get(key)
        if vector is None:
            vector = (await asyncio.to_thread(embedder.embed, [query]))[0]
            memo.put(key, vector)
        return cast(npt.NDArray[np.float32], vector)


async def _retrieve(
    ctx: Context,
    searched: _Searches,
    store: EmbeddingStore | None,
    views: dict[int, DenseView],
    query: str,
    limit: int,
    with_vectors: bool,
    min_similarity: float,
) -> Retrieved:
    if store is None:
        return Retrieved(await searched.lexical(query, limit))
    has_vectors = any(view.count for view in views.values())
    if not has_vectors and not with_vectors:
        return Retrieved(await searched.lexical(query, limit))
    embedder = (await ctx.services.load_engine()).embedder
    if embedder is None:
        return Retrieved(await searched.lexical(query, limit))
    depth = max(limit, DEPTH)
    lexical = await searched.lexical(query, depth)
    query_vector = await searched.query_vector(embedder, query)
    dense: list[tuple[int, float]] = []
    if has_vectors:
        dense = await _dense_ranking(store, views, lexical, query_vector, depth, min_similarity)
    hits = await _fuse(ctx, lexical, dense, limit)
    if not with_vectors:
        return Retrieved(hits, dense=bool(dense))
    vectors = await hit_vectors(store, embedder, hits, views)
    return Retrieved(hits, vectors, query_vector, dense=bool(dense))


async def _dense_ranking(
    store: EmbeddingStore,
    views: dict[int, DenseView],
    lexical: list[SearchHit],
    query_vector: npt.NDArray[np.float32],
    depth: int,
    min_similarity: float,
) -> list[tuple[int, float]]:
    """(comment id, cosine) of the most similar comments, best first, none below `min_similarity`."""
    found: list[tuple[int, float]] = []
    for view in views.values():
        if view.matrix is not None:
            found += await asyncio.to_thread(_nearest, view.matrix, query_vector, depth)
    if any(view.matrix is None and view.count for view in views.values()):  # above the cap: re-rank BM25's
        stored = await store.vectors([hit.comment.id for hit in lexical])
        found += [(cid, float(np.dot(vec.astype(np.float32), query_vector))) for cid, vec in stored.items()]
    best = sorted({cid: score for cid, score in found}.items(), key=lambda kv: -kv[1])
    return [(cid, score) for cid, score in best[:depth] if score >= min_similarity]


def _nearest(
    entry: ArchiveMatrix, query_vector: npt.NDArray[np.float32], depth: int
) -> list[tuple[int, float]]:
    scores = entry.matrix @ query_vector
    top = np.argpartition(-scores, depth)[:depth] if scores.shape[0] > depth else np.arange(scores.shape[0])
    top = top[np.argsort(-scores[top])]
    return [(int(entry.ids[i]), float(scores[i])) for i in top]


async def _fuse(
    ctx: Context, lexical: list[SearchHit], dense: list[tuple[int, float]], limit: int
) -> list[SearchHit]:
    if not dense:
        return lexical[:limit]
    fused = reciprocal_rank_fusion(
        [[hit.comment.id for hit in lexical], [cid for cid, _ in dense]],
        k=RRF_K,
        weights=[BM25_WEIGHT, DENSE_WEIGHT],
    )[:limit]
    by_id = {hit.comment.id: hit for hit in lexical}
    missing = [cid for cid, _ in fused if cid not in by_id]
    comments = {c.id: c for c in await ctx.stores.archives.get_comments(missing)}
    hits: list[SearchHit] = []
    for cid, score in fused:
        if cid in by_id:
            hits.append(SearchHit(by_id[cid].comment, score, by_id[cid].highlighted))
        elif cid in comments:  # dense only: no word matched, so nothing to highlight
            hits.append(SearchHit(comments[cid], score, comments[cid].text))
    return hits


async def hit_vectors(
    store: EmbeddingStore, embedder: Embedder, hits: list[SearchHit], views: dict[int, DenseView]
) -> FloatMatrix:
    """The hits' vectors as float32 rows in hit order; those not stored yet are embedded now and stored."""
    out = np.zeros((len(hits), embedder.dim), dtype=np.float32)
    ids = [hit.comment.id for hit in hits]
    have: set[int] = set()
    for view in views.values():
        if view.matrix is not None:
            rows = view.matrix.rows_of(ids)
            for i, cid in enumerate(ids):
                if cid in rows:
                    out[i] = view.matrix.matrix[rows[cid]]
                    have.add(cid)
    wanted = [cid for cid in ids if cid not in have]
    stored = await store.vectors(wanted) if wanted else {}
    for i, cid in enumerate(ids):
        if cid in stored:
            out[i] = stored[cid].astype(np.float32)
            have.add(cid)
    todo = [i for i, cid in enumerate(ids) if cid not in have]
    if todo:
        out[todo] = await embed_and_store(
            store, embedder, [ids[i] for i in todo], [hits[i].comment.text for i in todo]
        )
    return out
