"""Shape structures: one shape tuple, or lists/dicts of them, flattened and packed back."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence


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


def conform_ranks(flat: List[Any], graph_inputs: List[Any],
                  keep_sparse: Optional[Sequence[bool]] = None) -> List[Any]:
    """Keras 2's functional ``_conform_to_reference_input``: a sparse input is densified
    unless its ``Input`` is sparse (``keep_sparse``: per input, default the Input's
    ``sparse``); an input one rank short of its ``Input`` whose last dimension is 1 gains
    that axis (``(batch,)`` feeds ``Input((1,))``); one rank over with a last dimension of
    1 loses it."""
    for index, (value, reference) in enumerate(zip(flat, graph_inputs)):
        if getattr(value, "is_sparse", False):  # a torch sparse COO tensor
            keep = getattr(reference, "sparse", False) if keep_sparse is None \
                else keep_sparse[index]
            if keep:
                continue
            flat[index] = value = value.to_dense()
        rank = getattr(value, "ndim", None)  # torch tensors and NumPy arrays alike
        shape = getattr(reference, "shape", None)
        if not isinstance(rank, int) or shape is None or not shape:
            continue
        if rank == len(shape) - 1 and shape[-1] == 1:
            flat[index] = value[..., None]  # (batch,) -> (batch, 1)
        elif rank == len(shape) + 1 and value.shape[-1] == 1:
            flat[index] = value[..., 0]  # (batch, ..., 1) -> (batch, ...)
    return flat

