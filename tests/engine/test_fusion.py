"""Rank fusion: RRF order, weights, score blending."""

from __future__ import annotations

import pytest

from bot.engine.fusion import minmax, reciprocal_rank_fusion, score_fusion


def test_item_high_in_both_rankings_wins() -> None:
    """A document second in both lists beats one first in one list and absent from the other."""
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["d", "b", "c"]])
    assert [k for k, _ in fused][:1] == ["b"]
    assert {k for k, _ in fused} == {"a", "b", "c", "d"}


def test_rrf_scores_follow_the_formula() -> None:
    """score = sum of 1 / (k + rank), ranks from 1."""
    fused = dict(reciprocal_rank_fusion([[1, 2], [2]], k=60))
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)


def test_weights_tilt_the_order() -> None:
    """A heavier second ranking puts its first item on top."""
    fused = reciprocal_rank_fusion([["x", "y"], ["y", "x"]], weights=[1.0, 3.0])
    assert fused[0][0] == "y"


def test_ties_keep_first_appearance_and_weights_must_match() -> None:
    """Equal scores keep the order of first appearance; a weight per ranking is required."""
    fused = reciprocal_rank_fusion([["p", "q"], ["q", "p"]])
    assert [k for k, _ in fused] == ["p", "q"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["p"]], weights=[1.0, 2.0])


def test_score_fusion_and_minmax() -> None:
    """Min-max scaled blend: an item best in both maps comes first; a constant map scales to zeros."""
    assert minmax([3.0, 3.0]).tolist() == [0.0, 0.0]
    fused = score_fusion([{"a": 10.0, "b": 5.0, "c": 0.0}, {"a": 0.9, "b": 0.1}], [1.0, 1.0])
    assert [k for k, _ in fused] == ["a", "b", "c"]
