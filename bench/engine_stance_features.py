"""NLI outputs plus intermediate vectors of the default cross-encoder, per (premise, hypothesis) pair, cached on disk.

The stance head (bench/engine_stance_head.py) reads the pooled vector that feeds the NLI classifier. This module
runs the model with that tensor exposed as an extra graph output (bot/engine/heads/graph.py), batching like
`NliScorer` (sorted by length, 8 pairs, padded to the batch's longest pair, truncated at 160 tokens), and keeps
per pair: the 2 logits, the pooled vector, the last layer's [CLS] vector and its masked mean over tokens.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import onnxruntime as ort
from engine_common import CACHE
from tokenizers import Tokenizer

from bot.engine.embedder import session_options
from bot.engine.heads.graph import add_graph_outputs
from bot.engine.heads.stance_head import POOLED_OUTPUT
from bot.engine.modelfiles import ModelFiles
from bot.engine.onnxshape import free_sequence_dim

CLS_OUTPUT = "/m/pooler/Gather_output_0"
LAST_HIDDEN = "/m/deberta/encoder/layer.11/output/LayerNorm/Add_1_output_0"


@dataclass(frozen=True)
class PairFeatures:
    """Row i belongs to pair i: logits (n, 2), pooled / cls / mean (n, hidden)."""

    logits: np.ndarray
    pooled: np.ndarray
    cls: np.ndarray
    mean: np.ndarray


class FeatureRunner:
    """The NLI model at free sequence length with the pooled, [CLS] and last hidden tensors exposed."""

    def __init__(self, files: ModelFiles, threads: int = 2, batch_size: int = 8) -> None:
        model = files.onnx.read_bytes()
        self.model_id = hashlib.sha256(model).hexdigest()
        freed, _ = free_sequence_dim(model)
        exposed = add_graph_outputs(freed, [POOLED_OUTPUT, CLS_OUTPUT, LAST_HIDDEN])
        options = session_options(threads)
        options.log_severity_level = 3  # the declared [batch, 160, hidden] of the last layer warns on every run
        self.session = ort.InferenceSession(exposed, options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(files.tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=160, strategy="longest_first")
        self.batch_size = batch_size

    def _run(self, pairs: list[tuple[str, str]]) -> list[np.ndarray]:
        encodings = self.tokenizer.encode_batch(pairs)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(pairs), width), dtype=np.int64)
        mask = np.zeros((len(pairs), width), dtype=np.int64)
        types = np.zeros((len(pairs), width), dtype=np.int64)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
            types[row, : len(enc.ids)] = enc.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feeds["token_type_ids"] = types
        logits, pooled, cls, hidden = (np.asarray(o, dtype=np.float32) for o in self.session.run(None, feeds))
        weights = mask[:, :, None].astype(np.float32)
        mean = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return [logits, pooled, cls, mean]

    def features(self, pairs: list[tuple[str, str]]) -> PairFeatures:
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        cols: list[np.ndarray] | None = None
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            outs = self._run([pairs[i] for i in chunk])
            if cols is None:
                cols = [np.zeros((len(pairs), o.shape[1]), dtype=np.float32) for o in outs]
            for col, out in zip(cols, outs, strict=True):
                col[chunk] = out
        assert cols is not None, "no pairs"
        return PairFeatures(*cols)


def cached_features(runner: FeatureRunner, pairs: list[tuple[str, str]]) -> PairFeatures:
    """`runner.features(pairs)`, remembered on disk per model file and pair list."""
    h = hashlib.sha256(f"features-v1|{runner.model_id}".encode())
    for p, q in pairs:
        h.update(p.encode() + b"\x00" + q.encode() + b"\x01")
    path = CACHE / f"nlifeat-{h.hexdigest()[:24]}.npz"
    if path.exists():
        with np.load(path) as f:
            return PairFeatures(f["logits"], f["pooled"], f["cls"], f["mean"])
    feats = runner.features(pairs)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, logits=feats.logits, pooled=feats.pooled, cls=feats.cls, mean=feats.mean)
    return feats
