"""Freeing a fixed sequence length in an ONNX model's declared inputs, without the `onnx` package.

Some exported models declare their inputs as `[batch, 160]` although the graph computes every shape at run time;
padding every pair to 160 tokens then costs about four times the work of padding to the longest pair of a batch.
`free_sequence_dim` rewrites only the declared input shapes (ModelProto.graph.input[*] dim 1) in the protobuf
wire format. The caller must check that the rewritten model gives the same outputs (see `nli.NliScorer`).
"""

from __future__ import annotations

from collections.abc import Callable

# Field numbers from onnx.proto: ModelProto.graph = 7; GraphProto.input = 11; ValueInfoProto.type = 2;
# TypeProto.tensor_type = 1; TypeProto.Tensor.shape = 2; TensorShapeProto.dim = 1;
# TensorShapeProto.Dimension.dim_value = 1, dim_param = 2.
_MODEL_GRAPH = 7
_GRAPH_INPUT = 11
_VALUE_INFO_TYPE = 2
_TYPE_TENSOR = 1
_TENSOR_SHAPE = 2
_SHAPE_DIM = 1
_DIM_VALUE = 1
_DIM_PARAM = 2

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5


def _read_varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("malformed varint")


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _fields(data: bytes | memoryview) -> list[tuple[int, int, bytes | memoryview]]:
    """(field number, wire type, raw field bytes including the key) for each field of a message."""
    view = memoryview(data)
    out: list[tuple[int, int, bytes | memoryview]] = []
    pos = 0
    while pos < len(view):
        start = pos
        key, pos = _read_varint(view, pos)
        number, wire = key >> 3, key & 7
        if wire == _VARINT:
            _, pos = _read_varint(view, pos)
        elif wire == _I64:
            pos += 8
        elif wire == _LEN:
            length, pos = _read_varint(view, pos)
            pos += length
        elif wire == _I32:
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        if pos > len(view):
            raise ValueError("truncated protobuf message")
        out.append((number, wire, view[start:pos]))
    return out


def _payload(raw: bytes | memoryview) -> memoryview:
    """The bytes of a length-delimited field without its key and length."""
    view = memoryview(raw)
    _, pos = _read_varint(view, 0)
    _, pos = _read_varint(view, pos)
    return view[pos:]


def _len_field(number: int, payload: bytes) -> bytes:
    return _varint((number << 3) | _LEN) + _varint(len(payload)) + payload


_Leaf = Callable[[bytes | memoryview], tuple[bytes, int]]


def _rewrite(data: bytes | memoryview, path: tuple[int, ...], leaf: _Leaf) -> tuple[bytes, int]:
    """Rebuild `data`, applying `leaf` (a callable on the message at `path`) to every message found there."""
    if not path:
        return leaf(data)
    parts: list[bytes] = []
    changed = 0
    for number, wire, raw in _fields(data):
        if number == path[0] and wire == _LEN:
            inner, count = _rewrite(_payload(raw), path[1:], leaf)
            changed += count
            parts.append(_len_field(number, inner) if count else bytes(raw))
        else:
            parts.append(bytes(raw))
    return b"".join(parts), changed


def _free_dim_one(shape: bytes | memoryview) -> tuple[bytes, int]:
    """In a TensorShapeProto, turn the second dimension's fixed value into the symbol `sequence`."""
    parts: list[bytes] = []
    changed = 0
    dim_index = 0
    for number, wire, raw in _fields(shape):
        if number == _SHAPE_DIM and wire == _LEN:
            inner = _fields(_payload(raw))
            if dim_index == 1 and any(n == _DIM_VALUE for n, _, _ in inner):
                parts.append(_len_field(_SHAPE_DIM, _len_field(_DIM_PARAM, b"sequence")))
                changed += 1
            else:
                parts.append(bytes(raw))
            dim_index += 1
        else:
            parts.append(bytes(raw))
    return b"".join(parts), changed


def free_sequence_dim(model: bytes) -> tuple[bytes, int]:
    """The model with dim 1 of each declared graph input made symbolic, and how many inputs were changed."""
    path = (_MODEL_GRAPH, _GRAPH_INPUT, _VALUE_INFO_TYPE, _TYPE_TENSOR, _TENSOR_SHAPE)
    return _rewrite(model, path, _free_dim_one)
