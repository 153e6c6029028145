"""Finding model files: folders named by settings, and the default packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engine.modelfiles import ModelFiles, read_labels, resolve_nli

from .conftest import needs_models


def test_empty_folder_means_no_model(tmp_path: Path) -> None:
    """An empty (or missing) folder gives no model, which selects the fallback."""
    assert ModelFiles.from_dir(tmp_path) is None
    assert ModelFiles.from_dir(tmp_path / "missing") is None
    assert resolve_nli(tmp_path) is None


def test_folder_with_model_and_nested_tokenizer(tmp_path: Path) -> None:
    """One .onnx file plus a tokenizer.json in a subfolder; config.json's id2label gives the label order."""
    (tmp_path / "nli.onnx").write_bytes(b"x")
    (tmp_path / "tok").mkdir()
    (tmp_path / "tok" / "tokenizer.json").write_text("{}")
    (tmp_path / "config.json").write_text(
        json.dumps({"id2label": {"1": "NEUTRAL", "0": "ENTAILMENT", "2": "CONTRADICTION"}})
    )
    files = ModelFiles.from_dir(tmp_path)
    assert files is not None
    assert files.onnx.name == "nli.onnx"
    assert files.tokenizer == tmp_path / "tok" / "tokenizer.json"
    assert files.labels == ("entailment", "neutral", "contradiction")


def test_several_onnx_files_need_a_name(tmp_path: Path) -> None:
    """Two unnamed ONNX files are ambiguous; model.onnx among them is chosen."""
    (tmp_path / "a.onnx").write_bytes(b"x")
    (tmp_path / "b.onnx").write_bytes(b"x")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ValueError, match="several ONNX"):
        ModelFiles.from_dir(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"x")
    files = ModelFiles.from_dir(tmp_path)
    assert files is not None and files.onnx.name == "model.onnx"


def test_config_without_labels(tmp_path: Path) -> None:
    """A config.json with no id2label yields no label order."""
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "deberta-v2"}))
    assert read_labels(tmp_path / "config.json") is None


@needs_models
def test_default_models_are_found_in_installed_packages() -> None:
    """The defaults resolve to real files inside site-packages."""
    from bot.engine.modelfiles import default_embedder_files, default_nli_files

    emb, nli = default_embedder_files(), default_nli_files()
    assert emb is not None and emb.onnx.is_file() and emb.tokenizer.is_file()
    assert nli is not None and nli.onnx.is_file() and nli.labels == ("entailment", "not_entailment")
