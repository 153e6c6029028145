"""Sentence embeddings from an ONNX transformer (e.g. all-MiniLM-L6-v2): mean pooling over tokens, then L2 norm.

One `Embedder` may be shared by worker threads: the tokenizer is configured once and never changed afterwards,
and onnxruntime sessions allow concurrent `run` calls.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

from bot.engine.modelfiles import ModelFiles

FloatArray = npt.NDArray[np.float32]


def session_options(threads: int) -> ort.SessionOptions:
    """CPU session options: a small fixed thread pool, so the bot's event loop keeps a core."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return options


class Embedder:
    """`embed(texts)` returns one unit-length float32 row per text (cosine similarity = dot product)."""

    # Batches of 8 embed long comments about a quarter faster than batches of 32 here (bench/README_engine.md),
    # and a text's vector does not depend on its batch.
    def __init__(self, files: ModelFiles, *, max_tokens: int = 256, batch_size: int = 8, threads: int = 2) -> None:
        self.files = files
        self.batch_size = batch_size
        self._session = ort.InferenceSession(
            str(files.onnx), session_options(threads), providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(files.tokenizer))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding()  # to the longest text of each batch
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def embed(self, texts: list[str]) -> FloatArray:
        """Embed `texts` in batches of similar length; rows come back in the order given."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._embed_batch([texts[i] for i in chunk])
        return out

    def _embed_batch(self, texts: list[str]) -> FloatArray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = np.asarray(self._session.run(None, feeds)[0], dtype=np.float32)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: FloatArray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit
