"""Latency of `stance` and `counter` over one real thread (~90 comments) on this machine.

Comments: storage/seed/sample_thread.txt (one comment per line). Each claim is new to the engine (no NLI cache
hits) unless stated. Cases: stance with the relevance gate (what the product does), stance with the gate off so
exactly `max_nli` = 64 comments go through NLI (the bound), counter; comment embeddings cold (embedded in the
call) and warm (passed in, as a caller that keeps them would). Usage: .venv/bin/python bench/engine_latency.py
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from engine_common import ROOT

from bot.engine.loader import load_engine
from bot.engine.stance import StanceClassifier

CLAIMS = [
    "Meta distilled its new model from Anthropic's Claude",
    "AI labs should stop measuring engineers by how many tokens they use",
    "Reasoning in words is the wrong path for language models",
    "Token leaderboards are a good way to measure productivity",
    "Large language models think the way humans do",
    "The transformer was the big breakthrough for neural networks",
    "Current LLMs will get smart enough to help with new AI research",
    "Chain-of-thought reasoning is what makes the industry money",
    "Most people think in felt meanings rather than words",
    "Meta's researchers could have built this model without distillation",
    "System 2 reasoning is what experts use most of the time",
    "Companies prioritize architectures that can be shipped and monetized",
]


def p50(values: list[float]) -> str:
    s = sorted(values)
    return f"p50 {statistics.median(s):.2f}s  p90 {s[int(len(s) * 0.9)]:.2f}s  max {s[-1]:.2f}s"


def main() -> None:
    comments = [
        line.strip()
        for line in (ROOT / "storage" / "seed" / "sample_thread.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    whole = "--whole" in sys.argv[1:]  # the engine before sentence evidence: every comment read whole
    t0 = time.perf_counter()
    engine = load_engine(evidence=None) if whole else load_engine()
    print("comments read whole (--whole)" if whole else "sentence evidence (DEFAULT_EVIDENCE)")
    print(f"load {time.perf_counter() - t0:.1f}s; {len(comments)} comments; "
          f"NLI free length: {engine.nli is not None and engine.nli.pad_to is None}")
    assert engine.embedder is not None and engine.nli is not None, "install threadbot[models] first"
    ungated = StanceClassifier(
        engine.nli, engine.embedder, calibration=replace(engine.stance.calibration, dense_related=-1.0), max_nli=64
    )
    engine.stance.classify("warm-up claim", comments[:4])
    t = time.perf_counter()
    vectors = engine.embedder.embed(comments)
    print(f"embedding {len(comments)} comments: {time.perf_counter() - t:.2f}s")

    cases: dict[str, list[float]] = {k: [] for k in
                                      ["stance cold", "stance warm", "stance 64 ungated warm", "counter warm",
                                       "counter cold", "stance repeat (cache)"]}
    nli_counts = []
    for n, claim in enumerate(CLAIMS):
        variant = f"{claim} ({n})"
        t = time.perf_counter()
        report = engine.stance.classify(claim, comments)
        cases["stance cold"].append(time.perf_counter() - t)
        nli_counts.append(sum(r.method == "nli" and r.agree_probability is not None for r in report.results))
        t = time.perf_counter()
        engine.stance.classify(claim, comments, embeddings=vectors)
        cases["stance repeat (cache)"].append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.stance.classify(variant + " again", comments, embeddings=vectors)
        cases["stance warm"].append(time.perf_counter() - t)
        t = time.perf_counter()
        ungated.classify(variant + " ungated", comments, embeddings=vectors)
        cases["stance 64 ungated warm"].append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.counter.rank(variant + " counter", comments, embeddings=vectors)
        cases["counter warm"].append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.counter.rank(variant + " counter cold", comments)
        cases["counter cold"].append(time.perf_counter() - t)
    print(f"comments through NLI per stance call (gated): median {statistics.median(nli_counts)}, max {max(nli_counts)}")
    for name, values in cases.items():
        print(f"  {name:<24} {p50(values)}")
    print(f"(machine: {Path('/proc/cpuinfo').read_text().count('processor')} cores; {len(CLAIMS)} claims)")


if __name__ == "__main__":
    main()
