"""``model.summary()``: Keras 2's table, column for column."""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

import numpy as np

from torchkeras.engine import extensions
from torchkeras.layers.input_layer import InputLayer
from torchkeras.layers.weights import is_model
from torchkeras.engine.sequential import Sequential


def readable_memory_size(size: float) -> str:
    for unit in ["Byte", "KB", "MB", "GB", "TB", "PB"]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _print_row(fields: Sequence[Any], positions: List[int], print_fn: Callable,
               nested_level: int = 0) -> None:
    """One table row, wrapped over lines; nested rows are framed by ``|`` (Keras 2)."""
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
            if col == 0:
                cutoff -= nested_level
            fit = left[col][:cutoff]
            breaks = [fit.find(x) + len(x) for x in ("),", "},", "],", "',") if fit.find(x) >= 0]
            if breaks:
                cutoff = min(breaks)
                fit = fit[:cutoff]
            if col == 0:
                line += "|" * nested_level + " "
            line += fit
            line += " " * space
            left[col] = left[col][cutoff:]
            if nested_level and col == len(positions) - 1:
                line += " " * (positions[col] - len(line) - nested_level)
            else:
                line += " " * (positions[col] - len(line))
        print_fn(line + "|" * nested_level)


def _shape_text(shape: Any) -> str:
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_text(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def _output_shape(layer: Any, model: Any) -> str:
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
    graph = getattr(model, "functional_graph", None)
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
    print_fn = print_fn or print
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    sequential_like = isinstance(model, Sequential) or \
        getattr(model, "functional_graph", None) is None
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

    def row(layer: Any, owner: Any, nested_level: int) -> None:
        name = f"{layer.name} ({_class_name(layer)})"
        params = layer.count_params() if layer.built else 0
        fields = [name, _output_shape(layer, owner), params]
        if not sequential_like:
            # Keras 2 lists connections within the summarized model only.
            fields.append(_connections(layer, model) if nested_level == 0 else [])
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        _print_row(fields, positions, print_fn, nested_level)

    def torch_row(name: str, module: Any, trainable: bool, nested_level: int) -> None:
        params = sum(int(t.numel()) for t in module.state_dict().values())
        fields = [f"{name} ({type(module).__name__})", "?", params]
        if not sequential_like:
            fields.append([])
        if show_trainable:
            fields.append("Y" if trainable else "N")
        _print_row(fields, positions, print_fn, nested_level)

    def children(layer: Any) -> List[Any]:
        """What expand_nested shows under ``layer``: a nested model's layers, or the
        top-level submodules of a wrapped torch module."""
        if is_model(layer):
            return [("layer", l) for l in layer.layers]
        module = getattr(layer, "module", None)
        if type(layer).__name__ == "TorchModuleWrapper" and module is not None:
            return [("torch", item) for item in module.named_children()]
        return []

    def print_layer(kind: str, item: Any, owner: Any, nested_level: int = 0,
                    is_nested_last: bool = False) -> None:
        if kind == "torch":
            torch_row(item[0], item[1], owner.trainable, nested_level)
            nested = []
        else:
            row(item, owner, nested_level)
            nested = children(item) if expand_nested else []
        if nested:
            bar = "\u00af" * (line_length - 2 * nested_level - 2)
            print_fn("|" * (nested_level + 1) + bar + "|" * (nested_level + 1))
            for index, (child_kind, child) in enumerate(nested):
                print_layer(child_kind, child, item, nested_level + 1,
                            index == len(nested) - 1)
            print_fn("|" * nested_level + "\u00af" * (line_length - 2 * nested_level)
                     + "|" * nested_level)
            is_nested_last = True  # Keras 2 prints no blank line after an expanded block
        if not is_nested_last:
            print_fn("|" * nested_level + " " * (line_length - 2 * nested_level)
                     + "|" * nested_level)

    for layer in model.layers:
        if sequential_like and isinstance(layer, InputLayer) and \
                getattr(model, "functional_graph", None) is None:
            continue
        print_layer("layer", layer, model)
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


def _class_name(layer: Any) -> str:
    """Keras 2 shows a functional ``Model`` as ``Functional``."""
    if type(layer).__name__ == "Model" and getattr(layer, "functional_graph", None) is not None:
        return "Functional"
    return type(layer).__name__


def _is_chain(model: Any) -> bool:
    graph = model.functional_graph
    previous = None
    for node in graph.nodes:
        if previous is not None and (len(node.keras_inputs) != 1 or
                                     node.keras_inputs[0] not in previous.flat_outputs):
            return False
        previous = node
    return True


extensions.provide("print_summary", print_summary)  # Model.summary (engine sits below)
