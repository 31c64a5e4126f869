"""``keras.models.clone_model``: the same architecture with new layers (fresh weights).

Each layer is recreated with ``clone_function`` (default ``cls.from_config(get_config())``)
and the functional graph is replayed on the new layers, as tf-keras's ``clone_model`` does.
Layer names are kept; weights are newly initialized (copy them with ``set_weights``).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Optional

from torchkeras.layers.input_layer import InputLayer
from torchkeras.engine.model import Model
from torchkeras.engine.sequential import Sequential
from torchkeras.backend import nest
from torchkeras.graph.keras_tensor import is_keras_tensor


def _clone_layer(layer: Any) -> Any:
    """``layer.__class__.from_config(layer.get_config())``; in-process, so a Lambda's own
    function is not untrusted input."""
    from_config = type(layer).from_config
    params = inspect.signature(from_config).parameters
    kwargs: Dict[str, Any] = {}
    if "safe_mode" in params:
        kwargs["safe_mode"] = False
    function = getattr(layer, "function", None)  # a Lambda's builtin, named in its config
    if "custom_objects" in params and callable(function) and hasattr(function, "__name__"):
        kwargs["custom_objects"] = {function.__name__: function}
    return from_config(layer.get_config(), **kwargs)


def clone_model(model: Any, input_tensors: Any = None,
                clone_function: Optional[Callable[[Any], Any]] = None) -> Any:
    """A new model with the architecture of ``model`` and newly initialized weights.

    >>> clone = keras.models.clone_model(model)
    >>> clone.set_weights(model.get_weights())   # to copy the values too
    """
    clone_function = clone_function or _clone_layer
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    if not isinstance(model, Model) or model.functional_graph is None:
        raise ValueError("Expected `model` argument to be a functional `Model` instance, but "
                         f"got a subclassed model instead: {model}")
    graph = model.functional_graph
    tensor_map: Dict[int, Any] = {}
    if input_tensors is None:
        for tensor in graph.inputs:
            layer = tensor._keras_history[0]
            new_layer = InputLayer.from_config(layer.get_config())
            tensor_map[id(tensor)] = new_layer._input_tensor
    else:
        new_inputs = nest.flatten(input_tensors)
        if len(new_inputs) != len(graph.inputs):
            raise ValueError("Input tensors must be a list with the same length as the model "
                             f"inputs ({len(graph.inputs)}). Received: {input_tensors}")
        for old, new in zip(graph.inputs, new_inputs):
            if not is_keras_tensor(new):
                raise ValueError("`input_tensors` must be Keras tensors (from "
                                 f"`keras.Input`). Received: {new!r}")
            tensor_map[id(old)] = new
    layer_map: Dict[int, Any] = {}

    def mapped(value: Any) -> Any:
        return tensor_map[id(value)] if is_keras_tensor(value) else value

    for node in graph.nodes:
        if node.is_input:
            continue
        layer = node.layer
        if id(layer) not in layer_map:
            layer_map[id(layer)] = clone_function(layer)
        args = [nest.map_structure(mapped, a) for a in node.call_args]
        kwargs = {k: nest.map_structure(mapped, v) for k, v in node.call_kwargs.items()}
        outputs = layer_map[id(layer)](*args, **kwargs)
        for old, new in zip(node.flat_outputs, nest.flatten(outputs)):
            tensor_map[id(old)] = new
    inputs = nest.pack_sequence_as(graph.input_structure,
                                   [tensor_map[id(t)] for t in graph.inputs])
    outputs = nest.pack_sequence_as(graph.output_structure,
                                    [tensor_map[id(t)] for t in graph.outputs])
    return Model(inputs, outputs, name=model.name)


def _clone_sequential(model: Any, input_tensors: Any,
                      clone_function: Callable[[Any], Any]) -> Any:
    clone = Sequential(name=model.name)
    if input_tensors is not None:
        clone.add(nest.flatten(input_tensors)[0])
    elif model._input_tensor is not None:
        input_layer = model._input_tensor._keras_history[0]
        clone.add(InputLayer.from_config(input_layer.get_config()))
    for layer in model.layers:
        clone.add(clone_function(layer))
    return clone
