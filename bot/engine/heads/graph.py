"""Exposing an intermediate tensor of an ONNX model as an extra graph output, without the `onnx` package.

A trained head reads the NLI cross-encoder's pooled vector (the input of its classifier). Declaring that tensor a
graph output makes onnxruntime return it from the same forward pass, so the head costs no extra inference.
The edit appends `ValueInfoProto` entries to `ModelProto.graph.output` in the protobuf wire format.
"""

from __future__ import annotations

from bot.engine.onnxshape import _fields, _len_field, _payload, _rewrite, _varint

# Field numbers from onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, output = 12; NodeProto.output = 2;
# ValueInfoProto.name = 1, type = 2; TypeProto.tensor_type = 1; TypeProto.Tensor.elem_type = 1 (FLOAT = 1).
_MODEL_GRAPH = 7
_GRAPH_NODE = 1
_GRAPH_OUTPUT = 12
_NODE_OUTPUT = 2
_VALUE_NAME = 1
_VALUE_TYPE = 2
_TYPE_TENSOR = 1
_TENSOR_ELEM_TYPE = 1
_FLOAT = 1
_LEN = 2


def _graph(model: bytes) -> memoryview:
    for number, wire, raw in _fields(model):
        if number == _MODEL_GRAPH and wire == _LEN:
            return _payload(raw)
    raise ValueError("not an ONNX model: no graph")


def _names(graph: memoryview, field: int, inner: int) -> list[str]:
    """Strings of field `inner` inside every message of field `field` of the graph."""
    out: list[str] = []
    for number, wire, raw in _fields(graph):
        if number == field and wire == _LEN:
            out.extend(
                bytes(_payload(r)).decode("utf-8")
                for n, w, r in _fields(_payload(raw))
                if n == inner and w == _LEN
            )
    return out


def graph_outputs(model: bytes) -> list[str]:
    """Names of the model's declared graph outputs, in order."""
    return _names(_graph(model), _GRAPH_OUTPUT, _VALUE_NAME)


def _float_output(name: str) -> bytes:
    elem_type = _varint((_TENSOR_ELEM_TYPE << 3) | 0) + _varint(_FLOAT)
    tensor_type = _len_field(_TYPE_TENSOR, elem_type)
    return _len_field(_GRAPH_OUTPUT, _len_field(_VALUE_NAME, name.encode("utf-8")) + _len_field(_VALUE_TYPE, tensor_type))


def add_graph_outputs(model: bytes, names: list[str]) -> bytes:
    """The model with the float tensors `names` (outputs of its nodes) appended to its graph outputs.

    Raises ValueError naming any tensor that no node produces, so a head meant for another model fails clearly.
    """
    graph = _graph(model)
    produced = set(_names(graph, _GRAPH_NODE, _NODE_OUTPUT))
    missing = [n for n in names if n not in produced]
    if missing:
        raise ValueError(f"the ONNX model has no tensor named {', '.join(missing)}")
    existing = set(graph_outputs(model))
    extra = b"".join(_float_output(n) for n in names if n not in existing)

    def append(g: bytes | memoryview) -> tuple[bytes, int]:
        return bytes(g) + extra, 1

    rewritten, _ = _rewrite(model, (_MODEL_GRAPH,), append)
    return rewritten
