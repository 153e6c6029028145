"""Counterarguments: rank comments that address the same point as a claim and take the other side.

1. First stage, with an embedder: cosine to the claim minus `hub_penalty` times the comment's neighbourhood
   density (mean cosine to its `hub_k` nearest other comments). This is CSLS (Conneau et al., 2018): a generic
   comment close to everything is pushed down, one that answers this point specifically comes up. It raised
   nDCG@10 on ArguAna validation from 0.556 (plain cosine) to 0.646. The lexical ranking (storage's FTS5, or
   in-memory BM25) joins by RRF when `lexical_weight` > 0; without an embedder it is the first stage.
2. Comments that merely repeat the claim are dropped: most of the claim's word 3-grams quoted, or a cosine
   above `duplicate_cosine`.
3. The best `rerank_k` are re-scored: relevance (min-max scaled fused score) plus, with an NLI model, the
   probability that the comment disagrees with the claim (the stance model of `stance.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.engine.embedder import Embedder
from bot.engine.fusion import minmax, reciprocal_rank_fusion
from bot.engine.lexical import Bm25
from bot.engine.stance import StanceClassifier
from bot.engine.text import containment


@dataclass(frozen=True)
class CounterCalibration:
    """Weights of the final score, tuned on the ArguAna validation split (bench/engine_counter.py)."""

    rerank_k: int = 16
    relevance_weight: float = 1.0
    opposition_weight: float = 0.5
    lexical_weight: float = 0.0
    dense_weight: float = 1.0
    hub_penalty: float = 1.0
    hub_k: int = 10
    duplicate_containment: float = 0.8
    duplicate_cosine: float = 0.95
    claim_max_chars: int = 300


DEFAULT_COUNTER = CounterCalibration()


@dataclass(frozen=True)
class CounterCandidate:
    """A ranked counterargument. `disagree_probability` is None without an NLI model."""

    index: int
    score: float
    relevance: float
    disagree_probability: float | None


@dataclass(frozen=True)
class CounterReport:
    """The ranked candidates; `logits` is z (see stance.py) of each reranked text, by index, for a cache."""

    claim: str
    candidates: list[CounterCandidate]
    excluded_duplicates: list[int]
    rough: bool
    logits: dict[int, float] = field(default_factory=dict)


def neighbourhood_density(embeddings: npt.NDArray[np.float32], k: int, *, chunk: int = 2048) -> npt.NDArray[np.float64]:
    """Mean cosine of each row to its k nearest other rows (rows are unit vectors); 0 for a lone row."""
    n = len(embeddings)
    k = min(k, n - 1)
    out = np.zeros(n, dtype=np.float64)
    if k <= 0:
        return out
    for start in range(0, n, chunk):
        sims = embeddings[start : start + chunk] @ embeddings.T
        rows = np.arange(sims.shape[0])
        sims[rows, rows + start] = -np.inf
        top = np.partition(sims, n - k, axis=1)[:, n - k :]
        out[start : start + chunk] = top.mean(axis=1)
    return out


def final_scores(
    relevance: npt.NDArray[np.float64], disagree: npt.NDArray[np.float64] | None, cal: CounterCalibration
) -> npt.NDArray[np.float64]:
    """relevance_weight * relevance (0..1 within the candidates) + opposition_weight * P(disagree)."""
    final = cal.relevance_weight * relevance
    return final if disagree is None else final + cal.opposition_weight * disagree


class CounterRanker:
    """Ranks counterarguments to a claim among plain texts. Works with no model at all (BM25 only, rough)."""

    def __init__(
        self,
        stance: StanceClassifier | None = None,
        embedder: Embedder | None = None,
        *,
        calibration: CounterCalibration = DEFAULT_COUNTER,
    ) -> None:
        self.stance = stance
        self.embedder = embedder
        self.calibration = calibration

    @property
    def rough(self) -> bool:
        return self.stance is None or self.stance.nli is None

    def nli_claim(self, claim: str) -> str:
        """The claim as the NLI model sees it here (cut to `claim_max_chars`): what cached logits belong to."""
        return claim[: self.calibration.claim_max_chars]

    def first_stage(
        self,
        query: str,
        texts: list[str],
        *,
        embeddings: npt.NDArray[np.float32] | None = None,
        density: npt.NDArray[np.float64] | None = None,
        lexical_ranking: list[int] | None = None,
    ) -> tuple[list[int], npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
        """Candidate indices best first, their first-stage scores (aligned), and cosines to the query (or None).

        `density` is `neighbourhood_density(embeddings, hub_k)`, computed here if not given (a caller ranking
        many claims against the same texts can compute it once).
        """
        cal = self.calibration
        if self.embedder is None:
            bm25 = Bm25(texts).scores(query)
            if lexical_ranking is None:
                lexical_ranking = [i for i in np.argsort(-bm25, kind="stable").tolist() if bm25[i] > 0]
            return lexical_ranking, np.array([bm25[i] for i in lexical_ranking], dtype=np.float64), None
        if embeddings is None:
            embeddings = self.embedder.embed(texts)
        cosines = (embeddings @ self.embedder.embed([query])[0]).astype(np.float64)
        if density is None:
            density = neighbourhood_density(embeddings, cal.hub_k)
        dense = cosines - cal.hub_penalty * density
        order = np.argsort(-dense, kind="stable").tolist()
        if cal.lexical_weight <= 0:
            return order, dense[order], cosines
        if lexical_ranking is None:
            bm25 = Bm25(texts).scores(query)
            lexical_ranking = [i for i in np.argsort(-bm25, kind="stable").tolist() if bm25[i] > 0]
        fused = reciprocal_rank_fusion([lexical_ranking, order], weights=[cal.lexical_weight, cal.dense_weight])
        return [i for i, _ in fused], np.array([v for _, v in fused], dtype=np.float64), cosines

    def rank(
        self,
        claim: str,
        texts: list[str],
        *,
        query: str | None = None,
        embeddings: npt.NDArray[np.float32] | None = None,
        density: npt.NDArray[np.float64] | None = None,
        lexical_ranking: list[int] | None = None,
        limit: int = 5,
        known_logits: Mapping[int, float] | None = None,
    ) -> CounterReport:
        """The best `limit` counterarguments to `claim` among `texts`.

        `query` is the retrieval text (defaults to the claim); `lexical_ranking` is storage's BM25 order of
        `texts` (indices, best first), computed in memory if omitted; `embeddings` are the texts' rows and
        `density` their `neighbourhood_density` (both computed if omitted); `known_logits` (index -> z for
        `nli_claim(claim)`, e.g. cached) spares those texts the NLI model.
        """
        cal = self.calibration
        order, fused, cosines = self.first_stage(
            query or claim, texts, embeddings=embeddings, density=density, lexical_ranking=lexical_ranking
        )
        duplicates: list[int] = []
        kept: list[tuple[int, float]] = []
        for i, score in zip(order, fused.tolist(), strict=True):
            if len(kept) >= max(cal.rerank_k, limit):
                break
            if self._duplicate(claim, texts[i], None if cosines is None else float(cosines[i])):
                duplicates.append(i)
                continue
            kept.append((i, score))
        if not kept:
            return CounterReport(claim, [], duplicates, self.rough)
        idx = [i for i, _ in kept]
        relevance = minmax([s for _, s in kept])
        disagree: list[float | None] = [None] * len(idx)
        p: npt.NDArray[np.float64] | None = None
        logits: dict[int, float] = {}
        if self.stance is not None and self.stance.nli is not None:
            logits = self.stance.complete_logits(self.nli_claim(claim), texts, idx, known_logits)
            z = np.array([logits[i] for i in idx], dtype=np.float64)
            p = 1.0 / (1.0 + np.exp(z))  # P(disagree | on topic)
            disagree = [float(v) for v in p]
        final = final_scores(relevance, p, cal)
        ranked = sorted(range(len(idx)), key=lambda j: -final[j])[:limit]
        candidates = [CounterCandidate(idx[j], float(final[j]), float(relevance[j]), disagree[j]) for j in ranked]
        return CounterReport(claim, candidates, duplicates, self.rough, logits)

    def _duplicate(self, claim: str, text: str, cosine: float | None) -> bool:
        cal = self.calibration
        if containment(claim, text) >= cal.duplicate_containment or containment(text, claim) >= cal.duplicate_containment:
            return True
        return cosine is not None and cosine >= cal.duplicate_cosine
