"""How fast the engine's two models read, per configuration, on real sentence windows and comments.

NLI: the pairs the bot runs (an ArguAna sentence window and a claim, both hypotheses), in the bot's configuration
(one pair a run, `lanes` runs side by side on one thread each) against one pair a run on two threads (the
previous configuration) and runs of 8 on two threads (before runs were made one pair each). The configurations
take turns round by round, so the machine's other load falls on all of them; the outputs of every one-pair
configuration are compared with each other (they must be identical: a comment reads the same however it is run).

Embedder: whole ArguAna arguments and their sentences, in batches of 8 (the bot's) and 32 (the previous default);
the vectors of both must be identical.

    .venv/bin/python bench/engine_throughput.py [--pairs 240] [--rounds 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import numpy as np
from engine_common import arguana

from bot.engine.embedder import Embedder
from bot.engine.evidence import sentences
from bot.engine.heads.stance_head import head_for_model
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.text import negate_claim


def nli_figures(pair_count: int, rounds: int) -> None:
    files = default_nli_files()
    assert files is not None, "install threadbot[models] first"
    head = head_for_model(files.onnx)
    extra = head.output if head else None
    args = arguana(("test",))
    rng = random.Random(0)
    picked = rng.sample(args, 120)
    windows = [s for a in picked for s in sentences(a.text)][: pair_count // 2]
    claims = [a.conclusion for a in picked if a.conclusion][:20]
    pairs = []
    for n, window in enumerate(windows):
        claim = claims[n % len(claims)]
        pairs += [(window, claim), (window, negate_claim(claim))]
    configs = {
        "1 pair a run, 2 lanes x 1 thread (the bot)": NliScorer(
            files, threads=2, lanes=2, batch_size=1, cache_size=0, extra_output=extra
        ),
        "1 pair a run, 1 lane x 2 threads": NliScorer(files, threads=2, batch_size=1, cache_size=0, extra_output=extra),
        "runs of 8, 1 lane x 2 threads": NliScorer(files, threads=2, batch_size=8, cache_size=0, extra_output=extra),
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    outputs: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for scorer in configs.values():
        scorer.outputs(pairs[:4])
    for _ in range(rounds):
        for name, scorer in configs.items():
            start = time.perf_counter()
            outputs[name] = scorer.outputs(pairs)
            times[name].append((time.perf_counter() - start) / len(pairs) * 1000)
    base = statistics.median(times["1 pair a run, 1 lane x 2 threads"])
    print(f"NLI, {len(pairs)} pairs (sentence window, claim or negation), median of {rounds} rounds:")
    for name, values in times.items():
        print(f"  {name:45s} {statistics.median(values):5.1f} ms a pair  ({statistics.median(values) / base:.2f} x)")
    bot, alone = outputs["1 pair a run, 2 lanes x 1 thread (the bot)"], outputs["1 pair a run, 1 lane x 2 threads"]
    same = np.array_equal(bot[0], alone[0]) and (
        bot[1] is None or (alone[1] is not None and np.array_equal(bot[1], alone[1]))
    )
    print(f"  one-pair outputs identical across lanes and threads: {same}")
    batched = outputs["runs of 8, 1 lane x 2 threads"][0]
    print(f"  runs of 8 against one pair a run: largest probability difference {np.abs(batched - bot[0]).max():.3f}")


def embedder_figures(rounds: int) -> None:
    files = default_embedder_files()
    assert files is not None, "install threadbot[models] first"
    args = arguana(("test",))
    texts = [a.text for a in random.Random(0).sample(args, 96)]
    windows = [s for t in texts for s in sentences(t)][:400]
    small, large = Embedder(files, batch_size=8), Embedder(files, batch_size=32)
    small.embed(texts[:8])
    large.embed(texts[:8])
    for label, data in (("whole arguments", texts), ("their sentences", windows)):
        per: dict[int, list[float]] = {8: [], 32: []}
        vectors = {}
        for _ in range(rounds):
            for size, embedder in ((8, small), (32, large)):
                start = time.perf_counter()
                vectors[size] = embedder.embed(data)
                per[size].append((time.perf_counter() - start) / len(data) * 1000)
        a, b = statistics.median(per[8]), statistics.median(per[32])
        same = float(np.abs(vectors[8] - vectors[32]).max())
        print(
            f"embedder, {len(data)} {label}: batches of 8 {a:.1f} ms, of 32 {b:.1f} ms a text ({a / b:.2f} x); "
            f"largest vector difference {same:.1g}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=240)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    nli_figures(args.pairs, args.rounds)
    embedder_figures(args.rounds)


if __name__ == "__main__":
    main()
