"""The stance head: exposing an intermediate ONNX tensor, the head file, and its decisions with the real model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from tokenizers import Tokenizer

from bot.engine.heads.graph import add_graph_outputs, graph_outputs
from bot.engine.heads.stance_head import DEFAULT_HEAD_PATH, StanceHead, file_sha256, head_for_model
from bot.engine.modelfiles import default_nli_files
from bot.engine.onnxshape import _len_field, _varint, free_sequence_dim
from bot.engine.text import negate_claim

from .conftest import needs_models


def _varint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _str(number: int, text: str) -> bytes:
    return _len_field(number, text.encode())


def _value_info(name: str) -> bytes:
    dim = _len_field(1, _varint_field(1, 3))
    tensor = _varint_field(1, 1) + _len_field(2, dim)
    return _str(1, name) + _len_field(2, _len_field(1, tensor))


def _node(op: str, inputs: list[str], output: str) -> bytes:
    return b"".join(_str(1, i) for i in inputs) + _str(2, output) + _str(3, output + "_node") + _str(4, op)


def tiny_model() -> bytes:
    """y = relu(x + x), with the sum as an intermediate tensor named "doubled"."""
    graph = (
        _len_field(1, _node("Add", ["x", "x"], "doubled"))
        + _len_field(1, _node("Relu", ["doubled"], "y"))
        + _str(2, "tiny")
        + _len_field(11, _value_info("x"))
        + _len_field(12, _value_info("y"))
    )
    opset = _str(1, "") + _varint_field(2, 13)
    return _varint_field(1, 8) + _len_field(8, opset) + _len_field(7, graph)


def test_intermediate_tensor_becomes_an_output() -> None:
    """The rewritten model returns the intermediate tensor next to the original output, from one run."""
    model = add_graph_outputs(tiny_model(), ["doubled"])
    assert graph_outputs(model) == ["y", "doubled"]
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    y, doubled = session.run(None, {"x": np.array([-1.0, 0.5, 2.0], dtype=np.float32)})
    np.testing.assert_allclose(doubled, [-2.0, 1.0, 4.0])
    np.testing.assert_allclose(y, [0.0, 1.0, 4.0])


def test_unknown_tensor_is_named_in_the_error() -> None:
    """Asking for a tensor the model does not have fails clearly instead of producing a broken model."""
    with pytest.raises(ValueError, match="no tensor named /m/pooler/missing"):
        add_graph_outputs(tiny_model(), ["/m/pooler/missing"])


def _head(tmp_path: Path) -> StanceHead:
    return StanceHead(
        model_sha256=file_sha256(_write(tmp_path / "model.onnx", b"model one")),
        output="pooled",
        templates=("{claim}", "{negation}"),
        pooled_weights=np.array([[1.0, 0.0, 0.0], [0.0, -2.0, 0.0]]),
        logit_weights=np.array([0.5, -0.5]),
        bias=0.25,
        trained_on="a test",
    )


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_head_round_trip_and_logits(tmp_path: Path) -> None:
    """A saved head loads back identically and scores z = pooled.w + logit weights + bias per comment."""
    head = _head(tmp_path)
    head.save(tmp_path / "head.npz")
    loaded = StanceHead.load(tmp_path / "head.npz")
    assert loaded.templates == head.templates and loaded.model_sha256 == head.model_sha256
    pooled = [np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 0.0], [0.0, -1.0, 0.0]])]
    logits = [np.array([2.0, 0.0]), np.array([0.0, 4.0])]
    z = loaded.agree_logits(pooled, logits)
    np.testing.assert_allclose(z, [1.0 - 2.0 + 1.0 + 0.25, 2.0 - 2.0 + 0.25])


def test_identity_follows_the_weights(tmp_path: Path) -> None:
    """A cache keyed by the head's identity survives a save and load, and is invalidated by new weights."""
    head = _head(tmp_path)
    head.save(tmp_path / "head.npz")
    assert StanceHead.load(tmp_path / "head.npz").identity == head.identity
    retrained = StanceHead(
        model_sha256=head.model_sha256,
        output=head.output,
        templates=head.templates,
        pooled_weights=head.pooled_weights * 1.01,
        logit_weights=head.logit_weights,
        bias=head.bias,
        trained_on="a test",
    )
    assert retrained.identity != head.identity


def test_head_rejects_wrong_shapes(tmp_path: Path) -> None:
    """Vectors of another model's width, or a missing hypothesis, are refused with a message that says so."""
    head = _head(tmp_path)
    with pytest.raises(ValueError, match="the head expects 3"):
        head.agree_logits([np.zeros((1, 4)), np.zeros((1, 4))], [np.zeros(1), np.zeros(1)])
    with pytest.raises(ValueError, match="needs 2 hypotheses"):
        head.agree_logits([np.zeros((1, 3))], [np.zeros(1)])


def test_head_only_for_its_own_model(tmp_path: Path) -> None:
    """The head is used for the model file it was trained on, never for another one."""
    _head(tmp_path).save(tmp_path / "head.npz")
    assert head_for_model(tmp_path / "model.onnx", tmp_path / "head.npz") is not None
    other = _write(tmp_path / "other.onnx", b"model two")
    assert head_for_model(other, tmp_path / "head.npz") is None
    assert head_for_model(other, tmp_path / "absent.npz") is None


def test_a_broken_head_file_is_named(tmp_path: Path) -> None:
    """A file that is not a head fails with its path in the message."""
    bad = _write(tmp_path / "bad.npz", b"not a zip")
    with pytest.raises(ValueError, match=r"bad\.npz is not a stance head file"):
        StanceHead.load(bad)
    np.savez(tmp_path / "partial.npz", bias=np.array(1.0))
    with pytest.raises(ValueError, match=r"partial\.npz is not a stance head file"):
        StanceHead.load(tmp_path / "partial.npz")


CLAIM = "We should ban smoking in public places"
AGREE = [
    "Smoking in public places should be banned, second-hand smoke harms everyone around the smoker.",
    "I fully agree, public smoking bans protect children's health.",
]
DISAGREE = [
    "Banning smoking in public is an unfair restriction on personal freedom; smoking in public should stay legal.",
    "A ban on smoking outdoors is government overreach and should not happen.",
]


@needs_models
def test_shipped_head_decides_clear_cases_with_the_real_model() -> None:
    """The committed head matches the installed NLI model and tells agreeing from disagreeing comments."""
    files = default_nli_files()
    assert files is not None
    head = head_for_model(files.onnx)
    assert head is not None, f"{DEFAULT_HEAD_PATH.name} was trained for another model file"
    model, _ = free_sequence_dim(files.onnx.read_bytes())
    session = ort.InferenceSession(add_graph_outputs(model, [head.output]), providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(files.tokenizer))
    inputs = {i.name for i in session.get_inputs()}
    comments = AGREE + DISAGREE
    pooled, logits = [], []
    for hypothesis in [t.format(claim=CLAIM, negation=negate_claim(CLAIM)) for t in head.templates]:
        rows_p, rows_l = [], []
        for comment in comments:  # one pair per run: no padding needed
            enc = tokenizer.encode(comment, hypothesis)
            feeds = {"input_ids": np.array([enc.ids]), "attention_mask": np.ones((1, len(enc.ids)), dtype=np.int64)}
            if "token_type_ids" in inputs:
                feeds["token_type_ids"] = np.array([enc.type_ids])
            out_logits, out_pooled = session.run(None, feeds)
            rows_l.append(float(out_logits[0, 0] - out_logits[0, 1]))
            rows_p.append(out_pooled[0])
        pooled.append(np.array(rows_p))
        logits.append(np.array(rows_l))
    z = head.agree_logits(pooled, logits)
    assert (z[: len(AGREE)] > 0).all() and (z[len(AGREE) :] < 0).all(), z
