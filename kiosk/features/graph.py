"""A TFLite model's graph, read just enough to hand out its feature maps without exporting a new model.

The backbone's pooled vector averages a 7x7 map: a scratch covering one cell of it counts for 1/49
of every feature, which is why small defects get lost (docs/architecture.md#inspection). The maps
are inside the committed model file; this module finds them and makes them *outputs* of the graph,
so one `invoke` returns the pooled vector and the maps, the XNNPACK delegate still runs the whole
graph (the interpreter's `experimental_preserve_all_tensors` would turn it off: debug only), and the
model file, its checksum and the pooled numbers stay exactly what they were.

Two maps are found by rule, not by name, so a model from the zoo works where the rule holds:

- **head**: the input of the op that writes the graph's output, when it is an (1, h, w, C) map and
  the output is its global pooling (EfficientNet-Lite0: 7x7x1280 before MEAN);
- **mid**: the output of the last residual ADD at 1/16 of the input size (EfficientNet-Lite0: the
  14x14x112 output of block 10), the level PatchCore takes its patches from: local enough to see a
  2-pixel crack, deep enough to know texture from damage.

It reads the flatbuffer with `struct` (the TFLite runtimes ship no schema the exported bundle could
rely on) and imports nothing but the standard library: bundles carry this file unchanged.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

ADD = 0
"""TFLite's builtin operator code of ADD."""
MID_STRIDE = 16


@dataclass(frozen=True)
class Tensor:
    index: int
    shape: tuple[int, ...]


@dataclass(frozen=True)
class Operator:
    code: int
    """Builtin operator code (ADD = 0, MEAN = 40, ...)."""
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


@dataclass(frozen=True)
class Graph:
    """The first subgraph of a model: its tensors' shapes, operators, inputs and outputs."""

    tensors: tuple[Tensor, ...]
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    outputs_field: int
    """Byte position of the subgraph's `outputs` offset field: what `with_outputs` rewrites."""


class _Reader:
    """Flatbuffer tables, vectors and scalars at byte positions of one buffer."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def u32(self, pos: int) -> int:
        return struct.unpack_from("<I", self.data, pos)[0]

    def field(self, table: int, slot: int) -> int | None:
        """Byte position of field `slot` of the table at `table`, or None when it is absent."""
        vtable = table - struct.unpack_from("<i", self.data, table)[0]
        size = struct.unpack_from("<H", self.data, vtable)[0]
        offset_at = 4 + 2 * slot
        if offset_at >= size:
            return None
        offset = struct.unpack_from("<H", self.data, vtable + offset_at)[0]
        return table + offset if offset else None

    def target(self, pos: int) -> int:
        """Where the offset stored at `pos` points."""
        return pos + self.u32(pos)

    def tables(self, table: int, slot: int) -> list[int]:
        pos = self.field(table, slot)
        if pos is None:
            return []
        vector = self.target(pos)
        return [self.target(vector + 4 + 4 * i) for i in range(self.u32(vector))]

    def ints(self, table: int, slot: int) -> tuple[int, ...]:
        pos = self.field(table, slot)
        if pos is None:
            return ()
        vector = self.target(pos)
        return struct.unpack_from(f"<{self.u32(vector)}i", self.data, vector + 4)

    def scalar(self, table: int, slot: int, fmt: str, default: int = 0) -> int:
        pos = self.field(table, slot)
        return default if pos is None else struct.unpack_from(fmt, self.data, pos)[0]


def read_graph(model: bytes) -> Graph:
    """The first subgraph of the .tflite flatbuffer `model`; ValueError for bytes that are not one."""
    if len(model) < 8 or model[4:8] != b"TFL3":
        raise ValueError("not a TFLite flatbuffer (no TFL3 identifier)")
    reader = _Reader(model)
    try:
        root = reader.target(0)
        codes = [
            # builtin_code (slot 3) replaced the int8 deprecated_builtin_code (slot 0) past 127.
            max(reader.scalar(code, 0, "<b"), reader.scalar(code, 3, "<i"))
            for code in reader.tables(root, 1)
        ]
        subgraph = reader.tables(root, 2)[0]
        tensors = tuple(
            Tensor(i, tuple(reader.ints(tensor, 0))) for i, tensor in enumerate(reader.tables(subgraph, 0))
        )
        operators = tuple(
            Operator(codes[reader.scalar(op, 0, "<I")], tuple(reader.ints(op, 1)), tuple(reader.ints(op, 2)))
            for op in reader.tables(subgraph, 3)
        )
        outputs_field = reader.field(subgraph, 2)
    except (struct.error, IndexError) as exc:
        raise ValueError(f"a damaged TFLite flatbuffer ({exc})") from None
    if outputs_field is None:
        raise ValueError("a TFLite graph without outputs")
    return Graph(
        tensors, operators, tuple(reader.ints(subgraph, 1)), tuple(reader.ints(subgraph, 2)), outputs_field
    )


def with_outputs(model: bytes, extra: tuple[int, ...]) -> bytes:
    """`model` with tensors `extra` added to its graph's outputs, after the ones it has.

    A new outputs vector is appended to the buffer and the subgraph's offset field repointed at it:
    flatbuffer offsets point forwards, and the end of the buffer is past every field. Nothing else
    moves, so every weight stays where it was.
    """
    graph = read_graph(model)
    outputs = graph.outputs + tuple(i for i in extra if i not in graph.outputs)
    padding = -len(model) % 4
    vector_at = len(model) + padding
    patched = bytearray(model)
    patched += b"\0" * padding + struct.pack(f"<I{len(outputs)}i", len(outputs), *outputs)
    struct.pack_into("<I", patched, graph.outputs_field, vector_at - graph.outputs_field)
    return bytes(patched)


def _spatial(tensor: Tensor) -> bool:
    return len(tensor.shape) == 4 and tensor.shape[0] == 1 and tensor.shape[1] * tensor.shape[2] > 1


def head_map(graph: Graph) -> int | None:
    """The (1, h, w, C) map the graph's output pools, or None when the output is not such a pooling."""
    if len(graph.outputs) != 1:
        return None
    output = graph.tensors[graph.outputs[0]]
    for op in graph.operators:
        if graph.outputs[0] in op.outputs and op.inputs:
            source = graph.tensors[op.inputs[0]]
            if _spatial(source) and source.shape[3] == output.shape[-1]:
                return source.index
    return None


def mid_map(graph: Graph) -> int | None:
    """The output of the last residual ADD at 1/16 of the input's size, or None without one."""
    if len(graph.inputs) != 1:
        return None
    height = graph.tensors[graph.inputs[0]].shape[1]
    found = None
    for op in graph.operators:
        if op.code != ADD or len(op.outputs) != 1:
            continue
        tensor = graph.tensors[op.outputs[0]]
        if _spatial(tensor) and tensor.shape[1] * MID_STRIDE == height:
            found = tensor.index
    return found
