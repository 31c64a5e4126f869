"""Nested structures (lists, tuples, dicts) of tensors: flatten and rebuild."""
from __future__ import annotations

from typing import Any, Callable, List


def is_nested(structure: Any) -> bool:
    return isinstance(structure, (list, tuple, dict))


def flatten(structure: Any) -> List[Any]:
    """Leaves in a fixed order (dicts by sorted key, as tf.nest does)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure: Any, flat: List[Any]) -> Any:
    """Inverse of :func:`flatten`. A dict takes its leaves in sorted key order and keeps
    ``structure``'s key order (TF's ``nest.pack_sequence_as``)."""
    iterator = iter(flat)

    def build(node):
        if isinstance(node, dict):
            packed = {key: build(node[key]) for key in sorted(node)}
            return {key: packed[key] for key in node}
        if isinstance(node, tuple) and hasattr(node, "_fields"):
            return type(node)(*[build(item) for item in node])
        if isinstance(node, (list, tuple)):
            return type(node)(build(item) for item in node)
        return next(iterator)

    return build(structure)


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    return pack_sequence_as(structure, [fn(leaf) for leaf in flatten(structure)])
