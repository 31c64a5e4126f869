"""Nodes of the functional graph: one per call of a layer on symbolic tensors."""
from __future__ import annotations

from typing import Any, Dict, List

from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.graph.shapes import _flatten_shapes, _is_shape, _pack_shapes
from torchkeras.backend import nest
from torchkeras.graph.keras_tensor import is_keras_tensor


class Node:
    """``layer`` called on ``call_args``/``call_kwargs`` (which hold KerasTensors) gave
    ``outputs``."""

    def __init__(self, layer: Any, call_args: tuple, call_kwargs: Dict[str, Any], outputs: Any):
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.outputs = outputs
        self.input_tensors = call_args[0] if call_args else None
        self.output_tensors = outputs
        self.keras_inputs: List[KerasTensor] = [
            x for x in nest.flatten([list(call_args), call_kwargs]) if is_keras_tensor(x)]
        self.flat_outputs: List[KerasTensor] = nest.flatten(outputs)
        layer._inbound_nodes.append(self)
        node_index = len(layer._inbound_nodes) - 1
        for tensor_index, tensor in enumerate(self.flat_outputs):
            tensor._keras_history = (layer, node_index, tensor_index)

    @property
    def parent_nodes(self) -> List["Node"]:
        return [t.node for t in self.keras_inputs]

    @property
    def is_input(self) -> bool:
        return not self.keras_inputs


def symbolic_call(layer: Any, inputs: Any, args: tuple, kwargs: Dict[str, Any]) -> Any:
    """Call ``layer`` on KerasTensors: build it, check the input spec, and return new
    KerasTensors of the output shape, recorded in a :class:`Node`."""
    if nest.is_nested(inputs):
        input_shape = nest.pack_sequence_as(inputs, [x.shape for x in nest.flatten(inputs)])
    else:
        input_shape = inputs.shape
    layer._maybe_build(input_shape)
    layer._check_input_spec([x.shape for x in nest.flatten(inputs) if is_keras_tensor(x)])
    output_shape = layer.compute_output_shape(input_shape)
    dtype = layer.compute_dtype
    if _is_shape(output_shape):
        outputs: Any = KerasTensor(tuple(output_shape), dtype)
    else:
        flat_shapes = _flatten_shapes(output_shape)
        tensors = [KerasTensor(tuple(s), dtype) for s in flat_shapes]
        outputs = _pack_shapes(output_shape, tensors)
    Node(layer, (inputs,) + tuple(args), dict(kwargs), outputs)
    return outputs

