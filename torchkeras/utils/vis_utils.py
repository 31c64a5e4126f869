"""``keras.utils.plot_model`` / ``model_to_dot``: the model graph through pydot + graphviz.

Both are optional: without them ``plot_model`` raises Keras's ImportError (or, in a notebook,
prints the message and returns ``None``, as Keras 2 does).
"""
from __future__ import annotations

import os
import sys
from typing import Any, Dict, List, Optional

__all__ = ["model_to_dot", "plot_model"]

MISSING_MESSAGE = ("You must install pydot (`pip install pydot`) and install graphviz (see "
                   "instructions at https://graphviz.gitlab.io/download/) for plot_model to "
                   "work.")


def _pydot():
    try:
        import pydot  # optional: pydot
    except ImportError:
        try:
            import pydot_ng as pydot  # noqa: N813  (optional: pydot_ng)
        except ImportError:
            return None
    return pydot


def check_pydot() -> bool:
    """Whether pydot imports and graphviz's ``dot`` runs."""
    pydot = _pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())  # raises when graphviz is missing
        return True
    except (OSError, Exception):  # pydot raises a bare Exception without graphviz
        return False


def _shape_text(shape: Any) -> str:
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    return str(tuple(shape)).replace(",)", ")") if shape is not None else "?"


def _layer_shapes(layer: Any, attribute: str) -> str:
    try:
        value = getattr(layer, attribute)
    except (AttributeError, ValueError, RuntimeError):
        return "?"
    if isinstance(value, list):
        return "[" + _shape_text(value) + "]"
    return _shape_text(value)


def _inbound_layers(layer: Any) -> List[Any]:
    parents = []
    for node in getattr(layer, "_inbound_nodes", []):
        for tensor in getattr(node, "keras_inputs", []):
            history = getattr(tensor, "_keras_history", None)
            if history is not None and history[0] not in parents:
                parents.append(history[0])
    return parents


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False,
                 show_layer_names: bool = True, rankdir: str = "TB",
                 expand_nested: bool = False, dpi: int = 96, subgraph: bool = False,
                 layer_range: Any = None, show_layer_activations: bool = False,
                 show_trainable: bool = False, **kwargs: Any):
    """A ``pydot.Dot`` with one node per layer and an edge per connection."""
    pydot = _pydot()
    if pydot is None:
        raise ImportError(MISSING_MESSAGE)
    dot = pydot.Dot()
    dot.set("rankdir", rankdir)
    dot.set("concentrate", True)
    dot.set("dpi", dpi)
    dot.set_node_defaults(shape="record")
    layers = list(model.layers)
    from torchkeras.engine.sequential import Sequential  # late: utils/__init__ imports this module before engine exists
    is_sequential = isinstance(model, Sequential)
    ids: Dict[int, str] = {}
    for layer in layers:
        node_id = str(id(layer))
        ids[id(layer)] = node_id
        class_name = type(layer).__name__
        label = f"{layer.name}: {class_name}" if show_layer_names else class_name
        activation = getattr(layer, "activation", None)
        if show_layer_activations and activation is not None:
            label += f"\n activation: {getattr(activation, '__name__', str(activation))}"
        if show_dtype:
            label += f"\n dtype: {layer.dtype}"
        if show_shapes:
            label += (f"\n input: {_layer_shapes(layer, 'input_shape')}"
                      f" | output: {_layer_shapes(layer, 'output_shape')}")
        if show_trainable:
            label += f"\n trainable: {'T' if layer.trainable else 'F'}"
        dot.add_node(pydot.Node(node_id, label=label))
    if is_sequential:
        for before, after in zip(layers, layers[1:]):
            dot.add_edge(pydot.Edge(ids[id(before)], ids[id(after)]))
    else:
        for layer in layers:
            for parent in _inbound_layers(layer):
                if id(parent) in ids:
                    dot.add_edge(pydot.Edge(ids[id(parent)], ids[id(layer)]))
    return dot


def plot_model(model: Any, to_file: str = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = True, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 96, layer_range: Any = None,
               show_layer_activations: bool = False, show_trainable: bool = False,
               **kwargs: Any) -> Any:
    """Draw the model graph to ``to_file`` (png, svg, pdf, ... by extension)."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    if not check_pydot():
        if "IPython.core.magics.namespace" in sys.modules:
            print(MISSING_MESSAGE)
            return None
        raise ImportError(MISSING_MESSAGE)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi, layer_range=layer_range,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    if extension != "pdf":
        try:
            from IPython import display  # optional: only to show the picture in a notebook
            if extension == "svg":  # IPython's Image cannot embed SVG
                return display.SVG(filename=to_file)
            return display.Image(filename=to_file)
        except ImportError:
            pass
    return None
