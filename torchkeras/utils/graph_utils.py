"""``keras.utils.get_source_inputs`` and ``keras.utils.is_keras_tensor``: questions about the
symbolic tensors of functional models."""
from __future__ import annotations

from typing import Any, List


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic ``KerasTensor`` (what ``keras.Input`` and layers called on
    it return), not a concrete tensor or array."""
    return bool(getattr(x, "_is_keras_tensor", False))


def get_source_inputs(tensor: Any) -> List[Any]:
    """The ``keras.Input`` tensors that ``tensor`` was computed from, in first-seen order
    (``tensor`` itself when it has no graph history)."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return tensor
    layer, node_index, _ = history
    nodes = getattr(layer, "_inbound_nodes", None) if layer is not None else None
    if not nodes:
        return [tensor]
    node = nodes[node_index]
    if node.is_input:
        return list(node.flat_outputs)
    sources: List[Any] = []
    for parent in node.keras_inputs:
        for x in get_source_inputs(parent):
            if all(x is not seen for seen in sources):
                sources.append(x)
    return sources
