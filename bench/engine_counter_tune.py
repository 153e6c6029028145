"""Tune the counter ranking on ArguAna VALIDATION (never test): first-stage fusion, then the NLI opposition weight.

Stage 1 (no NLI, all validation queries): dense vs BM25 vs RRF with weights vs min-max score blends.
Stage 2 (a query sample): NLI P(disagree) of the head candidates (disk-cached), grid over the final weights.
Usage: .venv/bin/python bench/engine_counter_tune.py [--queries N] [--head K]
"""

from __future__ import annotations

import argparse
import random
import statistics

import numpy as np
from engine_common import Fts5Index, arguana, arguana_qrels, cached_probabilities, logit, ndcg_at_10_single
from engine_counter import claim_of, embed_cached

from bot.engine.counter import neighbourhood_density
from bot.engine.embedder import Embedder
from bot.engine.fusion import minmax, reciprocal_rank_fusion
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.stance import DEFAULT_CALIBRATION
from bot.engine.text import containment


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--head", type=int, default=16)
    args = ap.parse_args()
    corpus = arguana(("validation",))
    pos = {a.id: i for i, a in enumerate(corpus)}
    qrels = [(pos[q], pos[d]) for q, d in arguana_qrels("validation").items() if q in pos and d in pos]
    texts = [a.full for a in corpus]
    fts = Fts5Index(texts)
    emb_files = default_embedder_files()
    assert emb_files
    vectors = embed_cached(Embedder(emb_files), texts)
    n = len(texts)

    def first_stage(qi: int) -> tuple[np.ndarray, np.ndarray]:
        cos = vectors @ vectors[qi]
        bm = np.zeros(n)
        for i, s in fts.search(texts[qi]):
            bm[i] = s
        cos[qi] = bm[qi] = -np.inf
        return cos, bm

    print(f"validation: {len(qrels)} queries, corpus {n}")
    configs: dict[str, list[float]] = {}
    cache = {}
    densities = {k: neighbourhood_density(vectors, k) for k in (5, 10, 20)}
    for qi, target in qrels:
        cos, bm = first_stage(qi)
        cache[qi] = (cos, bm)
        dense = np.argsort(-cos)[:1000].tolist()
        lex = [i for i in np.argsort(-bm)[:1000].tolist() if bm[i] > 0]
        runs = {"dense": dense, "bm25": lex}
        for wd in (1.0, 3.0):
            runs[f"rrf dense x{wd}"] = [i for i, _ in reciprocal_rank_fusion([lex, dense], weights=[1.0, wd])]
        for k, dens in densities.items():
            for lam in (0.75, 1.0, 1.25):
                runs[f"csls k={k} l={lam}"] = np.argsort(-(cos - lam * dens))[:1000].tolist()
        csls = np.argsort(-(cos - densities[10]))[:1000].tolist()
        for wd in (2.0, 4.0, 8.0):
            runs[f"rrf csls x{wd}"] = [i for i, _ in reciprocal_rank_fusion([lex, csls], weights=[1.0, wd])]
        for name, ranking in runs.items():
            configs.setdefault(name, []).append(ndcg_at_10_single(ranking, target))
    print("stage 1 (all validation queries), nDCG@10:")
    for name, vals in configs.items():
        print(f"  {name:<20} {statistics.mean(vals):.3f}")

    nli_files = default_nli_files()
    assert nli_files
    nli = NliScorer(nli_files)
    sample = random.Random(0).sample(qrels, min(args.queries, len(qrels)))
    cal = DEFAULT_CALIBRATION
    rows = []
    for qi, target in sample:
        cos, _ = cache[qi]
        score = cos - densities[10]
        claim = claim_of(corpus[qi])
        head = [i for i in np.argsort(-score)[: args.head + 4].tolist()
                if containment(claim, texts[i]) < 0.8][: args.head]
        z = np.zeros(len(head))
        for hyp, w in zip(cal.hypotheses(claim[:300]), cal.weights, strict=True):
            z += w * logit(cached_probabilities(nli, [(texts[i], hyp) for i in head])[:, 0])
        rows.append((target, head, score[head], z))
    print(f"\nstage 2 ({len(sample)} sampled queries, head {args.head} of csls k=10 l=1), nDCG@10:")
    for w in (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0):
        vals, top1 = [], []
        for target, head, sc, z in rows:
            final = minmax(sc) + w / (1 + np.exp(z))
            order = [head[j] for j in np.argsort(-final, kind="stable")]
            vals.append(ndcg_at_10_single(order, target))
            top1.append(float(order[0] == target))
        print(f"  opposition weight {w:<5} nDCG@10 {statistics.mean(vals):.3f}  top-1 {statistics.mean(top1):.3f}")


if __name__ == "__main__":
    main()
