"""How well reply pairs are judged as pushback: the stance pipeline's model against the word cues (its fallback).

ArguAna test debates give real (argument, reply) pairs: a point and its written counter is pushback; a point and
another point of the same side of the same debate is not. Each judge scores every pair (the probability that
the reply disagrees); the figures are ROC AUC and accuracy at the 0.5 threshold the prompt pool uses.
These arguments are long and formal, unlike chat replies, so this is one view, not the whole story.

    .venv/bin/python -m bench.pushback_eval [--pairs 150]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

from bot.engine.loader import load_engine
from bot.prompts.pushback import THRESHOLD, cue_score

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arguana"


def load_pairs(count: int, seed: int = 7) -> list[tuple[str, str, bool]]:
    """(parent, reply, is_pushback): `count` counters and `count` same-side replies, from the test split."""
    args = [json.loads(line) for line in (DATA / "arguments_test_part0.jsonl").open(encoding="utf-8")]
    by_id = {a["id"]: a for a in args}
    points = defaultdict(list)
    for a in args:
        if a["kind"] == "point":
            points[(a["debate"], a["side"])].append(a)
    rng = random.Random(seed)
    positives, negatives = [], []
    for a in args:
        if a["kind"] != "point":
            continue
        counter = by_id.get(a["id"][:-1] + "b")
        if counter is not None:
            positives.append((a["text"], counter["text"], True))
        others = [p for p in points[(a["debate"], a["side"])] if p["id"] != a["id"]]
        if others:
            negatives.append((a["text"], rng.choice(others)["text"], False))
    rng.shuffle(positives)
    rng.shuffle(negatives)
    return positives[:count] + negatives[:count]


def auc(scores: list[float], labels: list[bool]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def accuracy(scores: list[float], labels: list[bool]) -> float:
    return sum((s >= THRESHOLD) == y for s, y in zip(scores, labels, strict=True)) / len(labels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=150, help="pairs of each kind")
    count = parser.parse_args().pairs
    pairs = load_pairs(count)
    labels = [y for _, _, y in pairs]
    engine = load_engine()
    started = time.perf_counter()
    model = []
    for parent, reply, _ in pairs:
        result = engine.stance.classify(parent, [reply], known_relevance={0: 1.0}).results[0]
        model.append(0.0 if result.agree_probability is None else 1.0 - result.agree_probability)
    seconds = time.perf_counter() - started
    cues = [cue_score(reply) for _, reply, _ in pairs]
    print(f"ArguAna test: {sum(labels)} counters, {len(labels) - sum(labels)} same-side replies")
    print(f"{'judge':<28}{'AUC':>8}{'accuracy@0.5':>14}")
    print(f"{'word cues (fallback)':<28}{auc(cues, labels):>8.3f}{accuracy(cues, labels):>14.3f}")
    print(f"{'stance model (pipeline)':<28}{auc(model, labels):>8.3f}{accuracy(model, labels):>14.3f}")
    print(f"model time: {seconds / len(pairs) * 1000:.0f} ms a pair")


if __name__ == "__main__":
    main()
