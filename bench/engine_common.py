"""Shared pieces of the engine benchmarks: data loaders, SQLite FTS5 BM25, metrics, a disk cache of NLI outputs.

Data comes from ../shared/data (see its PROVENANCE.md); nothing here is used by the product.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.engine.nli import NliScorer  # noqa: E402
from bot.engine.text import STOPWORDS  # noqa: E402

DATA = Path(os.environ.get("THREADBOT_DATA", ROOT.parent / "shared" / "data"))
CACHE = Path(os.environ.get("THREADBOT_BENCH_CACHE", Path.home() / ".cache" / "threadbot-bench"))


# ---------------------------------------------------------------- stance data


@dataclass(frozen=True)
class StanceItem:
    text: str
    topic: str
    label: int  # +1 agree (PRO), -1 disagree (CON)
    group: str  # topic id, for grouping


def argkp(split: str) -> list[StanceItem]:
    """ArgKP-2021 arguments with stance toward their topic; split in train, dev, test."""
    name = {"train": "kpm_data_arguments_train", "dev": "kpm_data_arguments_dev", "test": "test_data_arguments_test"}
    with open(DATA / "stance" / "argkp2021" / f"{name[split]}.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [StanceItem(r["argument"], r["topic"], int(r["stance"]), r["topic"]) for r in rows]


_MOTIONS = [
    (r"^This house believes that (.*)", r"\1"),
    (r"^This house believes in (.*)", r"We should support \1"),
    (r"^This house believes (.*)", r"\1"),
    (r"^This house would (.*)", r"We should \1"),
    (r"^This house supports (.*)", r"We should support \1"),
]


def motion_to_claim(motion: str) -> str:
    """A debate motion as a plain claim: "This house would ban boxing" -> "We should ban boxing"."""
    for pattern, replacement in _MOTIONS:
        m = re.match(pattern, motion)
        if m:
            s = m.expand(replacement)
            return s[0].upper() + s[1:]
    return motion


def ibm_claims(split: str) -> list[StanceItem]:
    """IBM Claim Stance claims (corrected text) with PRO/CON toward their motion; split in train, test."""
    data = json.loads((DATA / "stance" / "ibm_claim_stance" / "claim_stance_dataset_v1.json").read_text())
    out = []
    for topic in data:
        if topic["split"] != split:
            continue
        claim = motion_to_claim(topic["topicText"])
        for c in topic["claims"]:
            out.append(StanceItem(c["claimCorrectedText"], claim, 1 if c["stance"] == "PRO" else -1, str(topic["topicId"])))
    return out


# ---------------------------------------------------------------- ArguAna


@dataclass(frozen=True)
class Argument:
    id: str
    conclusion: str
    text: str

    @property
    def full(self) -> str:
        return f"{self.conclusion}\n{self.text}" if self.conclusion else self.text


def arguana(splits: tuple[str, ...]) -> list[Argument]:
    files = {"test": ["arguments_test_part0"], "validation": ["arguments_validation_part0"],
             "training": ["arguments_training_part0", "arguments_training_part1", "arguments_training_part2"]}
    out = []
    for split in splits:
        for name in files[split]:
            with open(DATA / "arguana" / f"{name}.jsonl", encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    out.append(Argument(r["id"], r.get("conclusion") or "", r["text"]))
    return out


def arguana_qrels(split: str) -> dict[str, str]:
    with open(DATA / "arguana" / f"qrels_{split}.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {r["query-id"]: r["corpus-id"] for r in rows}


# ---------------------------------------------------------------- BM25 via SQLite FTS5 (as storage does)

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str, max_terms: int | None = None) -> str:
    """OR of the distinct quoted content words (storage's `query_terms` + `match_any`; it caps at 16 terms)."""
    seen: dict[str, None] = {}
    for w in _WORD.findall(text):
        w = w.casefold()
        if w not in STOPWORDS:
            seen.setdefault(w, None)
    terms = list(seen)[:max_terms] if max_terms else list(seen)
    return " OR ".join(f'"{t}"' for t in terms)


class Fts5Index:
    """An in-memory FTS5 table over texts, ranked by bm25() like the product's storage."""

    def __init__(self, texts: list[str]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')"
        )
        self.db.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)", [(i, t) for i, t in enumerate(texts)])
        self.db.commit()

    def search(self, text: str, limit: int = 1000, max_terms: int | None = None) -> list[tuple[int, float]]:
        q = fts_query(text, max_terms)
        if not q:
            return []
        rows = self.db.execute(
            "SELECT rowid, -bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (q, limit)
        ).fetchall()
        return [(int(r), float(s)) for r, s in rows]


# ---------------------------------------------------------------- metrics


def ndcg_at_10_single(ranking: list[int], relevant: int) -> float:
    """nDCG@10 with one relevant document (ArguAna qrels): 1/log2(rank+1) if found in the top 10."""
    for rank, doc in enumerate(ranking[:10], start=1):
        if doc == relevant:
            return 1.0 / math.log2(rank + 1)
    return 0.0


def macro_f1(y_true: list[str], y_pred: list[str], labels: list[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for lab in labels:
        tp = sum(t == lab and p == lab for t, p in zip(y_true, y_pred, strict=True))
        fp = sum(t != lab and p == lab for t, p in zip(y_true, y_pred, strict=True))
        fn = sum(t == lab and p != lab for t, p in zip(y_true, y_pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        per[lab] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return sum(per.values()) / len(labels), per


# ---------------------------------------------------------------- NLI disk cache


def cached_probabilities(nli: NliScorer, pairs: list[tuple[str, str]]) -> np.ndarray:
    """`nli.probabilities(pairs)`, remembered on disk per model file and pair list (for quick re-runs)."""
    h = hashlib.sha256(f"{nli.files.onnx}|{nli.files.onnx.stat().st_size}|{nli.pad_to}".encode())
    for p, q in pairs:
        h.update(p.encode())
        h.update(b"\x00")
        h.update(q.encode())
        h.update(b"\x01")
    path = CACHE / f"nli-{h.hexdigest()[:24]}.npy"
    if path.exists():
        return np.load(path)
    probs = nli.probabilities(pairs)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, probs)
    return probs


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p.astype(np.float64), 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, bias: bool = True, iters: int = 3000) -> np.ndarray:
    """Logistic regression by gradient descent; y in {-1, +1}. Returns weights (+ bias last if `bias`)."""
    xb = np.c_[x, np.ones(len(x))] if bias else x
    w = np.zeros(xb.shape[1])
    t = (y > 0).astype(np.float64)
    reg = np.ones(xb.shape[1])
    if bias:
        reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-xb @ w))
        w -= 0.1 * (xb.T @ (p - t) / len(t) + l2 * reg * w / len(t))
    return w
