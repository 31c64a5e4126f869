"""Functional model configs: ``get_config()`` of a graph model and the model back from it.

Two dialects are written (and both read):

* ``"keras2"`` (tf-keras, the default; ``.h5`` files and ``to_json``): each layer entry has
  ``inbound_nodes`` as lists ``[[layer_name, node_index, tensor_index, kwargs], ...]``;
  ``input_layers``/``output_layers`` are lists of ``[layer_name, node_index, tensor_index]``.
* ``"keras3"`` (``.keras`` files): nodes are ``{'args': [...], 'kwargs': {...}}`` with
  ``{'class_name': '__keras_tensor__', 'config': {shape, dtype, keras_history}}`` tensors,
  and entries carry ``module``/``registered_name``/``build_config``.

Node indices count only the nodes inside the saved graph. A nested model that has its own
inputs starts with one built-in node in Keras, so its indices start at 1: in Keras 2 for
functional models and Sequential models with a known input, in Keras 3 for functional
models only. Both writing and reading apply that offset, so files match real Keras's.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, List, Optional, Tuple

from torchkeras import layers as layers_module
from torchkeras.engine import extensions
from torchkeras.layers.input_layer import InputLayer
from torchkeras.engine.sequential import Sequential
from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras.saving.model_config import keras3_layer_entry, normalize_entry
from torchkeras.registry.object_registration import get_registered_name
from torchkeras.backend import nest
from torchkeras.saving.op_nodes import OpNode, is_op_entry, op_from_entry

KERAS2 = "keras2"
KERAS3 = "keras3"


# ------------------------------------------------------------------------------ writing
def functional_config(model: Any, style: str = KERAS2) -> Dict[str, Any]:
    """Keras's functional config of ``model``: name, trainable, layers, input/output layers."""
    graph = model.functional_graph
    in_graph = {id(node) for node in graph.nodes}
    index_map: Dict[Tuple[int, int], int] = {}
    for layer in graph.layers:
        kept = node_offset(layer, style)
        for original, node in enumerate(layer._inbound_nodes):
            if id(node) in in_graph:
                index_map[(id(layer), original)] = kept
                kept += 1

    def ref(tensor: Any) -> List[Any]:
        layer, node_index, tensor_index = tensor._keras_history
        return [layer.name, index_map.get((id(layer), node_index), 0), tensor_index]

    layers = []
    for layer in graph.layers:
        nodes = [_serialize_node(node, ref, style) for node in layer._inbound_nodes
                 if id(node) in in_graph and not node.is_input]
        entry = layer_entry(layer, style)
        entry["name"] = layer.name
        entry["inbound_nodes"] = nodes
        layers.append(entry)
    inputs = [ref(t) for t in graph.inputs]
    outputs: Any = [ref(t) for t in graph.outputs]
    if isinstance(graph.output_structure, dict):  # Keras writes the dict, in the user's order
        outputs = nest.map_structure(ref, graph.output_structure)
    if style == KERAS3 and len(inputs) == 1:
        inputs = inputs[0]
    config = {"name": model.name, "trainable": model.trainable, "layers": layers,
              "input_layers": inputs, "output_layers": outputs}
    return config


def sequential_config(model: Any, style: str = KERAS2) -> Dict[str, Any]:
    """Keras's Sequential config: name, layers (an InputLayer entry first when known)."""
    layers = []
    if model._input_tensor is not None:
        input_layer = model._input_tensor._keras_history[0]
        layers.append(layer_entry(input_layer, style))
    layers.extend(layer_entry(layer, style) for layer in model.layers)
    config: Dict[str, Any] = {"name": model.name, "trainable": model.trainable}
    if style == KERAS3:
        config["dtype"] = "float32"
    config["layers"] = layers
    if style == KERAS3 and model._input_tensor is not None:
        config["build_input_shape"] = list(model._input_tensor.shape)
    return config


def layer_entry(layer: Any, style: str = KERAS2) -> Dict[str, Any]:
    """``{'class_name', 'config'}`` of a layer or nested model in the given dialect."""
    if isinstance(layer, Sequential):
        entry = {"class_name": "Sequential", "config": sequential_config(layer, style)}
        if style == KERAS3:
            entry = {"module": "keras", **entry, "registered_name": None}
            if layer._input_tensor is not None:
                entry["build_config"] = {"input_shape": list(layer._input_tensor.shape)}
        return entry
    if getattr(layer, "functional_graph", None) is not None:
        name = get_registered_name(type(layer))
        class_name = "Functional" if name == "Model" else name
        entry = {"class_name": class_name, "config": functional_config(layer, style)}
        if style == KERAS3:
            entry = {"module": "keras.src.models.functional", **entry,
                     "registered_name": "Functional" if class_name == "Functional" else name}
        return entry
    if isinstance(layer, OpNode):
        if style != KERAS3:
            raise ValueError(f"The model holds the Keras 3 operation '{layer.op_class}' "
                             "(loaded from a .keras file), which a Keras 2 config cannot "
                             "express: save it as .keras.")
        return layer.keras3_entry()
    if style == KERAS3:
        return keras3_layer_entry(layer, layer.get_config())
    return {"class_name": get_registered_name(type(layer)), "config": layer.get_config()}


def node_offset(layer: Any, style: str) -> int:
    """1 when Keras numbers this nested model's nodes from 1 (see the module docstring)."""
    if isinstance(layer, Sequential):
        return 1 if style == KERAS2 and layer._input_tensor is not None else 0
    return 1 if getattr(layer, "functional_graph", None) is not None else 0


def _call_arg_names(layer: Any) -> List[str]:
    try:
        params = list(inspect.signature(type(layer).call).parameters)
    except (TypeError, ValueError):
        return []
    return params[2:]  # after self, inputs


def _serialize_node(node: Any, ref: Any, style: str) -> Any:
    inputs = node.call_args[0] if node.call_args else None
    extra_args = list(node.call_args[1:])
    kwargs = dict(node.call_kwargs)
    if style == KERAS3:
        def encode(value: Any) -> Any:
            if is_keras_tensor(value):
                return {"class_name": "__keras_tensor__",
                        "config": {"shape": list(value.shape), "dtype": str(value.dtype),
                                   "keras_history": ref(value)}}
            if isinstance(value, (list, tuple)):
                return [encode(v) for v in value]
            if isinstance(value, dict):
                return {k: encode(v) for k, v in value.items()}
            return value
        if isinstance(node.layer, OpNode):  # the op's own arguments, constants included
            return {"args": [encode(a) for a in node.layer.call_arguments(inputs)],
                    "kwargs": {k: encode(v) for k, v in kwargs.items()}}
        return {"args": [encode(inputs)] + [encode(a) for a in extra_args],
                "kwargs": {k: encode(v) for k, v in kwargs.items()}}
    names = _call_arg_names(node.layer)
    arguments = dict(zip(names, extra_args))
    arguments.update(kwargs)
    arguments = nest.map_structure(lambda v: ref(v) if is_keras_tensor(v) else v, arguments) \
        if arguments else {}
    return [ref(t) + [arguments] for t in nest.flatten(inputs) if is_keras_tensor(t)]


# ------------------------------------------------------------------------------ reading
def functional_from_config(cls: type, config: Dict[str, Any],
                           custom_objects: Optional[Dict[str, Any]] = None) -> Any:
    """Rebuild a functional model from a Keras 2 or Keras 3 functional config."""

    created: Dict[str, Any] = {}
    outputs_of: Dict[str, List[Any]] = {}
    pending: Dict[str, List[Any]] = {}
    order: List[str] = []
    style = KERAS2
    for raw in config["layers"]:
        if is_op_entry(raw):  # a Keras 3 keras.ops call recorded as a node
            entry, layer = raw, op_from_entry(raw)
        else:
            entry = normalize_entry(raw, custom_objects)
            layer = layers_module.deserialize(
                {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")},
                custom_objects=custom_objects)
        name = entry.get("name") or entry["config"].get("name") or layer.name
        created[name] = layer
        order.append(name)
        outputs_of[name] = [layer._input_tensor] if isinstance(layer, InputLayer) else []
        nodes = list(entry.get("inbound_nodes") or [])
        if any(isinstance(n, dict) for n in nodes):
            style = KERAS3
        pending[name] = nodes

    def tensor_at(layer_name: str, node_index: int, tensor_index: int) -> Any:
        layer = created[layer_name]
        position = max(node_index - node_offset(layer, style), 0)
        return nest.flatten(outputs_of[layer_name][position])[tensor_index]

    def ready(layer_name: str, node_index: int) -> bool:
        if layer_name not in created:
            raise ValueError(f"Layer '{layer_name}' referenced in the model config does not "
                             "exist in its layer list.")
        position = max(node_index - node_offset(created[layer_name], style), 0)
        return position < len(outputs_of[layer_name])

    def refs_in(data: Any) -> List[Tuple[str, int]]:
        found: List[Tuple[str, int]] = []

        def visit(value: Any) -> None:
            if isinstance(value, dict):
                if value.get("class_name") == "__keras_tensor__":
                    history = value["config"]["keras_history"]
                    found.append((history[0], history[1]))
                    return
                for v in value.values():
                    visit(v)
            elif isinstance(value, (list, tuple)):
                if _is_ref(value) and value[0] in created:
                    found.append((value[0], value[1]))
                    return
                for v in value:
                    visit(v)

        visit(data)
        return found

    while any(pending.values()):
        progress = False
        for name in order:
            while pending[name] and all(ready(n, i) for n, i in refs_in(pending[name][0])):
                node_data = pending[name].pop(0)
                outputs_of[name].append(_call_node(created[name], node_data, tensor_at,
                                                   created))
                progress = True
        if not progress:
            stuck = [name for name in order if pending[name]]
            raise ValueError(f"Cannot rebuild the model from its config: the inputs of layer "
                             f"'{stuck[0]}' are never produced (a corrupt or incomplete "
                             "config).")

    def map_refs(refs: Any) -> Any:
        if isinstance(refs, dict):
            return {k: map_refs(v) for k, v in refs.items()}
        if _is_ref(refs):
            return tensor_at(*refs[:3])
        return [map_refs(r) for r in refs]

    inputs = map_refs(config["input_layers"])
    outputs = map_refs(config["output_layers"])
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    model = cls(inputs=inputs, outputs=outputs, name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model


def _is_ref(value: Any) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) in (3, 4)
            and isinstance(value[0], str) and isinstance(value[1], int)
            and isinstance(value[2], int))


def _call_node(layer: Any, node_data: Any, tensor_at: Any, created: Dict[str, Any]) -> Any:
    """Call ``layer`` on the tensors a saved node refers to; returns its outputs."""
    if isinstance(node_data, dict):  # Keras 3
        def decode(value: Any) -> Any:
            if isinstance(value, dict):
                if value.get("class_name") == "__keras_tensor__":
                    return tensor_at(*value["config"]["keras_history"][:3])
                return {k: decode(v) for k, v in value.items()}
            if isinstance(value, list):
                return [decode(v) for v in value]
            return value
        args = [decode(a) for a in node_data.get("args", [])]
        kwargs = {k: decode(v) for k, v in (node_data.get("kwargs") or {}).items()
                  if v is not None}
        return layer(*args, **kwargs)
    inputs, kwargs = [], {}
    for item in node_data:  # Keras 2: [[name, node, tensor, kwargs], ...]
        if item[0] == "_CONSTANT_VALUE":
            inputs.append(item[2])
        else:
            inputs.append(tensor_at(*item[:3]))
        if len(item) > 3 and item[3]:
            kwargs.update(item[3])

    def decode_kwarg(value: Any) -> Any:
        if _is_ref(value) and value[0] in created:
            return tensor_at(*value[:3])
        if isinstance(value, list):
            return [decode_kwarg(v) for v in value]
        return value

    kwargs = {k: decode_kwarg(v) for k, v in kwargs.items() if v is not None}
    return layer(inputs[0] if len(inputs) == 1 else inputs, **kwargs)


# Model.get_config/from_config of a functional model read and write through these.
extensions.provide("functional_config", functional_config)
extensions.provide("functional_from_config", functional_from_config)
