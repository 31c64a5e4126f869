"""Nodes of the functional graph: one per call of a layer on symbolic tensors."""
from __future__ import annotations

import inspect
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from torchkeras import backend
from torchkeras.data.ragged import RaggedTensor
from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.graph.probe import probe_input
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
    outputs = output_spec(layer, inputs, args, kwargs)
    Node(layer, (inputs,) + tuple(args), dict(kwargs), outputs)
    return outputs


def output_spec(layer: Any, inputs: Any, args: tuple, kwargs: Dict[str, Any]) -> Any:
    """New KerasTensors for ``layer`` called on the KerasTensors ``inputs`` (built and its
    input spec checked first), recording no node: what :func:`symbolic_call` records, and
    what a nested functional model's graph gives its layers when called on new shapes."""
    flat_inputs = nest.flatten(inputs)
    if nest.is_nested(inputs):
        input_shape = nest.pack_sequence_as(inputs, [x.shape for x in flat_inputs])
    else:
        input_shape = inputs.shape
    layer._maybe_build(input_shape)
    layer._check_input_spec([x.shape for x in flat_inputs if is_keras_tensor(x)])
    spec = _output_spec(layer, inputs, args, kwargs)
    if spec is not None:  # Keras 3: compute_output_spec, or several tensor arguments
        return spec
    if getattr(type(layer).compute_output_shape, "takes_input_dtypes", False):
        if any(getattr(x, "dtype", None) == "string" for x in flat_inputs):
            # run on strings: the outputs' dtypes are the call's (strings, a lookup's ids),
            # as tf_keras's KerasTensors of a layer whose `call` takes strings
            return probe_spec(layer.call, (inputs,) + tuple(args),
                              _probe_kwargs(layer.call, kwargs))
        # the default probe runs the layer: on inputs of the inputs' dtypes
        dtypes = nest.pack_sequence_as(inputs, [getattr(x, "dtype", None)
                                                for x in flat_inputs]) \
            if nest.is_nested(inputs) else getattr(inputs, "dtype", None)
        output_shape = layer.compute_output_shape(input_shape, input_dtypes=dtypes)
    else:
        output_shape = layer.compute_output_shape(input_shape)
    dtype = layer.compute_dtype
    if _is_shape(output_shape):
        return KerasTensor(tuple(output_shape), dtype)
    flat_shapes = _flatten_shapes(output_shape)
    tensors = [KerasTensor(tuple(s), dtype) for s in flat_shapes]
    return _pack_shapes(output_shape, tensors)


def _output_spec(layer: Any, inputs: Any, args: tuple, kwargs: Dict[str, Any]) -> Optional[Any]:
    """New KerasTensors for a call that ``compute_output_shape(input_shape)`` cannot describe:
    a layer defining Keras 3's ``compute_output_spec(*args, **kwargs)``, or a call with
    KerasTensors beyond the first argument (``layer(targets, logits)``), probed by running
    ``call`` on zeros. ``None``: the usual shape path applies."""
    own_spec = getattr(type(layer), "compute_output_spec", None)
    spec = None if own_spec is None else layer.compute_output_spec(inputs, *args, **kwargs)
    if spec is not None:  # None: a Model without a functional graph (shape path below)
        return nest.map_structure(
            lambda t: KerasTensor(tuple(t.shape), getattr(t, "dtype", None) or
                                  layer.compute_dtype), spec)
    if not any(is_keras_tensor(x) for x in nest.flatten([list(args), kwargs])):
        return None
    return probe_spec(layer.call, (inputs,) + tuple(args), kwargs, layer.compute_dtype)


def probe_spec(call: Any, args: Any, kwargs: Dict[str, Any], dtype: Optional[str] = None,
               fill: float = 0.0) -> Any:
    """New KerasTensors for ``call(*args, **kwargs)`` on KerasTensors, found by running it
    twice on tensors of ``fill`` whose free dimensions differ between the runs: a dimension
    that differs is ``None``. ``dtype``: the outputs' dtype, else the one the runs gave."""
    outputs = []
    for batch, size in ((2, 3), (5, 4)):  # two probes tell fixed from free dims
        def probe(x: Any) -> Any:
            if not is_keras_tensor(x):
                return x
            shape = [batch if i == 0 and d is None else size if d is None else d
                     for i, d in enumerate(x.shape)]
            if x.dtype == "string":  # string layers reject numbers
                return probe_input(shape, x.dtype)
            return torch.full(shape, fill, dtype=backend.torch_dtype(x.dtype))
        with torch.no_grad():
            outputs.append(call(*nest.map_structure(probe, list(args)),
                                **nest.map_structure(probe, dict(kwargs))))

    # empty strings give no tokens: a dim of 0 from string inputs depends on the text
    strings = any(is_keras_tensor(x) and x.dtype == "string"
                  for x in nest.flatten([list(args), kwargs]))

    def merge(a: Any, b: Any) -> KerasTensor:
        if isinstance(a, (RaggedTensor, np.ndarray, np.generic)):  # strings, ragged rows
            shape = tuple(None if d != e or (strings and d == 0) else d
                          for d, e in zip(a.shape, b.shape))
            return KerasTensor(shape, dtype or _output_dtype(a))
        if not isinstance(a, torch.Tensor):
            a, b = torch.as_tensor(a), torch.as_tensor(b)
        shape = tuple(None if d != e or (strings and d == 0) else d
                      for d, e in zip(a.shape, b.shape))
        if dtype is None:
            return KerasTensor(shape, backend.standardize_dtype(a.dtype))
        return KerasTensor((None,) + shape[1:] if shape else shape, dtype)

    merged = [merge(a, b) for a, b in zip(_flatten_outputs(outputs[0]),
                                          _flatten_outputs(outputs[1]))]
    if isinstance(outputs[0], RaggedTensor):
        return merged[0]
    return nest.pack_sequence_as(outputs[0], merged)


def _flatten_outputs(outputs: Any) -> List[Any]:
    """``nest.flatten`` with a RaggedTensor (a list of rows) as one output."""
    return [outputs] if isinstance(outputs, RaggedTensor) else nest.flatten(outputs)


def _probe_kwargs(call: Any, kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """``kwargs`` with ``training=False`` when ``call`` takes it (the shape probe's)."""
    try:
        takes_training = "training" in inspect.signature(call).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        takes_training = False
    if takes_training and kwargs.get("training") is None:
        return dict(kwargs, training=False)
    return kwargs


def _output_dtype(value: Any) -> str:
    """The Keras dtype of one probe output: ``"string"`` for NumPy strings or a RaggedTensor
    of strings, else the tensor's."""
    if isinstance(value, RaggedTensor) and len(value):
        value = value[0]
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "OUS":
        return "string"
    if isinstance(value, RaggedTensor):  # no rows: the probe's strings gave no values
        return "string"
    return backend.standardize_dtype(torch.as_tensor(value).dtype)
