"""The functional graph: from ``Model(inputs, outputs)`` to an execution plan.

Layer order and node order follow tf-keras's ``_map_graph_network`` (layers by decreasing
depth, then by first appearance), so ``model.layers`` and ``get_weights()`` come in Keras's
order. Running the model walks a precomputed plan of layer calls over a list of slots: no
graph traversal per call.
"""
from __future__ import annotations

import collections
from typing import Any, Dict, Iterator, List, Optional, Tuple

from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.graph.keras_tensor import is_keras_tensor
from torchkeras.graph.node import Node, output_spec
from torchkeras.layers.base import (HOOK_VERSION, Layer, _call_parameters, accepts_sparse_inputs,
                                    attach_masks, creates_masks, default_training,
                                    has_forward_hooks)
from torchkeras.layers.input_layer import InputLayer
from torchkeras.backend import nest
from torchkeras.backend.masking import get_keras_mask


class _Slot:
    """Marks where a KerasTensor's value goes in a call's arguments."""
    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


class _Step:
    """One layer call of the plan."""
    __slots__ = ("layer", "args", "kwargs", "outputs", "single_input", "accepts_training",
                 "multi_output", "fn", "accepts_mask", "regularized")

    def __init__(self, layer, args, kwargs, outputs, single_input, accepts_training,
                 multi_output):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.single_input = single_input
        self.accepts_training = accepts_training
        self.multi_output = multi_output
        self.fn = layer.call if _fast(layer) else layer
        self.accepts_mask = isinstance(layer, Layer) and _call_parameters(type(layer))[1]
        # Direct `call`s skip Layer.__call__, so the plan records activity losses itself.
        self.regularized = self.fn is not layer and \
            getattr(layer, "activity_regularizer", None) is not None


_DONE = object()  # end of a node's parents in _build_map's walk


def _build_map(outputs: List[KerasTensor]) -> Tuple[List[Node], Dict[Any, int]]:
    """Nodes in post-order of a depth-first walk from ``outputs`` (Keras's ``_build_map``),
    with an explicit stack: graphs deeper than Python's recursion limit (ResNetRS270+)."""
    finished, in_progress = set(), set()
    nodes_in_decreasing_depth: List[Node] = []
    layer_indices: Dict[Any, int] = {}

    def enter(tensor: KerasTensor) -> Optional[Tuple[Node, Iterator[KerasTensor]]]:
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if node in finished:
            return None
        if node in in_progress:
            raise ValueError(f"Tensor {tensor} from layer \"{layer.name}\" is part of a cycle.")
        if layer not in layer_indices:
            layer_indices[layer] = len(layer_indices)
        in_progress.add(node)
        return node, iter(node.keras_inputs)

    for output in outputs:
        frame = enter(output)
        stack = [frame] if frame is not None else []
        while stack:
            node, parents = stack[-1]
            parent = next(parents, _DONE)
            if parent is not _DONE:
                frame = enter(parent)
                if frame is not None:
                    stack.append(frame)
                continue
            stack.pop()
            finished.add(node)
            in_progress.remove(node)
            nodes_in_decreasing_depth.append(node)
    return nodes_in_decreasing_depth, layer_indices


def clone_graph_nodes(inputs: Any, outputs: Any) -> Tuple[Any, Any]:
    """Keras's ``clone_graph_nodes``: an input that is a layer's output (not an ``Input``)
    becomes a new ``Input`` of its shape and dtype, and the layer calls from it to
    ``outputs`` are recorded again on the new tensors (the original graph is unchanged).
    ``keras.Model(normalizer(x), ...)`` thus takes that tensor's values directly."""
    new_tensor: Dict[int, KerasTensor] = {}
    for tensor in nest.flatten(inputs):
        if not isinstance(tensor._keras_history[0], InputLayer):
            layer = InputLayer(batch_shape=tensor.shape, dtype=tensor.dtype,
                               sparse=tensor.sparse)
            new_tensor[id(tensor)] = layer.output
    nodes, _ = _build_map(nest.flatten(outputs))

    def swap(x: Any) -> Any:
        return new_tensor.get(id(x), x) if is_keras_tensor(x) else x

    for node in nodes:  # parents first
        if node.is_input or not any(id(t) in new_tensor for t in node.keras_inputs):
            continue
        node_outputs = nest.map_structure(
            lambda t: KerasTensor(t.shape, t.dtype, sparse=t.sparse) if is_keras_tensor(t)
            else t, node.outputs)
        Node(node.layer, tuple(nest.map_structure(swap, list(node.call_args))),
             {k: nest.map_structure(swap, v) for k, v in node.call_kwargs.items()},
             node_outputs)
        for old, new in zip(node.flat_outputs, nest.flatten(node_outputs)):
            new_tensor[id(old)] = new
    return nest.map_structure(swap, inputs), nest.map_structure(swap, outputs)


class FunctionalGraph:
    """The layers and execution plan of a graph from ``inputs`` to ``outputs``."""

    def __init__(self, inputs: Any, outputs: Any):
        self.input_structure = inputs
        self.output_structure = outputs
        self.inputs: List[KerasTensor] = nest.flatten(inputs)
        self.outputs: List[KerasTensor] = nest.flatten(outputs)
        for tensor in self.inputs + self.outputs:
            if not is_keras_tensor(tensor):
                raise ValueError("Found unexpected instance while processing input tensors for "
                                 f"keras functional model. Expecting KerasTensor which is from "
                                 f"tf.keras.Input() or output from keras layer call(). Got: "
                                 f"{tensor!r}")
        for tensor in self.inputs:
            if tensor._keras_history is None:
                raise ValueError("Input tensors to a Functional model must come from "
                                 f"`tf.keras.Input`. Received inputs={tensor!r} (missing "
                                 "previous layer metadata).")
        if not all(isinstance(t._keras_history[0], InputLayer) for t in self.inputs):
            inputs, outputs = clone_graph_nodes(inputs, outputs)
            self.input_structure, self.output_structure = inputs, outputs
            self.inputs, self.outputs = nest.flatten(inputs), nest.flatten(outputs)
        nodes, layer_indices = _build_map(self.outputs)
        node_depths: Dict[Node, int] = {}
        layer_depths: Dict[Any, int] = {}
        for node in reversed(nodes):
            depth = node_depths.setdefault(node, 0)
            depth = max(depth, layer_depths.get(node.layer, 0))
            layer_depths[node.layer] = depth
            node_depths[node] = depth
            for parent in node.parent_nodes:
                node_depths[parent] = max(depth + 1, node_depths.get(parent, 0))
        for tensor in self.inputs:
            layer = tensor._keras_history[0]
            if layer not in layer_depths:
                layer_depths[layer] = 0
                layer_indices[layer] = -1
                node_depths[layer._inbound_nodes[0]] = 0
        self._check_inputs_reach(nodes)
        layers_by_depth: Dict[int, list] = collections.defaultdict(list)
        for layer, depth in layer_depths.items():
            layers_by_depth[depth].append(layer)
        self.layers: List[Any] = []
        for depth in sorted(layers_by_depth, reverse=True):
            self.layers.extend(sorted(layers_by_depth[depth], key=lambda l: layer_indices[l]))
        nodes_by_depth: Dict[int, list] = collections.defaultdict(list)
        for node, depth in node_depths.items():
            nodes_by_depth[depth].append(node)
        self.nodes: List[Node] = [n for d in sorted(nodes_by_depth, reverse=True)
                                  for n in nodes_by_depth[d]]
        self._compile_plan()

    def output_spec(self, flat_inputs: List[Any]) -> Any:
        """New KerasTensors (in the output structure) for the graph called on the KerasTensors
        ``flat_inputs``, as Keras 3's ``Function.compute_output_spec``: the recorded outputs
        when the input shapes are the graph's own, else each layer's output spec in turn,
        from the input dtypes the graph recorded (a string ``Input`` stays a string)."""
        if all(tuple(x.shape) == tuple(ref.shape) for x, ref in zip(flat_inputs, self.inputs)):
            return nest.map_structure(lambda t: KerasTensor(t.shape, t.dtype),
                                      self.output_structure)
        values: Dict[int, Any] = {id(ref): KerasTensor(x.shape, ref.dtype)
                                  for x, ref in zip(flat_inputs, self.inputs)}

        def fill(x: Any) -> Any:
            return values[id(x)] if is_keras_tensor(x) else x

        for node in self.nodes:
            if node.is_input:
                continue
            args = nest.map_structure(fill, list(node.call_args))
            kwargs = {k: nest.map_structure(fill, v) for k, v in node.call_kwargs.items()}
            outputs = output_spec(node.layer, args[0], tuple(args[1:]), kwargs)
            for ref, tensor in zip(node.flat_outputs, nest.flatten(outputs)):
                values[id(ref)] = KerasTensor(tensor.shape, ref.dtype)
        return nest.map_structure(fill, self.output_structure)

    def _refresh_hooked_steps(self) -> None:
        """Layers that got forward hooks since the plan was made run through ``__call__``."""
        self.hook_version = HOOK_VERSION[0]
        for step in self.steps:
            step.fn = step.layer.call if _fast(step.layer) else step.layer

    def _check_inputs_reach(self, nodes: List[Node]) -> None:
        available = {id(t) for t in self.inputs}
        for node in nodes:
            if node.is_input:
                for tensor in node.flat_outputs:
                    if id(tensor) not in available:
                        raise ValueError(
                            "Graph disconnected: cannot obtain value for tensor "
                            f"{tensor!r} at layer \"{node.layer.name}\". The following previous "
                            f"layers were accessed without issue: []")

    def _compile_plan(self) -> None:
        slot_of: Dict[int, int] = {}

        def slot(tensor: KerasTensor) -> int:
            if id(tensor) not in slot_of:
                slot_of[id(tensor)] = len(slot_of)
            return slot_of[id(tensor)]

        self.input_slots = [slot(t) for t in self.inputs]
        steps: List[_Step] = []
        for node in self.nodes:
            if node.is_input:
                continue
            args = nest.map_structure(
                lambda x: _Slot(slot(x)) if is_keras_tensor(x) else x, list(node.call_args))
            kwargs = {k: nest.map_structure(lambda x: _Slot(slot(x)) if is_keras_tensor(x)
                                            else x, v) for k, v in node.call_kwargs.items()}
            outputs = [slot(t) for t in node.flat_outputs]
            single = (len(args) == 1 and isinstance(args[0], _Slot) and not any(
                isinstance(x, _Slot) for x in nest.flatten(list(kwargs.values()))))
            layer = node.layer
            if isinstance(layer, Layer):  # Keras passes these only to a `call` taking them
                takes_training, takes_mask = _call_parameters(type(layer))
                kwargs = {k: v for k, v in kwargs.items() if
                          (k != "training" or (takes_training and v is not None)) and
                          (k != "mask" or takes_mask)}  # training=None: inherit, as Keras
            accepts_training = (isinstance(layer, Layer) and _call_parameters(type(layer))[0]
                                and "training" not in kwargs)
            steps.append(_Step(layer, args, kwargs, outputs,
                               args[0].index if single else None, accepts_training,
                               nest.is_nested(node.outputs)))
        self.steps = steps
        self.keep_sparse = [_keeps_sparse(tensor, slot_of[id(tensor)], steps)
                            for tensor in self.inputs]
        self.uses_masks = any(creates_masks(step.layer) for step in steps)
        self.output_slots = [slot_of[id(t)] for t in self.outputs]
        self.num_slots = len(slot_of)
        self.hook_version = HOOK_VERSION[0]

    def run(self, flat_inputs: List[Any], training: Optional[bool]) -> List[Any]:
        """Execute the plan on tensors (one per graph input) and return the flat outputs."""
        if self.hook_version != HOOK_VERSION[0]:
            self._refresh_hooked_steps()
        if self.uses_masks or training is None:  # None: each layer applies its default
            return self._run_with_masks(flat_inputs, training)
        values: List[Any] = [None] * self.num_slots
        for index, value in zip(self.input_slots, flat_inputs):
            values[index] = value
        for step in self.steps:
            if step.single_input is not None:
                args = (values[step.single_input],)
                kwargs = step.kwargs
            else:
                args = tuple(_fill(a, values) for a in step.args)
                kwargs = {k: _fill(v, values) for k, v in step.kwargs.items()}
            if step.accepts_training:
                kwargs = dict(kwargs, training=training)
            result = step.fn(*args, **kwargs)
            if step.regularized:
                step.layer._record_activity_loss(result)
            if step.multi_output:
                for index, value in zip(step.outputs, nest.flatten(result)):
                    values[index] = value
            else:
                values[step.outputs[0]] = result
        return [values[i] for i in self.output_slots]


    def _run_with_masks(self, flat_inputs: List[Any], training: Optional[bool]) -> List[Any]:
        """:meth:`run` that also carries Keras masks from layer to layer (slower path, only
        for graphs with a mask-creating layer such as ``Embedding(mask_zero=True)``)."""
        values: List[Any] = [None] * self.num_slots
        masks: List[Any] = [None] * self.num_slots
        for index, value in zip(self.input_slots, flat_inputs):
            values[index] = value
            masks[index] = get_keras_mask(value)
        for step in self.steps:
            args = tuple(_fill(a, values) for a in step.args)
            kwargs = {k: _fill(v, values) for k, v in step.kwargs.items()}
            input_masks = [masks[x.index] for x in nest.flatten(step.args[0])
                           if isinstance(x, _Slot)] if step.args else []
            mask = None
            if any(m is not None for m in input_masks):
                mask = input_masks[0] if isinstance(step.args[0], _Slot) else input_masks
            if step.accepts_training:
                kwargs["training"] = (default_training(type(step.layer)) if training is None
                                      else training)
            if mask is not None and step.accepts_mask and "mask" not in kwargs:
                kwargs["mask"] = mask
            result = step.fn(*args, **kwargs)
            if step.regularized:
                step.layer._record_activity_loss(result)
            flat_results = nest.flatten(result) if step.multi_output else [result]
            output_mask = step.layer.compute_mask(args[0], mask) if hasattr(
                step.layer, "compute_mask") else None
            flat_masks = (list(output_mask) if isinstance(output_mask, (list, tuple))
                          else [output_mask] * len(flat_results))
            for index, value, out_mask in zip(step.outputs, flat_results, flat_masks):
                values[index] = value
                masks[index] = out_mask
                # Keras: tensors carry their masks, read by layers taking several inputs
                # (MultiHeadAttention's query/value/key masks)
                attach_masks(value, out_mask)
        outputs = [values[i] for i in self.output_slots]
        for index, tensor in zip(self.output_slots, outputs):
            attach_masks(tensor, masks[index])
        return outputs


def _keeps_sparse(tensor: KerasTensor, index: int, steps: List[_Step]) -> bool:
    """Whether a sparse tensor fed to the graph input ``tensor`` (slot ``index``) stays
    sparse: its ``Input`` is sparse and every layer it feeds takes sparse tensors (``Dense``);
    otherwise it is densified once, at the model's input boundary."""
    if not tensor.sparse:
        return False
    for step in steps:
        feeds = [x for x in nest.flatten([list(step.args), list(step.kwargs.values())])
                 if isinstance(x, _Slot) and x.index == index]
        if feeds and not (isinstance(step.layer, Layer) and accepts_sparse_inputs(step.layer)):
            return False
    return True


def _fast(layer: Any) -> bool:
    """Built Keras layers are called through ``call`` directly (no per-call bookkeeping);
    plain torch modules through ``__call__``."""
    return isinstance(layer, Layer) and layer.built and type(layer).forward is Layer.forward \
        and not has_forward_hooks(layer)


def _fill(structure: Any, values: List[Any]) -> Any:
    if isinstance(structure, _Slot):
        return values[structure.index]
    if isinstance(structure, (list, tuple, dict)):
        return nest.map_structure(lambda x: values[x.index] if isinstance(x, _Slot) else x,
                                  structure)
    return structure
