"""``model.summary()``: Keras 2's table, column for column."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

import numpy as np


def readable_memory_size(size: float) -> str:
    for unit in ["Byte", "KB", "MB", "GB", "TB", "PB"]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _print_row(fields: Sequence[Any], positions: List[int], print_fn: Callable) -> None:
    left = [str(x) for x in fields]
    while any(left):
        line = ""
        for col in range(len(left)):
            start = positions[col - 1] if col > 0 else 0
            end = positions[col]
            space = 2 if col != len(positions) - 1 else 0
            cutoff = end - start - space
            if col != len(positions) - 1:
                cutoff -= 1
            fit = left[col][:cutoff]
            breaks = [fit.find(x) + len(x) for x in ("),", "},", "],", "',") if fit.find(x) >= 0]
            if breaks:
                cutoff = min(breaks)
                fit = fit[:cutoff]
            if col == 0:
                line += " "
            line += fit
            line += " " * space
            left[col] = left[col][cutoff:]
            line += " " * (positions[col] - len(line))
        print_fn(line)


def _shape_text(shape: Any) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_text(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def _output_shape(layer: Any, model: Any) -> str:
    from torchkeras.engine.input_layer import InputLayer
    nodes = [n for n in layer._inbound_nodes if _node_in_model(n, model)]
    if isinstance(layer, InputLayer):
        return "[" + _shape_text(layer._batch_input_shape) + "]"
    if len(nodes) != 1:
        try:
            return _shape_text(layer.output_shape)
        except (AttributeError, ValueError):
            return "multiple"
    outputs = nodes[0].flat_outputs
    if len(outputs) == 1:
        return _shape_text(outputs[0].shape)
    return "[" + ", ".join(_shape_text(t.shape) for t in outputs) + "]"


def _node_in_model(node: Any, model: Any) -> bool:
    graph = getattr(model, "_graph", None)
    if graph is None:
        return True
    return node in graph.nodes


def _connections(layer: Any, model: Any) -> List[str]:
    found = []
    for node in layer._inbound_nodes:
        if not _node_in_model(node, model):
            continue
        for tensor in node.keras_inputs:
            parent, node_index, tensor_index = tensor._keras_history
            found.append(f"{parent.name}[{node_index}][{tensor_index}]")
    return found


def _count(weights: list) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _bytes(weights: list) -> int:
    return int(sum(int(np.prod(w.shape)) * w.tensor.element_size() for w in weights))


def print_summary(model: Any, line_length: Optional[int] = None, positions: Any = None,
                  print_fn: Optional[Callable] = None, expand_nested: bool = False,
                  show_trainable: bool = False) -> None:
    """Print Keras's summary table for ``model``."""
    from torchkeras.engine.sequential import Sequential
    print_fn = print_fn or print
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    sequential_like = isinstance(model, Sequential) or getattr(model, "_graph", None) is None
    if not sequential_like:
        sequential_like = all(len([n for n in l._inbound_nodes if _node_in_model(n, model)
                                   and n.keras_inputs]) <= 1 for l in model.layers) and all(
            len(n.keras_inputs) <= 1 for l in model.layers for n in l._inbound_nodes
            if _node_in_model(n, model)) and len(model.inputs) == 1 and \
            len(model.outputs) == 1 and _is_chain(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.3, 0.6, 0.70, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    if show_trainable:
        line_length += 11
        positions.append(line_length)
        header.append("Trainable")
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    _print_row(header, positions, print_fn)
    print_fn("=" * line_length)
    layers = model.layers
    from torchkeras.engine.input_layer import InputLayer
    for layer in layers:
        if sequential_like and isinstance(layer, InputLayer) and getattr(model, "_graph",
                                                                         None) is None:
            continue
        name = f"{layer.name} ({type(layer).__name__})"
        params = layer.count_params() if layer.built else 0
        fields = [name, _output_shape(layer, model), params]
        if not sequential_like:
            fields.append(_connections(layer, model))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        _print_row(fields, positions, print_fn)
        print_fn(" " * line_length)
    print_fn("=" * line_length)
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    total = _count(trainable) + _count(non_trainable)
    print_fn(f"Total params: {total} "
             f"({readable_memory_size(_bytes(trainable) + _bytes(non_trainable))})")
    print_fn(f"Trainable params: {_count(trainable)} "
             f"({readable_memory_size(_bytes(trainable))})")
    print_fn(f"Non-trainable params: {_count(non_trainable)} "
             f"({readable_memory_size(_bytes(non_trainable))})")
    print_fn("_" * line_length)


def _is_chain(model: Any) -> bool:
    graph = model._graph
    previous = None
    for node in graph.nodes:
        if previous is not None and (len(node.keras_inputs) != 1 or
                                     node.keras_inputs[0] not in previous.flat_outputs):
            return False
        previous = node
    return True
