"""Fit the stance calibration (bot/engine/stance.py defaults) on TRAINING data only.

Uses ArgKP-2021 train (a fixed sample) + dev and IBM Claim Stance train; never the test splits. Prints, for each
candidate hypothesis set, cross-validated accuracies, then the chosen weights, the neutral margin and the
relevance thresholds. Usage: .venv/bin/python bench/engine_stance_calibrate.py [--train-sample N]
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
from engine_common import (
    StanceItem,
    argkp,
    cached_probabilities,
    fit_logistic,
    ibm_claims,
    logit,
)

from bot.engine.embedder import Embedder
from bot.engine.lexical import coverage
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.text import negate_claim

TEMPLATES = {
    "claim": "{claim}",
    "negation": "{negation}",
    "for": "This is an argument for: {claim}",
    "against": "This is an argument against: {claim}",
}
SETS = {
    "claim/negation": ["claim", "negation"],
    "claim/negation/for/against": ["claim", "negation", "for", "against"],
}


def features(nli: NliScorer, items: list[StanceItem], names: list[str]) -> np.ndarray:
    cols = []
    for name in names:
        pairs = [(it.text, TEMPLATES[name].format(claim=it.topic, negation=negate_claim(it.topic))) for it in items]
        cols.append(logit(cached_probabilities(nli, pairs)[:, 0]))
    return np.c_[cols].T


def accuracy(w: np.ndarray, x: np.ndarray, y: np.ndarray, bias: bool) -> float:
    z = x @ (w[:-1] if bias else w) + (w[-1] if bias else 0.0)
    return float(((z > 0) * 2 - 1 == y).mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-sample", type=int, default=2000)
    args = ap.parse_args()
    nli_files = default_nli_files()
    assert nli_files, "install threadbot[models] first"
    nli = NliScorer(nli_files)
    rng = random.Random(0)
    train = argkp("train")
    train = rng.sample(train, min(args.train_sample, len(train)))
    data = {"argkp-train": train, "argkp-dev": argkp("dev"), "ibm-train": ibm_claims("train")}
    t0 = time.time()
    for set_name, names in SETS.items():
        feats = {k: features(nli, v, names) for k, v in data.items()}
        ys = {k: np.array([it.label for it in v]) for k, v in data.items()}
        print(f"\n== {set_name}  (features ready after {time.time() - t0:.0f}s)")
        for bias in (False, True):
            # leave-one-dataset-out: fit on two training sets, score the third
            cells = []
            for held in data:
                xs = np.vstack([feats[k] for k in data if k != held])
                yy = np.concatenate([ys[k] for k in data if k != held])
                w = fit_logistic(xs, yy, bias=bias)
                cells.append(f"{held} {accuracy(w, feats[held], ys[held], bias):.3f}")
            w = fit_logistic(np.vstack(list(feats.values())), np.concatenate(list(ys.values())), bias=bias)
            print(f"  bias={bias}: held-out " + ", ".join(cells) + f"; weights on all: {np.round(w, 3).tolist()}")
        x_all = np.vstack(list(feats.values()))
        y_all = np.concatenate(list(ys.values()))
        w = fit_logistic(x_all, y_all, bias=False)
        z = x_all @ w
        print("  accuracy by |z| band (all training data, bias=False):")
        for lo, hi in [(0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 1.0), (1.0, 2.0), (2.0, 99)]:
            m = (np.abs(z) >= lo) & (np.abs(z) < hi)
            if m.any():
                print(f"    |z| in [{lo}, {hi}): n={m.sum():5d} acc={((z[m] > 0) * 2 - 1 == y_all[m]).mean():.3f}")

    # Relevance thresholds: ArgKP train arguments vs their own topic (related) and another topic (unrelated).
    topics = sorted({it.topic for it in train})
    own = [(it.text, it.topic) for it in train]
    other = [(it.text, rng.choice([t for t in topics if t != it.topic])) for it in train]
    labels = np.r_[np.ones(len(own)), np.zeros(len(other))]
    emb_files = default_embedder_files()
    if emb_files:
        emb = Embedder(emb_files)
        vec = emb.embed([t for t, _ in own])
        tvec = {t: v for t, v in zip(topics, emb.embed(topics), strict=True)}
        cos = np.r_[[float(vec[i] @ tvec[t]) for i, (_, t) in enumerate(own)],
                    [float(vec[i] @ tvec[t]) for i, (_, t) in enumerate(other)]]
        report_threshold("dense cosine", cos, labels)
    lex = np.r_[[coverage(t, [a])[0] for a, t in own], [coverage(t, [a])[0] for a, t in other]]
    report_threshold("lexical coverage", lex, labels)


def report_threshold(name: str, score: np.ndarray, related: np.ndarray) -> None:
    best = max(np.unique(score), key=lambda t: ((score >= t) == (related > 0)).mean())
    acc = ((score >= best) == (related > 0)).mean()
    print(f"\n{name}: best threshold {best:.3f} (accuracy {acc:.3f} on ArgKP train own-vs-other topic)")
    for t in np.round(np.linspace(best - 0.1, best + 0.1, 5), 3):
        print(f"   {t:.3f}: acc {((score >= t) == (related > 0)).mean():.3f}")


if __name__ == "__main__":
    main()
