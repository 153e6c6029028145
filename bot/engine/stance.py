"""Stance of comments toward a claim: agree, disagree, neutral (on topic, no side) or unrelated.

Pipeline (see bench/README_engine.md for the measurements behind each choice):
1. Relevance: cosine of sentence embeddings (or, with no embedder, the share of the claim's words a comment has).
   Below `related_threshold` a comment is unrelated and never reaches NLI.
2. The most relevant comments, at most `max_nli`, go through NLI with the comment as premise and several
   hypotheses built from the claim (the claim, its negation, ...). A logistic model over the entailment logits,
   fitted on training splits only, gives P(agree | on topic); near 0.5 (|z| < `neutral_margin`) means neutral.
   For the default NLI model a trained head (bot/engine/heads) reads the model's pooled vector from the same
   forward passes and replaces the 2-logit model (IBM Claim Stance test 0.756 vs 0.702); any other model keeps it.
3. Without an NLI model, a lexical fallback guesses from negation and agreement cue words; its result is marked
   rough, because it is barely better than chance.
With `evidence` (`EvidenceConfig`, on in `load_engine`), a comment's relevance is the best of its whole cosine and its
sentences', and NLI reads its most relevant sentences without the text it quotes (bot/engine/evidence.py).
With `read_parents` (on in `load_engine`), a reply whose ancestry is given is read through it (bot/engine/replies.py):
it is at least as relevant as its parent, and its parent's side, kept when it opens by agreeing and turned when
it opens by denying (or says neither in a thread whose title states the claim), is added to its own reading.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from bot.engine.embedder import Embedder
from bot.engine.evidence import WINDOWING, Window, cached_windows
from bot.engine.heads.stance_head import StanceHead
from bot.engine.lexical import coverage
from bot.engine.nli import NliScorer
from bot.engine.replies import Ancestry, read_through_threads, root_side
from bot.engine.text import negate_claim, words

Stance = Literal["agree", "disagree", "neutral", "unrelated"]
Method = Literal["nli", "lexical"]
STANCES: tuple[Stance, ...] = ("agree", "disagree", "neutral", "unrelated")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class StanceCalibration:
    """Hypothesis templates and the weights of the logistic model over their entailment logits.

    `{claim}` is the claim and `{negation}` its rule-based negation. The defaults were fitted by
    bench/engine_stance_calibrate.py on ArgKP-2021 train+dev and IBM Claim Stance train, for the default NLI
    model; another model needs its own calibration.
    """

    templates: tuple[str, ...] = ("{claim}", "{negation}")
    weights: tuple[float, ...] = (0.694, -0.651)
    bias: float = 0.0  # no prior toward agreeing: fitted with a bias it helped only the sets it was fitted on
    # |z| below which the side is a coin flip on training data (51-61% right): reported as neutral.
    neutral_margin: float = 0.3
    # Cosine (all-MiniLM-L6-v2) between claim and comment under which a comment is unrelated.
    dense_related: float = 0.38
    # Share of the claim's content words a comment must contain to count as related (lexical fallback).
    lexical_related: float = 0.2

    def hypotheses(self, claim: str) -> list[str]:
        negation = negate_claim(claim)
        return [t.format(claim=claim, negation=negation) for t in self.templates]


DEFAULT_CALIBRATION = StanceCalibration()


@dataclass(frozen=True)
class EvidenceConfig:
    """Sentence-level reading of long comments (bot/engine/evidence.py).

    A comment of more than `size` sentences (its own text: quotes dropped) is cut into windows of `size`
    sentences. Relevance is the best of the whole comment's cosine and its windows'; NLI reads the `top` most
    relevant windows, and z is their weighted mean: a window's weight is its evidence weight (a rebuttal after
    "but" counts more than the concession before it, a question less) times exp(`sharpness` x (its cosine - the
    best window's)). The defaults were chosen on ArguAna TRAINING items by bench/long_stance.py --fit (one-sentence
    windows, the 2 most relevant, plain weights; relevance threshold 0.37): side accuracy 0.666 there, against
    0.61-0.66 for windows of 2 sentences, more windows or relevance-sharpened weights.
    """

    size: int = 1
    top: int = 2
    sharpness: float = 0.0
    dense_related: float = 0.37
    # Weights of (weighted mean, most relevant window's z, max z, min z); None: the weighted mean alone. Fitted by
    # bench/long_stance.py --fit-combiner on ArguAna TRAINING items (5-fold side accuracy 0.791 vs 0.759 for the mean).
    combiner: tuple[float, float, float, float] | None = (2.917, 0.148, -1.205, -1.053)

    def identity(self) -> str:
        return f"evidence:v1:{self.size}:{self.top}:{self.sharpness}:{self.dense_related}:{self.combiner}"


DEFAULT_EVIDENCE = EvidenceConfig()
PARENTS_IDENTITY = "parents:v2"  # in the cache identities: a reply's z and relevance depend on its ancestry
WINDOW_CACHE = 50_000  # window embeddings kept (384 float32 each: ~77 MB at most), least recently used out first
COMMENT_CACHE = 20_000  # whole-comment embeddings kept by text (~31 MB at most): parents of replies, mostly
BUDGET_BATCH = 8  # comments per NLI step when a time budget applies
PACE_WEIGHT = 0.3  # weight of the latest batch in the measured NLI seconds per comment (a moving average)
# Four hypotheses per comment (twice the NLI time): a little better on IBM-style implicit claims in held-out
# training sets (0.743 vs 0.736 on IBM train when fitted on ArgKP), the same on ArgKP.
THOROUGH_CALIBRATION = StanceCalibration(
    templates=(
        "{claim}",
        "{negation}",
        "This is an argument for: {claim}",
        "This is an argument against: {claim}",
    ),
    weights=(0.353, -0.594, 0.519, -0.187),
    neutral_margin=0.4,
)


@dataclass(frozen=True)
class StanceResult:
    """One comment's stance. `index` points into the comments given; `agree_probability` is None if not scored."""

    index: int
    stance: Stance
    confidence: float
    relevance: float
    agree_probability: float | None
    method: Method


@dataclass(frozen=True)
class StanceReport:
    """All results, counts per stance, and whether the method is rough (no NLI model).

    `logits` holds z for every comment that went through NLI (or was given as known), by index; `relevance` the
    relevance of every comment when it came from the embedder. A caller caches both, so the same claim never runs
    a model twice."""

    claim: str
    results: list[StanceResult]
    counts: dict[str, int]
    method: Method
    rough: bool
    unscored: list[int] = field(default_factory=list)
    late: list[int] = field(default_factory=list)  # of `unscored`: left when the time budget ran out
    note: str | None = None
    logits: dict[int, float] = field(default_factory=dict)
    relevance: dict[int, float] = field(default_factory=dict)


ROUGH_NOTE = (
    "Rough estimate: no NLI model is installed, so stance is guessed from negation and agreement words "
    "(50-56% right on the ArgKP train and dev sets, close to chance). Install threadbot[models] for model-based "
    "stance."
)


def _logit(p: npt.NDArray[np.float32]) -> FloatArray:
    q = np.clip(p.astype(np.float64), 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


class StanceClassifier:
    """Classifies comments toward a claim. Either model may be None; with no NLI model the result is rough."""

    def __init__(
        self,
        nli: NliScorer | None = None,
        embedder: Embedder | None = None,
        *,
        calibration: StanceCalibration = DEFAULT_CALIBRATION,
        max_nli: int = 256,
        head: StanceHead | None = None,
        evidence: EvidenceConfig | None = None,
        read_parents: bool = False,
    ) -> None:
        self.nli = nli
        self.read_parents = read_parents
        self.embedder = embedder
        if head is not None:  # the head decides the side: its hypotheses and its neutral band
            calibration = replace(calibration, templates=head.templates, neutral_margin=head.neutral_margin)
        self.calibration = calibration
        self.head = head
        self.max_nli = max_nli
        self.evidence = evidence
        # window text -> embedding, and whole comment text -> embedding (claim-independent, least recent first)
        self._window_rows: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._comment_rows: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._claims: dict[str, npt.NDArray[np.float32]] = {}
        self._lock = threading.Lock()
        self._identity: str | None = None
        self._relevance_identity: str | None = None
        self.pace: float | None = None
        """Measured NLI seconds per comment (moving average over budgeted batches): sizes the last batch of a
        budget so it ends near the budget instead of overshooting it by a whole batch."""

    @property
    def rough(self) -> bool:
        return self.nli is None

    def logit_identity(self) -> str | None:
        """What z depends on besides claim and comment: the NLI model's bytes and the calibration (None: no NLI).

        A cache keyed by it is invalidated by a new model or calibration without any bookkeeping. The first call
        reads the model file (run it in a worker thread); later calls are free.
        """
        if self.nli is None:
            return None
        if self._identity is None:
            calibration = repr((self.calibration.templates, self.calibration.weights, self.calibration.bias))
            if self.head is not None:
                calibration = f"head:{self.head.identity}"
            if self.evidence is not None:
                calibration += f"|{self.evidence.identity()}"
            if self.read_parents:
                calibration += f"|{PARENTS_IDENTITY}"
            self._identity = _file_digest(self.nli.files.onnx, f"nli:{calibration}")
        return self._identity

    def relevance_identity(self) -> str | None:
        """What a comment's dense relevance depends on besides claim and comment: the embedder's bytes (None: no
        embedder, where word overlap is cheaper than a cache). Read the model once, in a worker thread."""
        if self.embedder is None:
            return None
        if self._relevance_identity is None:
            salt = "relevance:cosine" if self.evidence is None else f"relevance:{self.evidence.identity()}"
            if self.read_parents:
                salt += f"|{PARENTS_IDENTITY}"
            self._relevance_identity = _file_digest(self.embedder.files.onnx, salt)
        return self._relevance_identity

    def _relevance_known(
        self, embedder: Embedder, claim: str, comments: list[str], known: Mapping[int, float]
    ) -> tuple[FloatArray, float]:
        """Relevance with some values known (dense only): only the others' texts and the claim are embedded."""
        rel = np.zeros(len(comments), dtype=np.float64)
        missing = [i for i in range(len(comments)) if i not in known]
        if missing:
            rows = self._comment_vectors([comments[i] for i in missing])
            query = embedder.embed([claim])[0]
            rel[missing] = self._dense(query, [comments[i] for i in missing], rows)
        for i, value in known.items():
            if 0 <= i < len(comments):
                rel[i] = value
        return rel, self._dense_threshold

    def relevance(
        self, claim: str, comments: list[str], embeddings: npt.NDArray[np.float32] | None = None
    ) -> tuple[FloatArray, float]:
        """Relevance of each comment to the claim, and the threshold under which a comment is unrelated."""
        if self.embedder is not None:
            if embeddings is None:
                embeddings = self._comment_vectors(comments)
            query = self.embedder.embed([claim])[0]
            return self._dense(query, comments, embeddings), self._dense_threshold
        return coverage(claim, comments), self.calibration.lexical_related

    @property
    def _dense_threshold(self) -> float:
        return self.calibration.dense_related if self.evidence is None else self.evidence.dense_related

    def _dense(self, query: npt.NDArray[np.float32], comments: list[str], rows: npt.NDArray[np.float32]) -> FloatArray:
        """Cosine of each comment to the claim: the whole comment's, or (evidence) the best of it and its windows."""
        whole = (rows @ query).astype(np.float64)
        if self.evidence is None:
            return whole
        for i, comment in enumerate(comments):
            found = cached_windows(comment, self.evidence.size)
            if len(found) == 1 and found[0].text == comment.strip():
                continue  # read whole: its cosine is the comment's
            whole[i] = max(whole[i], float(self._window_cosines(query, found).max()))
        return whole

    def _window_cosines(self, query: npt.NDArray[np.float32], found: Sequence[Window]) -> FloatArray:
        """Cosine of each window to the claim; window embeddings are remembered (they do not depend on the claim)."""
        rows = self.sentence_vectors([w.text for w in found])
        return np.array([float(row @ query) for row in rows], dtype=np.float64)

    def sentence_vectors(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Unit vectors of short texts (sentences, windows), one row each, through the window cache the relevance
        gate uses: a sentence embedded here (e.g. to find a comment's central sentence) is not embedded again when
        a claim is read against its comment. Needs the embedder."""
        rows = self._window_vectors(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([rows[t] for t in texts]).astype(np.float32)

    def _window_vectors(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        """Text -> unit vector for these texts, the ones not in the window cache embedded in one pass and cached."""
        if self.embedder is None:
            raise RuntimeError("sentence_vectors needs an embedder")
        rows = _cached(self._window_rows, texts, self._lock)
        new = list(dict.fromkeys(t for t in texts if t not in rows))
        if new:
            rows.update(zip(new, self.embedder.embed(new), strict=True))
            self._cache_windows({t: rows[t] for t in new})
        return rows

    def _comment_vectors(self, comments: Sequence[str]) -> npt.NDArray[np.float32]:
        """Whole-comment vectors, one row each: remembered ones (`remember_vectors`, or embedded here before) as
        they are, the others embedded now and remembered."""
        assert self.embedder is not None
        rows = _cached(self._comment_rows, comments, self._lock)
        new = list(dict.fromkeys(t for t in comments if t not in rows))
        if new:
            rows.update(zip(new, self.embedder.embed(new), strict=True))
            self.remember_vectors(new, np.vstack([rows[t] for t in new]))
        if not comments:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.vstack([rows[t] for t in comments]).astype(np.float32)

    def remember_vectors(self, comments: Sequence[str], rows: npt.NDArray[np.floating]) -> None:
        """Take whole-comment vectors (e.g. stored by the indexer), so relevance does not embed these comments when
        they come without vectors: the parents of replies, whose relevance a reply's own is raised to."""
        vectors = np.asarray(rows, dtype=np.float32)
        _remember(self._comment_rows, zip(comments, vectors, strict=True), COMMENT_CACHE, self._lock)

    def window_texts(self, comment: str) -> list[str]:
        """The windows relevance reads of `comment` besides the whole (evidence mode), in order; none when the
        comment is read whole. Embedding them ahead (`sentence_vectors`) makes its later reading cheap."""
        if self.evidence is None:
            return []
        found = cached_windows(comment, self.evidence.size)
        if len(found) == 1 and found[0].text == comment.strip():
            return []
        return [w.text for w in found]

    def comment_windows(self, comments: Sequence[str]) -> list[npt.NDArray[np.float32]]:
        """Each comment's window vectors (0 rows for a comment read whole) through the window cache, those not
        cached yet embedded one comment a pass as relevance embeds them (an int8 model's outputs move a little with
        their batch companions, so the same grouping keeps the same vectors, and counts), and cached for relevance
        (worker thread)."""
        dim = self.embedder.dim if self.embedder is not None else 0
        out = []
        for comment in comments:
            texts = self.window_texts(comment)
            rows = self._window_vectors(texts)
            out.append(np.vstack([rows[t] for t in texts]) if texts else np.zeros((0, dim), dtype=np.float32))
        return [rows.astype(np.float32) for rows in out]

    def window_identity(self, embedder_key: str) -> str | None:
        """What stored window vectors depend on: the embedder (by its key) and the windowing (None: no windows)."""
        if self.evidence is None:
            return None
        return f"{embedder_key}|windows:{WINDOWING}:{self.evidence.size}"

    def embed_windows(self, comments: Sequence[str]) -> list[npt.NDArray[np.float32]]:
        """Each comment's window vectors (0 rows for a comment read whole), in one embedding pass (worker thread)."""
        assert self.embedder is not None
        texts = [self.window_texts(c) for c in comments]
        flat = [t for ts in texts for t in ts]
        rows = self.embedder.embed(flat) if flat else np.zeros((0, 0), dtype=np.float32)
        out: list[npt.NDArray[np.float32]] = []
        start = 0
        for ts in texts:
            out.append(rows[start : start + len(ts)])
            start += len(ts)
        return out

    def holds_windows(self, comment: str) -> bool:
        """Whether relevance can read this comment without embedding: it is read whole, or every one of its
        windows is in the window cache."""
        texts = self.window_texts(comment)
        with self._lock:
            return all(t in self._window_rows for t in texts)

    def remember_windows(self, comment: str, rows: npt.NDArray[np.floating]) -> bool:
        """Take a comment's stored window vectors, so relevance does not embed them again; False if they do not
        match its windows (then they are ignored and embedded when needed)."""
        texts = self.window_texts(comment)
        if not texts or len(rows) != len(texts):
            return False
        self._cache_windows(dict(zip(texts, np.asarray(rows, dtype=np.float32), strict=True)))
        return True

    def _cache_windows(self, rows: dict[str, npt.NDArray[np.float32]]) -> None:
        """Remember window vectors (claim-free); the least recently used go when the cache is full (emptying it
        whole, as before, could drop the windows just taken from storage for the claim being read)."""
        _remember(self._window_rows, rows.items(), WINDOW_CACHE, self._lock)

    def _query(self, claim: str) -> npt.NDArray[np.float32]:
        assert self.embedder is not None
        with self._lock:
            row = self._claims.get(claim)
        if row is None:
            row = self.embedder.embed([claim])[0]
            with self._lock:
                if len(self._claims) > 256:
                    self._claims.clear()
                self._claims[claim] = row
        return row

    def evidence_windows(self, claim: str, comment: str) -> list[tuple[Window, float]]:
        """The windows NLI reads for `comment` (evidence mode), most relevant first, with their cosines.

        Without an embedder the claim's word coverage ranks them."""
        assert self.evidence is not None
        found = cached_windows(comment, self.evidence.size)
        if len(found) == 1:
            return [(found[0], 1.0)]
        if self.embedder is not None:
            cosines = self._window_cosines(self._query(claim), found)
        else:
            cosines = coverage(claim, [w.text for w in found])
        order = np.argsort(-cosines, kind="stable")[: self.evidence.top]
        return [(found[i], float(cosines[i])) for i in sorted(order.tolist())]

    def combine(self, picked: list[tuple[Window, float]], z: list[float]) -> float:
        """One z from the windows' z: weighted by evidence weight and closeness to the best window's cosine."""
        assert self.evidence is not None
        features = combine_features(picked, z, self.evidence.sharpness)
        if self.evidence.combiner is None:
            return features[0]
        return float(sum(c * f for c, f in zip(self.evidence.combiner, features, strict=True)))

    def agree_logits(self, claim: str, comments: list[str]) -> FloatArray:
        """z per comment: > 0 leans agree, < 0 leans disagree (P(agree | on topic) = sigmoid(z)). Needs NLI.

        With evidence, a long comment's z comes from its most relevant windows (`evidence_windows`, `combine`)."""
        if self.nli is None:
            raise RuntimeError("agree_logits needs an NLI model")
        if self.evidence is None or not comments:
            return self.premise_logits(claim, comments)
        picked = [self.evidence_windows(claim, c) for c in comments]
        flat = self.premise_logits(claim, [w.text for p in picked for w, _ in p]).tolist()
        z = np.zeros(len(comments), dtype=np.float64)
        start = 0
        for i, p in enumerate(picked):
            z[i] = self.combine(p, flat[start : start + len(p)])
            start += len(p)
        return z

    def premise_logits(self, claim: str, comments: list[str]) -> FloatArray:
        """z per premise, each read whole (truncated to the NLI model's length). Needs NLI."""
        if self.nli is None:
            raise RuntimeError("premise_logits needs an NLI model")
        cal = self.calibration
        z = np.full(len(comments), cal.bias, dtype=np.float64)
        if not comments:
            return z
        if self.head is not None:
            scores = [self.nli.score(comments, hypothesis) for hypothesis in cal.hypotheses(claim)]
            vectors = [s.extra for s in scores]
            if all(v is not None for v in vectors):
                return self.head.agree_logits(
                    [v for v in vectors if v is not None], [_logit(s.entailment) for s in scores]
                )
        for hypothesis, weight in zip(cal.hypotheses(claim), cal.weights, strict=True):
            z += weight * _logit(self.nli.score(comments, hypothesis).entailment)
        return z

    def classify(
        self,
        claim: str,
        comments: list[str],
        *,
        embeddings: npt.NDArray[np.float32] | None = None,
        known_logits: Mapping[int, float] | None = None,
        known_relevance: Mapping[int, float] | None = None,
        budget_seconds: float | Callable[[], float] | None = None,
        budget_batch: int = BUDGET_BATCH,
        parents: Sequence[Ancestry | str | None] | None = None,
    ) -> StanceReport:
        """Stance of every comment toward `claim`. `embeddings` (rows of the comments) saves re-embedding;
        `known_logits` (index -> z) and `known_relevance` (index -> dense relevance), e.g. from a cache, spare
        those comments the NLI model and the embedder. With `budget_seconds`, NLI runs in small batches in
        relevance order (`budget_batch` comments a pass) and stops once the budget is spent; the comments left go
        to `unscored` (a caller that caches z gets further on the next ask); given as a function, it is asked for
        the budget when NLI starts, after relevance, so a caller's deadline holds whatever relevance cost.
        `parents[i]`, where given, is what
        comment i answers (an `Ancestry`, or its parent's text alone): with `read_parents`, the comment is read
        through it (bot/engine/replies.py)."""
        complete = known_relevance is not None and len(known_relevance) >= len(comments)
        if known_relevance and self.embedder is not None and (embeddings is None or complete):
            rel, threshold = self._relevance_known(self.embedder, claim, comments, known_relevance)
        else:
            rel, threshold = self.relevance(claim, comments, embeddings)
        parented = self.parented(comments, parents)
        if parented:
            known = set(known_relevance or {}) if self.embedder is not None else set()
            rel = self._with_parent_relevance(
                claim, rel, {i: t for i, t in parented.items() if i not in known}, threshold
            )
        related = [i for i in np.argsort(-rel, kind="stable").tolist() if rel[i] >= threshold]
        chosen, unscored = related[: self.max_nli], related[self.max_nli :]
        results: dict[int, StanceResult] = {}
        for i in range(len(comments)):
            if rel[i] < threshold:
                conf = _sigmoid((threshold - rel[i]) * 20.0)
                results[i] = StanceResult(i, "unrelated", conf, float(rel[i]), None, self._method)
        logits: dict[int, float] = {}
        late_scored: list[int] = []
        if self.nli is not None:
            if budget_seconds is not None:
                budget = budget_seconds() if callable(budget_seconds) else budget_seconds
                chosen, late, known_logits = self._within_budget(
                    claim, comments, chosen, known_logits, budget, budget_batch, parented
                )
                unscored = sorted(set(unscored) | set(late))
                late_scored = late
            logits = self.complete_logits(claim, comments, chosen, known_logits, parented)
            for i in chosen:
                results[i] = self._from_logit(i, logits[i], float(rel[i]))
        else:
            for i in chosen:
                results[i] = self._lexical(i, claim, comments[i], float(rel[i]))
        ordered = [results[i] for i in sorted(results)]
        counts: dict[str, int] = {s: 0 for s in STANCES}
        for r in ordered:
            counts[r.stance] += 1
        return StanceReport(
            claim=claim,
            results=ordered,
            counts=counts,
            method=self._method,
            rough=self.rough,
            unscored=sorted(unscored),
            late=sorted(late_scored),
            note=ROUGH_NOTE if self.rough else None,
            logits=logits,
            relevance={} if self.embedder is None else dict(enumerate(rel.tolist())),
        )

    def complete_logits(
        self,
        claim: str,
        comments: list[str],
        indices: list[int],
        known: Mapping[int, float] | None,
        parented: Mapping[int, Ancestry] | None = None,
    ) -> dict[int, float]:
        """z for each of `indices`: the known ones as given, the rest computed in one NLI pass (replies in
        `parented`, index -> ancestry, through their thread). Needs NLI."""
        known = known or {}
        parented = parented or {}
        missing = [i for i in indices if i not in known and i not in parented]
        computed = self.agree_logits(claim, [comments[i] for i in missing]).tolist() if missing else []
        found = dict(zip(missing, computed, strict=True))
        replies = [i for i in indices if i not in known and i in parented]
        if replies:
            through = self.thread_logits(claim, [comments[i] for i in replies], [parented[i] for i in replies])
            found.update(zip(replies, through, strict=True))
        return {i: float(known[i]) if i in known else found[i] for i in indices}

    def parented(
        self, comments: Sequence[str], parents: Sequence[Ancestry | str | None] | None
    ) -> dict[int, Ancestry]:
        """Index -> ancestry of the comments read through their thread (those with a parent or an opening
        statement given); a bare string is a parent's text."""
        if not self.read_parents or not parents:
            return {}
        out: dict[int, Ancestry] = {}
        for i, (_, given) in enumerate(zip(comments, parents, strict=True)):
            ancestry = Ancestry((given,)) if isinstance(given, str) else given
            if ancestry is None:
                continue
            kept = tuple(p for p in ancestry.parents if p and p.strip())
            root = ancestry.root if ancestry.root and ancestry.root.strip() else None
            if kept or root:
                out[i] = Ancestry(kept, root)
        return out

    def _with_parent_relevance(
        self, claim: str, rel: FloatArray, parented: Mapping[int, Ancestry], threshold: float
    ) -> FloatArray:
        """A reply is at least as much about the claim as what it answers, and a comment of a thread whose opening
        statement takes a side on the claim is on topic (the thread is about the claim)."""
        out = rel.copy()
        indices = [i for i, a in parented.items() if a.parents]
        if indices:
            of_parents, _ = self.relevance(claim, [parented[i].parents[0] for i in indices])
            for i, value in zip(indices, of_parents.tolist(), strict=True):
                out[i] = max(out[i], value)
        stating = self.stating_titles(claim, {a.root for a in parented.values() if a.root})
        for i, ancestry in parented.items():
            if ancestry.root in stating:
                out[i] = max(out[i], threshold)
        return out

    def stating_titles(self, claim: str, titles: Iterable[str]) -> set[str]:
        """The opening statements among `titles` that state the claim or its negation (`replies.root_side`): a
        thread under one argues the claim. None without an NLI model."""
        wanted = sorted(set(titles))
        if not wanted or self.nli is None:
            return set()
        return {t for t, z in zip(wanted, self.agree_logits(claim, wanted).tolist(), strict=True) if root_side(z)}

    def thread_logits(self, claim: str, replies: list[str], ancestries: list[Ancestry]) -> list[float]:
        """z of replies read through their threads (bot/engine/replies.py). Needs NLI."""
        return read_through_threads(replies, ancestries, lambda texts: self.agree_logits(claim, texts).tolist())

    def _within_budget(
        self,
        claim: str,
        comments: list[str],
        chosen: list[int],
        known: Mapping[int, float] | None,
        budget: float,
        batch_size: int = BUDGET_BATCH,
        parented: Mapping[int, Ancestry] | None = None,
    ) -> tuple[list[int], list[int], dict[int, float]]:
        """Score `chosen` (best first) batch by batch until `budget` seconds pass.

        The first batch always runs (a budget is never spent on nothing); each later one is sized from the
        measured pace to what the time left holds, and none starts that would not fit. Returns the comments kept
        (known or scored, in `chosen` order), those left over, and every z known now."""
        logits = dict(known or {})
        started = time.perf_counter()
        todo = [i for i in chosen if i not in logits]
        first = True
        while todo:
            left = budget - (time.perf_counter() - started)
            if left <= 0:
                break
            size = batch_size
            if not first and self.pace:
                size = min(batch_size, int(left / self.pace))
                if size < 1:
                    break
            batch, todo = todo[:size], todo[size:]
            begun = time.perf_counter()
            logits.update(self.complete_logits(claim, comments, batch, None, parented))
            self._measured(time.perf_counter() - begun, len(batch))
            first = False
        return [i for i in chosen if i in logits], todo, logits

    def _measured(self, seconds: float, count: int) -> None:
        """Fold one batch's NLI time into `pace`."""
        latest = seconds / max(count, 1)
        self.pace = latest if self.pace is None else (1 - PACE_WEIGHT) * self.pace + PACE_WEIGHT * latest

    @property
    def _method(self) -> Method:
        return "lexical" if self.nli is None else "nli"

    def _from_logit(self, index: int, z: float, relevance: float) -> StanceResult:
        p = _sigmoid(z)
        if abs(z) < self.calibration.neutral_margin:
            return StanceResult(index, "neutral", 1.0 - abs(2 * p - 1), relevance, p, "nli")
        stance: Stance = "agree" if z > 0 else "disagree"
        return StanceResult(index, stance, max(p, 1 - p), relevance, p, "nli")

    def _lexical(self, index: int, claim: str, comment: str, relevance: float) -> StanceResult:
        score = lexical_polarity(claim, comment)
        if score == 0:
            return StanceResult(index, "neutral", 0.5, relevance, None, "lexical")
        stance: Stance = "agree" if score > 0 else "disagree"
        return StanceResult(index, stance, 0.55, relevance, None, "lexical")


def _cached(
    cache: OrderedDict[str, npt.NDArray[np.float32]], texts: Iterable[str], lock: threading.Lock
) -> dict[str, npt.NDArray[np.float32]]:
    """The cached rows of these texts, each marked as just used."""
    with lock:
        found = {t: cache[t] for t in texts if t in cache}
        for t in found:
            cache.move_to_end(t)
    return found


def _remember(
    cache: OrderedDict[str, npt.NDArray[np.float32]],
    rows: Iterable[tuple[str, npt.NDArray[np.float32]]],
    limit: int,
    lock: threading.Lock,
) -> None:
    """Put rows in a cache as just used, the least recently used going once it holds more than `limit`."""
    with lock:
        for text, row in rows:
            cache[text] = row
            cache.move_to_end(text)
        while len(cache) > limit:
            cache.popitem(last=False)


def combine_features(
    picked: list[tuple[Window, float]], z: list[float], sharpness: float
) -> tuple[float, float, float, float]:
    """(weighted mean, z of the most relevant window, max, min) of the windows' z: what a combiner reads."""
    best = max(c for _, c in picked)
    weights = [w.weight * math.exp(sharpness * (c - best)) for w, c in picked]
    mean = sum(wi * zi for wi, zi in zip(weights, z, strict=True)) / sum(weights)
    top = z[max(range(len(picked)), key=lambda i: picked[i][1])]
    return float(mean), float(top), float(max(z)), float(min(z))


def _file_digest(path: Path, salt: str) -> str:
    """SHA-256 of a model file and a salt naming what is derived from it."""
    digest = hashlib.sha256()
    with path.open("rb") as model:
        for block in iter(lambda: model.read(1 << 20), b""):
            digest.update(block)
    digest.update(salt.encode())
    return digest.hexdigest()


_NEGATIONS = frozenset("not no never nothing none nobody neither nor cannot without".split())
_AGREE = frozenset("agree agreed exactly true yes correct indeed absolutely definitely right".split())
_DISAGREE = frozenset("disagree wrong false nonsense untrue incorrect doubt myth ridiculous".split())


def _negated(tokens: list[str]) -> bool:
    return any(t in _NEGATIONS or t.endswith("n't") for t in tokens)


def lexical_polarity(claim: str, comment: str) -> int:
    """A rough sign of agreement: agreement/disagreement cue words, and whether negation matches the claim's."""
    claim_tokens, tokens = words(claim), words(comment)
    score = 2 * sum(t in _AGREE for t in tokens) - 2 * sum(t in _DISAGREE for t in tokens)
    score += 1 if _negated(tokens) == _negated(claim_tokens) else -1
    return int(np.sign(score))
