"""Train the stance head (bot/engine/heads/) on TRAINING splits only, and report held-out accuracies.

Data: ArgKP-2021 train (all 5,583 arguments) + dev (932) and IBM Claim Stance train (1,039 claims, 25 topics).
The test splits are never read here (bench/engine_stance.py --head scores them once, for the final figures).
Features per (comment, claim): the NLI model's pooled vector for (comment, claim) and for (comment, negation),
plus the two entailment logits, read from the same forward passes (bench/engine_stance_features.py).
Held-out figures: leave-one-data-set-out, and IBM train by topic (5 folds, each fold's topics unseen, trained on
ArgKP + the other IBM folds), which is how IBM test relates to the final head.
Usage: .venv/bin/python bench/engine_stance_head.py [--save] [--variants]
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from engine_common import StanceItem, argkp, ibm_claims
from engine_stance_features import FeatureRunner, PairFeatures, cached_features

from bot.engine.heads.stance_head import DEFAULT_HEAD_PATH, POOLED_OUTPUT, StanceHead
from bot.engine.modelfiles import default_nli_files
from bot.engine.text import negate_claim

TEMPLATES = ("{claim}", "{negation}")
Featurize = Callable[[list[PairFeatures]], np.ndarray]


def entail_logit(f: PairFeatures) -> np.ndarray:
    """logit P(entailment) of the 2-way model: the difference of its two logits."""
    return (f.logits[:, 0] - f.logits[:, 1])[:, None]


VARIANTS: dict[str, Featurize] = {
    "logits only (today's calibration)": lambda fs: np.hstack([entail_logit(f) for f in fs]),
    "pooled(claim) + logit(claim): one NLI pass": lambda fs: np.hstack([fs[0].pooled, entail_logit(fs[0])]),
    "pooled(claim), pooled(negation) + logits": lambda fs: np.hstack([fs[0].pooled, fs[1].pooled] + [entail_logit(f) for f in fs]),
    "pooled(claim) - pooled(negation) + logits": lambda fs: np.hstack([fs[0].pooled - fs[1].pooled] + [entail_logit(f) for f in fs]),
    "[CLS] both + logits": lambda fs: np.hstack([fs[0].cls, fs[1].cls] + [entail_logit(f) for f in fs]),
    "token mean both + logits": lambda fs: np.hstack([fs[0].mean, fs[1].mean] + [entail_logit(f) for f in fs]),
}
CHOSEN = "pooled(claim) - pooled(negation) + logits"


def fit(x: np.ndarray, y: np.ndarray, l2: float, sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression (Newton's method) on standardised columns; y in {-1, +1}.

    Returns weights and bias for the raw (unstandardised) columns.
    """
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-6
    xs = np.c_[(x - mu) / sd, np.ones(len(x))]
    t = (y > 0).astype(np.float64)
    reg = np.full(xs.shape[1], l2)
    reg[-1] = 0.0
    sw = np.ones(len(x)) if sample_weight is None else sample_weight
    w = np.zeros(xs.shape[1])
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-np.clip(xs @ w, -30, 30)))
        grad = xs.T @ (sw * (p - t)) + reg * w
        hess = (xs * (sw * p * (1 - p))[:, None]).T @ xs + np.diag(reg + 1e-8)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    weights = w[:-1] / sd
    return weights, float(w[-1] - weights @ mu)


def accuracy(w: np.ndarray, b: float, x: np.ndarray, y: np.ndarray) -> float:
    return float((np.where(x @ w + b > 0, 1, -1) == y).mean())


def ibm_topic_folds(items: list[StanceItem], k: int = 5) -> list[np.ndarray]:
    """k folds of IBM train by topic (topics dealt round-robin by size), so each fold's topics are unseen."""
    sizes: dict[str, int] = {}
    for it in items:
        sizes[it.topic] = sizes.get(it.topic, 0) + 1
    fold_of = {t: i % k for i, t in enumerate(sorted(sizes, key=lambda t: (-sizes[t], t)))}
    topic = np.array([fold_of[it.topic] for it in items])
    return [np.flatnonzero(topic == f) for f in range(k)]


def evaluate(
    name: str, x: dict[str, np.ndarray], y: dict[str, np.ndarray], folds: list[np.ndarray], l2: float
) -> dict[str, float]:
    cells: dict[str, float] = {}
    for held in x:
        rest = [k for k in x if k != held]
        w, b = fit(np.vstack([x[k] for k in rest]), np.concatenate([y[k] for k in rest]), l2)
        cells[held] = accuracy(w, b, x[held], y[held])
    right = 0
    for fold in folds:
        keep = np.setdiff1d(np.arange(len(y["ibm-train"])), fold)
        xs = np.vstack([x["argkp-train"], x["argkp-dev"], x["ibm-train"][keep]])
        ys = np.concatenate([y["argkp-train"], y["argkp-dev"], y["ibm-train"][keep]])
        w, b = fit(xs, ys, l2)
        right += int((np.where(x["ibm-train"][fold] @ w + b > 0, 1, -1) == y["ibm-train"][fold]).sum())
    cells["ibm-train by topic"] = right / len(y["ibm-train"])
    print(f"  {name:48s} l2={l2:<6g} " + "  ".join(f"{k} {v:.3f}" for k, v in cells.items()), flush=True)
    return cells


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", action="store_true", help="compare feature sets and regularisation")
    ap.add_argument("--l2", type=float, default=100.0, help="L2 strength of the saved head (standardised features)")
    ap.add_argument("--save", action="store_true", help=f"fit on all training data and write {DEFAULT_HEAD_PATH.name}")
    args = ap.parse_args()
    files = default_nli_files()
    assert files, "install threadbot[models] first"
    runner = FeatureRunner(files)
    data = {"argkp-train": argkp("train"), "argkp-dev": argkp("dev"), "ibm-train": ibm_claims("train")}
    t0 = time.time()
    feats: dict[str, list[PairFeatures]] = {}
    for name, items in data.items():
        feats[name] = [
            cached_features(runner, [(it.text, t.format(claim=it.topic, negation=negate_claim(it.topic))) for it in items])
            for t in TEMPLATES
        ]
    print(f"features ready after {time.time() - t0:.0f}s (held-out accuracy, forced choice)")
    ys = {k: np.array([it.label for it in v]) for k, v in data.items()}
    folds = ibm_topic_folds(data["ibm-train"])
    if args.variants:
        for vname, featurize in VARIANTS.items():
            xs = {k: featurize(v) for k, v in feats.items()}
            for l2 in (0.01,) if xs["ibm-train"].shape[1] < 10 else (10.0, 100.0, 1000.0):
                evaluate(vname, xs, ys, folds, l2)
    xs = {k: VARIANTS[CHOSEN](v) for k, v in feats.items()}
    evaluate(CHOSEN + " (saved)", xs, ys, folds, args.l2)
    if args.save:
        x_all, y_all = np.vstack(list(xs.values())), np.concatenate(list(ys.values()))
        margin = neutral_margin(x_all, y_all, np.array([t for v in data.values() for t in topic_ids(v)]), args.l2)
        w, b = fit(x_all, y_all, args.l2)
        hidden = (len(w) - len(TEMPLATES)) // (len(TEMPLATES) - 1)
        head = StanceHead(
            model_sha256=runner.model_id,
            output=POOLED_OUTPUT,
            templates=TEMPLATES,
            # z = (pooled(claim) - pooled(negation)) . w + logit weights . logits + b
            pooled_weights=np.stack([w[:hidden], -w[:hidden]]),
            logit_weights=w[hidden:],
            bias=b,
            neutral_margin=margin,
            trained_on="ArgKP-2021 train (5,583) + dev (932), IBM Claim Stance train (1,039); "
            f"bench/engine_stance_head.py --save --l2 {args.l2:g}",
        )
        head.save(Path(DEFAULT_HEAD_PATH))
        acc = (np.where(x_all @ w + b > 0, 1, -1) == y_all).mean()
        print(f"saved {DEFAULT_HEAD_PATH} (accuracy on its own training data {acc:.3f}, neutral margin {margin})")


def topic_ids(items: list[StanceItem]) -> list[str]:
    return [it.topic for it in items]


def neutral_margin(x: np.ndarray, y: np.ndarray, topics: np.ndarray, l2: float, k: int = 5) -> float:
    """The |z| under which out-of-fold decisions (folds by topic) are about a coin flip (<= 56% right)."""
    names = sorted(set(topics.tolist()))
    fold = np.array([names.index(t) % k for t in topics])
    z = np.zeros(len(y))
    for f in range(k):
        w, b = fit(x[fold != f], y[fold != f], l2)
        z[fold == f] = x[fold == f] @ w + b
    right = np.where(z > 0, 1, -1) == y
    print("  out-of-fold accuracy (folds by topic) by |z| band:")
    edges = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, np.inf]
    for lo, hi in itertools.pairwise(edges):
        m = (np.abs(z) >= lo) & (np.abs(z) < hi)
        if m.any():
            print(f"    |z| in [{lo}, {hi}): n={m.sum():5d} acc={right[m].mean():.3f}")
    chosen = 0.0
    for m in np.arange(0.1, 2.01, 0.1):
        if right[np.abs(z) < m].mean() <= 0.56:
            chosen = round(float(m), 1)
    print(f"  out-of-fold accuracy {right.mean():.3f}; neutral below |z| {chosen} "
          f"({np.mean(np.abs(z) < chosen):.2f} of items, {right[np.abs(z) < chosen].mean() if chosen else 0:.3f} right there)")
    return chosen

if __name__ == "__main__":
    main()
