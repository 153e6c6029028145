"""A comment's reading does not depend on what is read beside it: the same question gets the same count whatever
the machine's load (a time budget decides which comments share an NLI run)."""

from __future__ import annotations

import numpy as np

from bot.engine.loader import NLI_RUN_PAIRS, Engine
from bot.engine.nli import NliScorer

from .conftest import needs_models

CLAIM = "Chain-of-thought wastes compute"
COMMENTS = [
    "It might be a waste of compute that current AI models generate so many tokens when they think.",
    "Reasoning chains are how these models get hard problems right; the tokens are the work.",
    "I had pasta for lunch.",
    "Longer thinking costs more, but the answers are better, so it is money well spent.",
]


@needs_models
def test_a_pair_reads_the_same_alone_and_among_others(engine: Engine) -> None:
    """The bot's NLI runs give a pair the same probabilities and pooled vector (what the stance head reads) alone,
    beside one other pair, or beside all of them."""
    assert engine.nli is not None and engine.nli.batch_size == NLI_RUN_PAIRS
    fresh = NliScorer(engine.nli.files, batch_size=NLI_RUN_PAIRS, cache_size=0, extra_output=engine.nli.extra_output)
    pairs = [(c, CLAIM) for c in COMMENTS]
    alone = [fresh.outputs([p]) for p in pairs]
    together = fresh.outputs(pairs)
    two = fresh.outputs(pairs[1:3])
    for i, (probs, pooled) in enumerate(alone):
        assert pooled is not None and together[1] is not None
        assert np.array_equal(probs[0], together[0][i])
        assert np.array_equal(pooled[0], together[1][i])
    second = alone[1][1]
    assert two[1] is not None and second is not None and np.array_equal(two[1][0], second[0])


@needs_models
def test_pairs_run_side_by_side_read_as_one_at_a_time(engine: Engine) -> None:
    """The bot runs NLI in parallel lanes for speed; every pair still gets its own reading, in its own place."""
    assert engine.nli is not None and engine.nli.lanes == 2
    one_lane = NliScorer(engine.nli.files, batch_size=1, cache_size=0, extra_output=engine.nli.extra_output)
    two_lanes = NliScorer(
        engine.nli.files, lanes=2, batch_size=1, cache_size=0, extra_output=engine.nli.extra_output
    )
    pairs = [(c, CLAIM) for c in COMMENTS] + [(CLAIM, c) for c in COMMENTS]
    serial, parallel = one_lane.outputs(pairs), two_lanes.outputs(pairs)
    assert serial[1] is not None and parallel[1] is not None
    assert np.array_equal(serial[0], parallel[0])
    assert np.array_equal(serial[1], parallel[1])
    assert len({tuple(row) for row in parallel[0]}) == len(pairs)  # no pair got another's reading
