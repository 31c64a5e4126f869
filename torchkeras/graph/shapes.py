"""Shape structures: one shape tuple, or lists/dicts of them, flattened and packed back."""
from __future__ import annotations

from typing import Any, List


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
