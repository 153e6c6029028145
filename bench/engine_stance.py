"""Stance benchmarks on held-out TEST splits (calibration used train/dev only: engine_stance_calibrate.py).

1. agree/disagree: ArgKP-2021 test (arguments vs their topic) and IBM Claim Stance test (claims vs motion).
   Forced choice (sign of the stance logit) and with the neutral band (neutral counts as wrong, coverage shown).
2. agree/disagree/unrelated: ArgKP test arguments against their own topic and against each other test topic,
   run through the full `StanceClassifier` (relevance gate + NLI); macro-F1.
Baselines in the same run: majority class, one-hypothesis zero-shot NLI (P(entail | text, topic) > 0.5), and the
lexical fallback. With --head, the stance head (bot/engine/heads/, trained by engine_stance_head.py on train/dev
splits) is scored beside the 2-logit engine, through the same `StanceClassifier.classify` (its `agree_logits`
replaced by the head's, reading the pooled vectors from the same NLI passes).
With --evidence, every classifier reads long comments by sentence windows (`stance.DEFAULT_EVIDENCE`); a one- or
two-sentence argument is read whole as before unless its second sentence turns ("But ...").
Usage: .venv/bin/python bench/engine_stance.py [--sample N] [--head] [--no-thorough] [--evidence]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from dataclasses import replace

import numpy as np
from engine_common import StanceItem, argkp, ibm_claims, macro_f1
from engine_stance_features import FeatureRunner, cached_features

from bot.engine.embedder import Embedder
from bot.engine.heads.stance_head import StanceHead, head_for_model
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.stance import DEFAULT_EVIDENCE, THOROUGH_CALIBRATION, StanceClassifier, lexical_polarity


class HeadStanceClassifier(StanceClassifier):
    """The engine's classifier with the stance head deciding the side (what NliScorer + the head will do)."""

    def __init__(self, runner: FeatureRunner, head: StanceHead, base: StanceClassifier) -> None:
        calibration = replace(base.calibration, templates=head.templates, neutral_margin=head.neutral_margin)
        super().__init__(base.nli, base.embedder, calibration=calibration, max_nli=base.max_nli, evidence=base.evidence)
        self.runner, self.head = runner, head

    def premise_logits(self, claim: str, comments: list[str]) -> np.ndarray:
        if not comments:
            return np.zeros(0)
        feats = [cached_features(self.runner, [(c, h) for c in comments]) for h in self.calibration.hypotheses(claim)]
        return self.head.agree_logits([f.pooled for f in feats], [f.logits[:, 0] - f.logits[:, 1] for f in feats])


def by_topic(items: list[StanceItem]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        groups.setdefault(it.topic, []).append(i)
    return groups


def two_way(
    name: str,
    items: list[StanceItem],
    clf: StanceClassifier,
    nli: NliScorer | None,
    thorough: StanceClassifier | None,
    head: StanceClassifier | None,
) -> None:
    y = np.array([it.label for it in items])
    majority = max(np.mean(y == 1), np.mean(y == -1))
    lex = np.array([lexical_polarity(it.topic, it.text) for it in items])
    print(f"\n== {name}: {len(items)} items, {len(by_topic(items))} topics")
    print(f"  majority class             acc {majority:.3f}")
    print(f"  lexical fallback (rough)   acc {np.mean(lex == y):.3f} (neutral counted wrong; coverage {np.mean(lex != 0):.2f})")
    if nli is None:
        return
    z = np.zeros(len(items))
    zero_shot = np.zeros(len(items))
    for topic, idx in by_topic(items).items():
        texts = [items[i].text for i in idx]
        z[idx] = clf.agree_logits(topic, texts)
        zero_shot[idx] = nli.score(texts, topic).entailment
    forced = np.where(z > 0, 1, -1)
    print(f"  zero-shot NLI, 1 hypothesis acc {np.mean(np.where(zero_shot > 0.5, 1, -1) == y):.3f}")
    f1, _ = macro_f1([str(v) for v in y], [str(v) for v in forced], ["1", "-1"])
    print(f"  engine (forced choice)     acc {np.mean(forced == y):.3f}  macro-F1 {f1:.3f}")
    margin = clf.calibration.neutral_margin
    decided = np.abs(z) >= margin
    print(f"  engine (neutral band {margin}) acc {np.mean((forced == y) & decided):.3f} "
          f"(neutral {np.mean(~decided):.2f}; accuracy on decided {np.mean(forced[decided] == y[decided]):.3f})")
    if thorough is not None:
        z4 = np.zeros(len(items))
        for topic, idx in by_topic(items).items():
            z4[idx] = thorough.agree_logits(topic, [items[i].text for i in idx])
        print(f"  THOROUGH_CALIBRATION (4 hypotheses, forced) acc {np.mean(np.where(z4 > 0, 1, -1) == y):.3f}")
    if head is not None:
        zh = np.zeros(len(items))
        for topic, idx in by_topic(items).items():
            zh[idx] = head.agree_logits(topic, [items[i].text for i in idx])
        fh = np.where(zh > 0, 1, -1)
        f1h, _ = macro_f1([str(v) for v in y], [str(v) for v in fh], ["1", "-1"])
        mh = head.calibration.neutral_margin
        dh = np.abs(zh) >= mh
        print(f"  stance head (forced choice) acc {np.mean(fh == y):.3f}  macro-F1 {f1h:.3f}")
        print(f"  stance head (neutral band {mh}) acc {np.mean((fh == y) & dh):.3f} "
              f"(neutral {np.mean(~dh):.2f}; accuracy on decided {np.mean(fh[dh] == y[dh]):.3f})")


def three_way(items: list[StanceItem], clf: StanceClassifier, label: str) -> None:
    topics = sorted({it.topic for it in items})
    gold: list[str] = []
    pred: list[str] = []
    forced: list[str] = []
    t0 = time.time()
    for topic in topics:
        report = clf.classify(topic, [it.text for it in items])
        for it, r in zip(items, report.results, strict=True):
            if it.topic == topic:
                gold.append("agree" if it.label > 0 else "disagree")
            else:
                gold.append("unrelated")
            pred.append(r.stance)
            if r.stance == "neutral":
                assert r.agree_probability is not None
                forced.append("agree" if r.agree_probability > 0.5 else "disagree")
            else:
                forced.append(r.stance)
    labels = ["agree", "disagree", "unrelated"]
    f1, per = macro_f1(gold, pred, labels)
    f1f, perf = macro_f1(gold, forced, labels)
    print(f"\n== three-way, {label}: {len(gold)} (argument, topic) pairs {dict(Counter(gold))}, {time.time() - t0:.0f}s")
    print(f"  macro-F1 {f1:.3f}  per class " + ", ".join(f"{k} {v:.3f}" for k, v in per.items())
          + f"  (neutral predicted {pred.count('neutral')}, counted wrong)")
    print(f"  macro-F1 with neutral resolved to its side {f1f:.3f}  " + ", ".join(f"{k} {v:.3f}" for k, v in perf.items()))
    unrelated_all = macro_f1(gold, ["unrelated"] * len(gold), labels)[0]
    print(f"  baseline 'all unrelated' macro-F1 {unrelated_all:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=0, help="random sample per data set (0: full test sets)")
    ap.add_argument("--head", action="store_true", help="also score the stance head of bot/engine/heads/")
    ap.add_argument("--no-thorough", action="store_true", help="skip THOROUGH_CALIBRATION (4 hypotheses)")
    ap.add_argument("--evidence", action="store_true", help="sentence windows for long comments (DEFAULT_EVIDENCE)")
    args = ap.parse_args()
    nli_files, emb_files = default_nli_files(), default_embedder_files()
    nli = NliScorer(nli_files) if nli_files else None
    embedder = Embedder(emb_files) if emb_files else None
    evidence = DEFAULT_EVIDENCE if args.evidence else None
    clf = StanceClassifier(nli, embedder, max_nli=100_000, evidence=evidence)
    lexical = StanceClassifier(None, None, max_nli=100_000)
    kp, ibm = argkp("test"), ibm_claims("test")
    if args.sample:
        rng = random.Random(0)
        kp, ibm = rng.sample(kp, min(args.sample, len(kp))), rng.sample(ibm, min(args.sample, len(ibm)))
    thorough = None if args.no_thorough else StanceClassifier(
        nli, embedder, calibration=THOROUGH_CALIBRATION, max_nli=100_000, evidence=evidence
    )
    head = None
    if args.head:
        assert nli_files, "the stance head needs the default NLI model"
        trained = head_for_model(nli_files.onnx)
        assert trained is not None, "the committed stance head was trained for another NLI model file"
        head = HeadStanceClassifier(FeatureRunner(nli_files), trained, clf)
    two_way("ArgKP-2021 test", kp, clf, nli, thorough, head)
    two_way("IBM Claim Stance test", ibm, clf, nli, thorough, head)
    three_way(kp, clf, "engine (MiniLM relevance + NLI)" if embedder else "engine (lexical relevance + NLI)")
    if head is not None:
        three_way(kp, head, "stance head (MiniLM relevance + NLI pooled vectors)")
    three_way(kp, lexical, "lexical fallback, no model (rough)")


if __name__ == "__main__":
    main()
