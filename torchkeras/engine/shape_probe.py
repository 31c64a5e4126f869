"""Output shapes of layers that do not declare them: run the layer on zeros."""
from __future__ import annotations

from typing import Any, List

import torch

from torchkeras import backend
from torchkeras.utils import nest

_PROBE_BATCH = 2
_PROBE_SIZES = (3, 4)


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(isinstance(d, (int, type(None))) for d in value)


def _flatten_shapes(structure: Any) -> List[tuple]:
    if _is_shape(structure):
        return [tuple(structure)]
    if isinstance(structure, dict):
        return [s for k in sorted(structure) for s in _flatten_shapes(structure[k])]
    return [s for item in structure for s in _flatten_shapes(item)]


def _pack_shapes(structure: Any, values: list) -> Any:
    iterator = iter(values)

    def build(node):
        if _is_shape(node):
            return next(iterator)
        if isinstance(node, dict):
            return {k: build(node[k]) for k in sorted(node)}
        return type(node)(build(item) for item in node)

    return build(structure)


def probe_output_shape(layer: Any, input_shape: Any, dtypes: Any = None) -> Any:
    """Call ``layer`` on zeros of ``input_shape`` (``None`` dims filled in) and return the
    output shape(s), with ``None`` for the batch dim and for dims that follow a ``None``."""
    from torchkeras.layers.base import Layer
    flat_shapes = _flatten_shapes(input_shape)
    flat_dtypes = nest.flatten(dtypes) if dtypes is not None else [None] * len(flat_shapes)
    results = []
    for size in _PROBE_SIZES:
        zeros = []
        for shape, dtype in zip(flat_shapes, flat_dtypes):
            concrete = [(_PROBE_BATCH if i == 0 else size) if d is None else d
                        for i, d in enumerate(shape)]
            zeros.append(torch.zeros(concrete, dtype=backend.torch_dtype(dtype),
                                     device=layer._input_device()))
        inputs = zeros[0] if _is_shape(input_shape) else _pack_shapes(input_shape, zeros)
        with torch.no_grad():
            kwargs = {}
            if isinstance(layer, Layer):
                from torchkeras.layers.base import _call_parameters
                if _call_parameters(type(layer))[0]:
                    kwargs["training"] = False
            outputs = layer.call(inputs, **kwargs)
        results.append(outputs)
        if all(None not in s[1:] for s in flat_shapes):
            break
    first = nest.flatten(results[0])
    other = nest.flatten(results[-1])
    shapes = []
    for a, b in zip(first, other):
        dims = [None if i == 0 else (d if d == e else None)
                for i, (d, e) in enumerate(zip(a.shape, b.shape))]
        shapes.append(tuple(dims))
    if not nest.is_nested(results[0]):
        return shapes[0]
    return nest.pack_sequence_as(results[0], shapes)


def probe_output_dtypes(layer: Any, outputs: Any) -> Any:
    return nest.map_structure(lambda t: backend.standardize_dtype(t.dtype), outputs)
