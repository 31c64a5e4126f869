"""``keras.utils.get_source_inputs`` and ``keras.utils.is_keras_tensor``: questions about the
symbolic tensors of functional models."""
from __future__ import annotations

from typing import Any, List

from torchkeras.graph.keras_tensor import inbound_nodes, is_keras_tensor, keras_history


def get_source_inputs(tensor: Any) -> List[Any]:
    """The ``keras.Input`` tensors that ``tensor`` was computed from, in first-seen order
    (``tensor`` itself when it has no graph history)."""
    history = keras_history(tensor)
    if history is None:
        return tensor
    layer, node_index, _ = history
    nodes = inbound_nodes(layer) if layer is not None else None
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
