"""Combining rankings: reciprocal rank fusion (RRF) and a min-max score blend, over any hashable item ids."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

K = TypeVar("K", bound=Hashable)

RRF_K = 60  # the constant of Cormack et al. (2009); it damps the weight of the very first ranks


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[K]], *, k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[K, float]]:
    """Fuse best-first rankings: score(d) = sum_i w_i / (k + rank_i(d)), rank from 1; best first.

    An item missing from a ranking gets nothing from it. Ties keep the order of first appearance.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[K, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def minmax(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Scale to [0, 1]; a constant vector becomes all zeros."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return arr
    low, high = float(arr.min()), float(arr.max())
    return np.zeros_like(arr) if high - low < 1e-12 else (arr - low) / (high - low)


def score_fusion(scored: Sequence[Mapping[K, float]], weights: Sequence[float]) -> list[tuple[K, float]]:
    """Blend score maps after min-max scaling each one; an item missing from a map gets 0 from it. Best first."""
    if len(weights) != len(scored):
        raise ValueError("one weight per score map")
    total: dict[K, float] = {}
    for scores, weight in zip(scored, weights, strict=True):
        items = list(scores)
        for item, value in zip(items, minmax([scores[i] for i in items]), strict=True):
            total[item] = total.get(item, 0.0) + weight * float(value)
    return sorted(total.items(), key=lambda kv: -kv[1])
