"""``keras.utils.plot_model`` / ``model_to_dot``: the model graph through pydot + graphviz.

Both are optional: without them ``plot_model`` raises Keras's ImportError (or, in a notebook,
prints the message and returns ``None``, as Keras 2 does).
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any, Dict, List, Set, Tuple

import torch

from torchkeras.graph.keras_tensor import inbound_nodes, keras_history

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
    """tf-keras's ``format_shape``: ``str(shape)`` with record-label braces escaped."""
    return str(shape).replace("{", r"\{").replace("}", r"\}")


def _layer_shapes(layer: Any) -> Tuple[str, str]:
    """The input and output columns: an InputLayer shows ``[(None, 3)]`` in both, as
    tf-keras's input nodes do; ``?`` where a shape is not defined."""
    if type(layer).__name__ == "InputLayer":
        shape = _shape_text([tuple(layer._batch_input_shape)])
        return shape, shape
    shapes = []
    for attribute in ("input_shape", "output_shape"):
        try:
            shapes.append(_shape_text(getattr(layer, attribute)))
        except (AttributeError, ValueError, RuntimeError):
            shapes.append("?")
    return shapes[0], shapes[1]


def _is_sequential(model: Any) -> bool:
    return any(cls.__name__ == "Sequential" for cls in type(model).__mro__)


def _is_network(layer: Any) -> bool:
    """A functional model or a Sequential (tf-keras's ``Functional``): drawn layer by layer."""
    return getattr(layer, "functional_graph", None) is not None or (
        _is_sequential(layer) and bool(getattr(layer, "inputs", None)))


def _wrapped(layer: Any) -> Any:
    """The layer a ``Wrapper`` (Bidirectional, TimeDistributed) holds, or ``None``."""
    inner = getattr(layer, "layer", None)
    return inner if isinstance(inner, torch.nn.Module) and hasattr(inner, "name") else None


def _is_wrapped_model(layer: Any) -> bool:
    inner = _wrapped(layer)
    return inner is not None and _is_network(inner)


def _graph_layers(model: Any) -> List[Any]:
    """The layers drawn, InputLayers included (a Sequential's ``layers`` leaves it out)."""
    layers = list(model.layers)
    if _is_sequential(model):
        inputs = [keras_history(t)[0] for t in (getattr(model, "inputs", None) or [])
                  if keras_history(t) is not None]
        layers = [layer for layer in inputs if layer not in layers] + layers
    return layers


def _edges(model: Any, layers: List[Any]) -> List[Tuple[Any, Any]]:
    """``(inbound_layer, layer)`` pairs of the model's own graph."""
    if _is_sequential(model):
        return list(zip(layers, layers[1:]))
    drawn = {id(layer) for layer in layers}
    pairs = []
    for layer in layers:
        for node in inbound_nodes(layer):
            for tensor in getattr(node, "keras_inputs", []):
                history = keras_history(tensor)
                if history is not None and id(history[0]) in drawn and \
                        (history[0], layer) not in pairs:
                    pairs.append((history[0], layer))
    return pairs


def _activation_name(activation: Any) -> str:
    if hasattr(activation, "name"):
        return str(activation.name)
    return getattr(activation, "__name__", str(activation))


def _label(layer: Any, layer_name: str, class_name: str, options: Dict[str, Any]) -> str:
    """tf-keras's record label: ``name|{Class|activation}|dtype``, then the shape table
    ``{...}|{input:|output:}|{{in}|{out}}``, then ``T|``/``NT|`` in front."""
    label = class_name
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        label = "{%s|%s}" % (label, _activation_name(activation))
    if options["show_layer_names"]:
        label = f"{layer_name}|{label}"
    if options["show_dtype"]:
        dtype = getattr(layer, "dtype", None)
        label = f"{label}|{'?' if dtype is None else dtype}"
    if options["show_shapes"]:
        inputs, outputs = _layer_shapes(layer)
        label = "{%s}|{input:|output:}|{{%s}|{%s}}" % (label, inputs, outputs)
    if options["show_trainable"]:
        label = f"{'T' if layer.trainable else 'NT'}|{label}"
    return label


def _class_name(layer: Any) -> str:
    name = type(layer).__name__
    return "Functional" if name == "Model" and _is_network(layer) else name


def _layer_index_bounds(model: Any, layer_range: Any) -> Tuple[int, int]:
    """tf-keras's ``get_layer_index_bound_by_layer_name``: regex matches on layer names."""
    if len(layer_range) != 2:
        raise ValueError("layer_range must be of shape (2,). Received: "
                         f"layer_range = {layer_range} of length {len(layer_range)}")
    if not isinstance(layer_range[0], str) or not isinstance(layer_range[1], str):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    names = [layer.name for layer in model.layers]
    lower = [i for i, name in enumerate(names) if re.match(layer_range[0], name)]
    upper = [i for i, name in enumerate(names) if re.match(layer_range[1], name)]
    if not lower or not upper:
        raise ValueError("Passed layer_names do not match the layer names in the model. "
                         f"Received: {layer_range}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


class _Graph:
    """One ``pydot.Dot`` (or a dashed ``pydot.Cluster`` for a nested model) and the names
    of the nodes it holds, in order."""

    def __init__(self, dot: Any) -> None:
        self.dot = dot
        self.node_names: List[str] = []
        self.edges: Set[Tuple[str, str]] = set()

    def add_edge(self, pydot: Any, source: str, target: str) -> None:
        if (source, target) not in self.edges:  # tf-keras: `if not dot.get_edge(...)`
            self.edges.add((source, target))
            self.dot.add_edge(pydot.Edge(source, target))


def _build(pydot: Any, model: Any, options: Dict[str, Any], subgraph: bool,
           rankdir: str, dpi: int, layer_range: Any) -> _Graph:
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        dot.set("rankdir", rankdir)
        dot.set("concentrate", True)
        dot.set("dpi", dpi)
        dot.set_node_defaults(shape="record")
    graph = _Graph(dot)
    if not _is_network(model):  # a subclassed model: one box with its name, as tf-keras
        dot.add_node(pydot.Node(str(id(model)), label=model.name))
        graph.node_names.append(str(id(model)))
        return graph
    bounds = _layer_index_bounds(model, layer_range) if layer_range is not None else None
    if bounds is not None and (bounds[0] < 0 or bounds[1] > len(model.layers)):
        raise ValueError(f"Both values in layer_range should be in range (0, "
                         f"{len(model.layers)}. Received: {bounds}")
    layers = _graph_layers(model)
    expand = options["expand_nested"]
    first: Dict[int, str] = {}  # a nested (or wrapped) model's first and last node
    last: Dict[int, str] = {}
    drawn: List[Any] = []
    for index, layer in enumerate(layers):
        if bounds is not None and not bounds[0] <= index < bounds[1]:
            continue
        drawn.append(layer)
        layer_name, class_name = layer.name, _class_name(layer)
        inner = _wrapped(layer)
        nested = layer if _is_network(layer) else (inner if _is_wrapped_model(layer) else None)
        if inner is not None and not (expand and nested is inner):
            layer_name = f"{layer_name}({inner.name})"
            class_name = f"{class_name}({_class_name(inner)})"
        if expand and nested is not None:
            cluster = _build(pydot, nested, options, True, rankdir, dpi, None)
            first[id(nested)], last[id(nested)] = cluster.node_names[0], cluster.node_names[-1]
            dot.add_subgraph(cluster.dot)
        if not (expand and nested is layer):
            node_id = str(id(layer))
            dot.add_node(pydot.Node(node_id, label=_label(layer, layer_name, class_name,
                                                          options)))
            graph.node_names.append(node_id)
    for source, target in _edges(model, drawn):
        source_id, target_id = str(id(source)), str(id(target))
        if expand and _is_network(source):
            source_id = last[id(source)]
        elif expand and _is_wrapped_model(source):
            source_id = last[id(_wrapped(source))]
        if expand and _is_network(target):
            target_id = first[id(target)]
        elif expand and _is_wrapped_model(target):
            graph.add_edge(pydot, source_id, target_id)
            source_id, target_id = target_id, first[id(_wrapped(target))]
        graph.add_edge(pydot, source_id, target_id)
    return graph


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False,
                 show_layer_names: bool = True, rankdir: str = "TB",
                 expand_nested: bool = False, dpi: int = 96, subgraph: bool = False,
                 layer_range: Any = None, show_layer_activations: bool = False,
                 show_trainable: bool = False, **kwargs: Any):
    """A ``pydot.Dot`` drawn as tf-keras draws it: one record node per layer (an InputLayer
    first, a Sequential's too), an edge per connection, nested models in dashed clusters
    when ``expand_nested`` (``subgraph=True`` returns that ``pydot.Cluster``)."""
    if not model.built:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")
    pydot = _pydot()
    if pydot is None:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to "
                          "work.")
    options = dict(show_shapes=show_shapes, show_dtype=show_dtype,
                   show_layer_names=show_layer_names, expand_nested=expand_nested,
                   show_layer_activations=show_layer_activations,
                   show_trainable=show_trainable)
    return _build(pydot, model, options, subgraph, rankdir, dpi, layer_range).dot


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
