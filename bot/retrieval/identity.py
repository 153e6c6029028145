"""Which embedding model made a vector: the ONNX file's name and content hash, so another model re-embeds."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from bot.engine.modelfiles import ModelFiles, resolve_embedder


@lru_cache(maxsize=8)
def _file_hash(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def model_key(files: ModelFiles) -> str:
    """A short identity of the embedding model: `<onnx file name>:<sha256 prefix>` (hashed once per process)."""
    stat = files.onnx.stat()
    return f"{files.onnx.name}:{_file_hash(files.onnx, stat.st_size, stat.st_mtime_ns)}"


def configured_model_key(model_dir: Path | None) -> str | None:
    """The identity of the embedder the settings name (None: no embedder installed), without loading it."""
    files = resolve_embedder(model_dir)
    return model_key(files) if files is not None else None
