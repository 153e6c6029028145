"""Lexical relevance without any model: Okapi BM25 over a small list of texts, and claim-word coverage.

The product's storage ranks with SQLite FTS5 `bm25()`; this in-memory version serves the engine when it is given
plain texts only (a thread's ~100 comments), and as the relevance signal of the no-model fallback.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import numpy.typing as npt

from bot.engine.text import content_stems


class Bm25:
    """BM25 (k1=1.2, b=0.75, FTS5's defaults) over stemmed content words of `texts`."""

    def __init__(self, texts: list[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._docs = [Counter(content_stems(t)) for t in texts]
        self._lengths = np.array([sum(d.values()) for d in self._docs], dtype=np.float64)
        self._avg = float(self._lengths.mean()) if len(texts) and self._lengths.sum() else 1.0
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc.keys())
        n = len(texts)
        self._idf = {term: math.log(1.0 + (n - f + 0.5) / (f + 0.5)) for term, f in df.items()}

    def scores(self, query: str) -> npt.NDArray[np.float64]:
        """One score per text (higher is more relevant; 0 when no query word occurs)."""
        terms = set(content_stems(query))
        out = np.zeros(len(self._docs), dtype=np.float64)
        for i, doc in enumerate(self._docs):
            norm = self.k1 * (1 - self.b + self.b * self._lengths[i] / self._avg)
            for term in terms:
                tf = doc.get(term, 0)
                if tf:
                    out[i] += self._idf[term] * tf * (self.k1 + 1) / (tf + norm)
        return out


def coverage(claim: str, texts: list[str]) -> npt.NDArray[np.float64]:
    """Share of the claim's distinct content stems that each text contains (0..1)."""
    wanted = set(content_stems(claim))
    if not wanted:
        return np.zeros(len(texts), dtype=np.float64)
    return np.array([len(wanted & set(content_stems(t))) / len(wanted) for t in texts], dtype=np.float64)
