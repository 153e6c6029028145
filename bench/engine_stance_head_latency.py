"""NLI time per 64 comments x 2 hypotheses, with and without the pooled vector exposed for the stance head.

The same `NliScorer` path both ways (sorted by length, batches of 8, free sequence length); "with head" runs the
model rewritten by `bot.engine.heads.graph.add_graph_outputs` so every run also returns the pooled vector, then
applies the head. Comments: the first 64 of storage/seed/sample_thread.txt; claims from engine_latency.py, each
new to the scorer's cache. The two variants alternate per claim so background load falls on both alike.
Usage: .venv/bin/python bench/engine_stance_head_latency.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import onnxruntime as ort
from engine_common import ROOT
from engine_latency import CLAIMS

from bot.engine.embedder import session_options
from bot.engine.heads.graph import add_graph_outputs
from bot.engine.heads.stance_head import head_for_model
from bot.engine.modelfiles import default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.onnxshape import free_sequence_dim
from bot.engine.text import negate_claim


def main() -> None:
    files = default_nli_files()
    assert files, "install threadbot[models] first"
    head = head_for_model(files.onnx)
    assert head is not None, "the committed stance head was trained for another NLI model file"
    lines = (ROOT / "storage" / "seed" / "sample_thread.txt").read_text(encoding="utf-8").splitlines()
    comments = [line.strip() for line in lines if line.strip()][:64]
    plain = NliScorer(files)
    exposed = NliScorer(files)
    assert plain.pad_to is None, "expected the free sequence length"
    freed, _ = free_sequence_dim(files.onnx.read_bytes())
    exposed._session = ort.InferenceSession(  # same scorer, model with the pooled vector as a second output
        add_graph_outputs(freed, [head.output]), session_options(2), providers=["CPUExecutionProvider"]
    )
    times: dict[str, list[float]] = {"2-logit calibration": [], "with pooled output + head": []}
    plain.probabilities([(comments[0], "warm-up")])
    exposed.probabilities([(comments[0], "warm-up")])
    for n, claim in enumerate(CLAIMS):
        hypotheses = [claim, negate_claim(claim)]
        pairs = [(c, h) for h in hypotheses for c in comments]
        order = [("2-logit calibration", plain), ("with pooled output + head", exposed)]
        for name, scorer in order if n % 2 == 0 else order[::-1]:
            t = time.perf_counter()
            probs = scorer.probabilities(pairs)
            times[name].append(time.perf_counter() - t)
            assert probs.shape == (len(pairs), 2)
    enc_free = exposed._session.get_outputs()
    t = time.perf_counter()
    for _ in range(100):
        head.agree_logits([np.zeros((64, head.hidden_size))] * 2, [np.zeros(64)] * 2)
    head_ms = (time.perf_counter() - t) * 10
    print(f"{len(comments)} comments x 2 hypotheses, {len(CLAIMS)} claims; outputs with head: {[o.name for o in enc_free]}")
    for name, values in times.items():
        s = sorted(values)
        print(f"  {name:<28} p50 {statistics.median(s):.2f}s  p90 {s[int(len(s) * 0.9)]:.2f}s  max {s[-1]:.2f}s")
    print(f"  head arithmetic for 64 comments: {head_ms:.2f} ms")


if __name__ == "__main__":
    main()
