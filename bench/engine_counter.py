"""Counterargument retrieval on ArguAna: nDCG@10 and top-1 accuracy of the engine's counter ranking vs baselines.

For each query point (qrels), the corpus is every argument of the chosen splits except the query itself; the one
relevant document is the point's counter. Baselines run in the same process on the same queries: BM25 (SQLite
FTS5, as storage), BM25 capped at 16 terms (what storage's query builder sends), MiniLM cosine, and RRF of the two.
Only text is used: no ids, debate membership or side.

Usage: .venv/bin/python bench/engine_counter.py [--split test|validation] [--corpus split|all]
                                                  [--queries N] [--grid] [--no-nli]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time
from dataclasses import replace

import numpy as np
from engine_common import CACHE, Argument, Fts5Index, arguana, arguana_qrels, ndcg_at_10_single

from bot.engine.counter import DEFAULT_COUNTER, CounterRanker, final_scores, neighbourhood_density
from bot.engine.embedder import Embedder
from bot.engine.fusion import reciprocal_rank_fusion
from bot.engine.loader import load_engine
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.stance import StanceClassifier


def embed_cached(embedder: Embedder, texts: list[str]) -> np.ndarray:
    h = hashlib.sha256(str(embedder.files.onnx).encode())
    for t in texts:
        h.update(t.encode())
        h.update(b"\x00")
    path = CACHE / f"emb-{h.hexdigest()[:24]}.npy"
    if path.exists():
        return np.load(path)
    vec = embedder.embed(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vec)
    return vec


def claim_of(arg: Argument) -> str:
    """The query's own claim for NLI: its conclusion (title), else its first sentence."""
    return arg.conclusion or arg.text.split(". ")[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["test", "validation"])
    ap.add_argument("--corpus", default="split", choices=["split", "all"])
    ap.add_argument("--queries", type=int, default=0, help="random sample of queries (0: all)")
    ap.add_argument("--grid", action="store_true", help="print nDCG for a grid of opposition weights")
    ap.add_argument("--no-nli", action="store_true")
    ap.add_argument("--rerank-k", type=int, default=DEFAULT_COUNTER.rerank_k)
    args = ap.parse_args()

    splits = ("training", "validation", "test") if args.corpus == "all" else (args.split,)
    corpus = arguana(splits)
    pos = {a.id: i for i, a in enumerate(corpus)}
    qrels = [(q, d) for q, d in arguana_qrels(args.split).items() if q in pos and d in pos]
    if args.queries:
        qrels = random.Random(0).sample(qrels, min(args.queries, len(qrels)))
    texts = [a.full for a in corpus]
    split_texts = [[a.full for a in arguana((sp,))] for sp in splits]  # embedded and cached split by split
    print(f"ArguAna {args.split}: corpus {len(corpus)} arguments ({'+'.join(splits)}), {len(qrels)} queries")

    cal = replace(DEFAULT_COUNTER, rerank_k=args.rerank_k)
    t0 = time.time()
    fts = Fts5Index(texts)
    emb_files = default_embedder_files()
    embedder = Embedder(emb_files) if emb_files else None
    vectors = np.vstack([embed_cached(embedder, t) for t in split_texts]) if embedder else None
    density = neighbourhood_density(vectors, cal.hub_k) if vectors is not None else None
    # With NLI, the bot's own stance engine (its head, sentence evidence, one pair a run in parallel lanes), so the
    # figure is the bot's; without, the same ranking minus the opposition term.
    bot_engine = load_engine() if not args.no_nli and default_nli_files() else None
    nli = bot_engine.nli if bot_engine else None
    stance = bot_engine.stance if bot_engine else StanceClassifier(None, embedder)
    ranker = CounterRanker(stance, embedder, calibration=replace(cal, opposition_weight=0.0))
    print(f"setup {time.time() - t0:.1f}s (embedder={'yes' if embedder else 'no'}, nli={'yes' if nli else 'no'})")

    methods = ["bm25", "bm25-16terms", "dense", "rrf(bm25,dense)", "engine first stage", "engine"]
    ndcg: dict[str, list[float]] = {m: [] for m in methods}
    top1: dict[str, list[float]] = {m: [] for m in methods}
    kept: list[tuple[int, list[int], np.ndarray, np.ndarray | None]] = []  # for the weight grid
    latencies = []
    for n, (qid, did) in enumerate(qrels, 1):
        qi, target = pos[qid], pos[did]
        query = corpus[qi].full
        bm25 = [i for i, _ in fts.search(query) if i != qi]
        bm25_16 = [i for i, _ in fts.search(query, max_terms=16) if i != qi]
        runs = {"bm25": bm25, "bm25-16terms": bm25_16}
        if embedder is not None and vectors is not None:
            cos = vectors @ vectors[qi]
            dense = [i for i in np.argsort(-cos).tolist() if i != qi][:1000]
            runs["dense"] = dense
            runs["rrf(bm25,dense)"] = [i for i, _ in reciprocal_rank_fusion([bm25, dense])]
        start = time.perf_counter()
        report = ranker.rank(
            claim_of(corpus[qi]), texts, query=query, embeddings=vectors, density=density,
            lexical_ranking=bm25, limit=cal.rerank_k
        )
        runs["engine first stage"] = [i for i in ranker.first_stage(
            query, texts, embeddings=vectors, density=density, lexical_ranking=bm25)[0] if i != qi]
        cands = [c.index for c in report.candidates if c.index != qi]
        rel = np.array([c.relevance for c in report.candidates if c.index != qi])
        dis = None if nli is None else np.array([c.disagree_probability for c in report.candidates if c.index != qi])
        latencies.append(time.perf_counter() - start)
        final = final_scores(rel, dis, cal)
        order = [cands[j] for j in np.argsort(-final, kind="stable")]
        # below the reranked head, the fused first-stage order continues
        tail = [i for i in runs["engine first stage"] if i not in set(order)]
        runs["engine"] = order + tail
        kept.append((target, cands, rel, dis))
        for m, ranking in runs.items():
            ndcg[m].append(ndcg_at_10_single(ranking, target))
            top1[m].append(float(bool(ranking) and ranking[0] == target))
        if n % 200 == 0:
            print(f"  {n} queries, engine nDCG@10 so far {statistics.mean(ndcg['engine']):.3f}", flush=True)

    print(f"\n{'method':<18} nDCG@10  top-1")
    for m in methods:
        if ndcg[m]:
            print(f"{m:<18} {statistics.mean(ndcg[m]):.3f}    {statistics.mean(top1[m]):.3f}")
    lat = sorted(latencies)
    print(f"engine counter latency per query (corpus {len(texts)}): p50 {lat[len(lat) // 2]:.2f}s "
          f"p90 {lat[int(len(lat) * 0.9)]:.2f}s")
    if args.grid and nli is not None:
        print("\nopposition weight grid (relevance weight 1):")
        for w in (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5):
            c = replace(cal, opposition_weight=w)
            scores = []
            for target, cands, rel, dis in kept:
                final = final_scores(rel, dis, c)
                order = [cands[j] for j in np.argsort(-final, kind="stable")]
                scores.append(ndcg_at_10_single(order, target))
            print(f"  w={w:<5} nDCG@10 (within reranked head) {statistics.mean(scores):.3f}")


if __name__ == "__main__":
    main()
