"""Natural-language inference with an ONNX cross-encoder: does a premise (a comment) entail a hypothesis (a claim)?

Works with 2-way models (entailment / not entailment) and 3-way models (entailment / neutral / contradiction).
The output order comes from `ModelFiles.labels` (a `config.json` `id2label`); a 2-way model without one is taken
as (entailment, not_entailment). A model exported with a fixed sequence length is run at the length of each
batch's longest pair when that gives the same outputs (checked once at load), which is several times faster.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

from bot.engine.embedder import session_options
from bot.engine.heads.graph import add_graph_outputs
from bot.engine.modelfiles import ModelFiles
from bot.engine.onnxshape import free_sequence_dim

FloatArray = npt.NDArray[np.float32]

_ENTAIL_NAMES = ("entailment", "entail", "entailed")
_CONTRA_NAMES = ("contradiction", "contradict", "contradicted")
_PROBE = (
    "The council voted to close the old bridge because repairs would cost more than a new one.",
    "The bridge will stay open.",
)


@dataclass(frozen=True)
class NliScores:
    """Per-premise probabilities. `contradiction` is None for a 2-way model, which only knows entailment."""

    entailment: FloatArray
    contradiction: FloatArray | None
    # (premises, hidden) vectors of the scorer's `extra_output` tensor (e.g. the pooled vector a stance head reads)
    extra: FloatArray | None = None


def _label_index(labels: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    for i, label in enumerate(labels):
        if label in names:
            return i
    return None


def _softmax(logits: FloatArray) -> FloatArray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs: FloatArray = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
    return probs


class NliScorer:
    """Scores (premise, hypothesis) pairs; thread-safe; remembers the last `cache_size` pairs it scored.

    `lanes` runs that many batches at once, each on `threads // lanes` threads of the same session. Small runs
    (one pair) use a second core poorly inside one run: two one-thread runs side by side read about twice as many
    pairs a second, with the same outputs.
    """

    def __init__(
        self,
        files: ModelFiles,
        *,
        threads: int = 2,
        lanes: int = 1,
        batch_size: int = 8,
        max_tokens: int = 256,
        free_length: bool = True,
        cache_size: int = 8192,
        extra_output: str | None = None,
    ) -> None:
        self.files = files
        self.batch_size = batch_size
        self.extra_output = extra_output
        self.lanes = max(1, min(lanes, threads))
        options = session_options(max(1, threads // self.lanes))
        model_bytes = files.onnx.read_bytes()
        if extra_output is not None:  # returned by the same runs as the logits: no extra inference
            model_bytes = add_graph_outputs(model_bytes, [extra_output])
        fixed_session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in fixed_session.get_inputs()}
        seq_dim = fixed_session.get_inputs()[0].shape[1]
        self.fixed_length: int | None = seq_dim if isinstance(seq_dim, int) else None
        n_out = int(fixed_session.get_outputs()[0].shape[-1])
        self.labels = self._labels(files.labels, n_out)
        entail = _label_index(self.labels, _ENTAIL_NAMES)
        if entail is None:
            raise ValueError(f"NLI model labels {self.labels} have no entailment label")
        self._entail = entail
        self._contra = _label_index(self.labels, _CONTRA_NAMES)
        self._tokenizer = Tokenizer.from_file(str(files.tokenizer))
        self._tokenizer.no_padding()
        self.max_tokens = min(max_tokens, self.fixed_length) if self.fixed_length else max_tokens
        self._tokenizer.enable_truncation(max_length=self.max_tokens, strategy="longest_first")
        self._session = fixed_session
        self.pad_to: int | None = self.fixed_length
        if self.fixed_length and free_length:
            self._try_free_length(model_bytes, options)
        self._cache: OrderedDict[tuple[str, str], tuple[FloatArray, FloatArray | None]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(self.lanes, thread_name_prefix="nli") if self.lanes > 1 else None

    @staticmethod
    def _labels(given: tuple[str, ...] | None, n_out: int) -> tuple[str, ...]:
        if given is not None:
            if len(given) != n_out:
                raise ValueError(f"config.json names {len(given)} labels but the model has {n_out} outputs")
            return given
        if n_out == 2:
            return ("entailment", "not_entailment")
        raise ValueError(
            f"the NLI model has {n_out} outputs and no config.json with id2label; add one to its folder"
        )

    def _try_free_length(self, model_bytes: bytes, options: ort.SessionOptions) -> None:
        """Use the model at free sequence length if it accepts it and agrees with the fixed-length run."""
        rewritten, changed = free_sequence_dim(model_bytes)
        if not changed:
            return
        try:
            free_session = ort.InferenceSession(rewritten, options, providers=["CPUExecutionProvider"])
            reference = self._run(self._session, [_PROBE], self.fixed_length)[0]
            candidate = self._run(free_session, [_PROBE], None)[0]
        except Exception:  # any failure just means: keep the fixed-length model
            return
        if float(np.abs(reference - candidate).max()) < 0.03:
            self._session = free_session
            self.pad_to = None

    def _run(
        self, session: ort.InferenceSession, pairs: list[tuple[str, str]], pad_to: int | None
    ) -> tuple[FloatArray, FloatArray | None]:
        encodings = self._tokenizer.encode_batch(pairs)
        width = pad_to or max(len(e.ids) for e in encodings)
        ids = np.zeros((len(pairs), width), dtype=np.int64)
        mask = np.zeros((len(pairs), width), dtype=np.int64)
        types = np.zeros((len(pairs), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            n = len(enc.ids)
            ids[row, :n] = enc.ids
            mask[row, :n] = 1
            types[row, :n] = enc.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = types
        outputs = session.run(None, feeds)
        logits = np.asarray(outputs[0], dtype=np.float32)
        extra = np.asarray(outputs[1], dtype=np.float32) if self.extra_output is not None else None
        return _softmax(logits), extra

    def outputs(self, pairs: list[tuple[str, str]]) -> tuple[FloatArray, FloatArray | None]:
        """Label probabilities (order: `self.labels`) and, with `extra_output`, its vector for each pair."""
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        extra: FloatArray | None = None
        todo: list[int] = []
        hits: list[tuple[int, FloatArray | None]] = []
        with self._lock:
            for i, pair in enumerate(pairs):
                hit = self._cache.get(pair)
                if hit is None:
                    todo.append(i)
                else:
                    self._cache.move_to_end(pair)
                    out[i] = hit[0]
                    hits.append((i, hit[1]))
        # Batches of similar length waste little padding.
        todo.sort(key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        chunks = [todo[start : start + self.batch_size] for start in range(0, len(todo), self.batch_size)]
        if self._pool is not None and len(chunks) > 1:
            results = list(self._pool.map(lambda chunk: self._run_chunk(pairs, chunk), chunks))
        else:
            results = [self._run_chunk(pairs, chunk) for chunk in chunks]
        for chunk, (probs, vectors) in zip(chunks, results, strict=True):
            out[chunk] = probs
            if vectors is not None:
                if extra is None:
                    extra = np.zeros((len(pairs), vectors.shape[1]), dtype=np.float32)
                extra[chunk] = vectors
        for i, vector in hits:
            if vector is not None:
                if extra is None:
                    extra = np.zeros((len(pairs), vector.shape[0]), dtype=np.float32)
                extra[i] = vector
        return out, extra

    def _run_chunk(self, pairs: list[tuple[str, str]], chunk: list[int]) -> tuple[FloatArray, FloatArray | None]:
        """Run one batch and remember its pairs (called from one lane)."""
        probs, vectors = self._run(self._session, [pairs[i] for i in chunk], self.pad_to)
        with self._lock:
            for n, i in enumerate(chunk):
                self._cache[pairs[i]] = (probs[n], None if vectors is None else vectors[n])
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return probs, vectors

    def probabilities(self, pairs: list[tuple[str, str]]) -> FloatArray:
        """Softmax over the model's labels (order: `self.labels`) for each (premise, hypothesis) pair."""
        return self.outputs(pairs)[0]

    def score(self, premises: list[str], hypothesis: str) -> NliScores:
        """Entailment (and, for a 3-way model, contradiction) probability of `hypothesis` given each premise."""
        probs, extra = self.outputs([(p, hypothesis) for p in premises])
        contra = probs[:, self._contra] if self._contra is not None else None
        return NliScores(entailment=probs[:, self._entail], contradiction=contra, extra=extra)

    @property
    def three_way(self) -> bool:
        return self._contra is not None
