"""``Sequential``: a plain stack of layers.

When the first layer knows its input shape (``input_shape=``, ``input_dim=``, an ``Input``
or ``InputLayer``), every ``add`` builds the new layer at once, as Keras does, so shape errors
appear where the layer is added and ``summary()`` works before training. Otherwise the model
builds on its first call.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

from torchkeras import backend
from torchkeras.data.ragged import RaggedTensor
from torchkeras import layers as layers_module
from torchkeras.layers.input_layer import Input, InputLayer
from torchkeras.graph.keras_tensor import KerasTensor
from torchkeras.engine.model import Model, _module_name, inputs_from_dict
from torchkeras.graph.shapes import conform_ranks
from torchkeras.layers.base import (Layer, _call_parameters, attach_masks, creates_masks,
                                    default_training)
from torchkeras.layers.base import (BUILD_LOCK, HOOK_VERSION, accepts_sparse_inputs,
                                    accepts_string_inputs, has_forward_hooks,
                                    is_string_data, passes_string_inputs)
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.autocast import prepare_mixed
from torchkeras.layers.embedding import accepts_integer_inputs
from torchkeras.registry.builtin_objects import register_builtin
from torchkeras.registry.serialization import serialize_keras_object


class Sequential(Model):
    """``Sequential([Dense(8, activation="relu", input_shape=(4,)), Dense(1)])``."""

    def __init__(self, layers: Optional[Sequence[Any]] = None, name: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self._stack: List[Layer] = []
        self._input_tensor: Optional[KerasTensor] = None
        self._output_tensor: Optional[KerasTensor] = None
        self._plan: list = []
        self._hook_version = HOOK_VERSION[0]
        self._uses_masks = False
        self._slow_plan = False
        self._explicit_input = False  # an Input / input_shape, not inferred from a call
        self._checks_layers = False  # called on a novel shape: layers check their inputs
        self._deferred = False  # the relaxed graph failed to build: tf-keras's eager fallback
        self._checked_shape: Optional[tuple] = None  # the last shape the layers accepted
        for layer in layers or []:
            self.add(layer)

    def _default_name(self) -> str:
        return backend.unique_object_name("sequential")

    # -------------------------------------------------------------- building
    def add(self, layer: Any) -> None:
        """Append a layer (or an ``Input`` tensor, which sets the input shape)."""
        if isinstance(layer, KerasTensor):
            origin = layer._keras_history[0]
            if not isinstance(origin, InputLayer):
                raise TypeError("The added layer must be an instance of class Layer. Received: "
                                f"layer={layer} of type {type(layer)}.")
            layer = origin
        if not isinstance(layer, torch.nn.Module):
            raise TypeError("The added layer must be an instance of class Layer. Received: "
                            f"layer={layer} of type {type(layer)}.")
        if isinstance(layer, InputLayer):
            if self._stack or self._input_tensor is not None:
                raise ValueError("An InputLayer can only be the first layer of a Sequential "
                                 "model.")
            self._input_tensor = layer._input_tensor
            self._output_tensor = self._input_tensor
            self._explicit_input = True
            return
        if any(existing.name == layer.name for existing in self._stack if
               isinstance(existing, Layer)) and isinstance(layer, Layer):
            raise ValueError(f'All layers added to a Sequential model should have unique names. '
                             f'Name "{layer.name}" is already the name of a layer in this model. '
                             "Update the `name` argument to pass a unique name.")
        if (not self._stack and self._input_tensor is None and isinstance(layer, Layer)
                and layer._batch_input_shape is not None):
            integer_input = accepts_integer_inputs(layer)
            self._input_tensor = Input(batch_shape=layer._batch_input_shape,
                                       name=f"{layer.name}_input",
                                       dtype="int64" if integer_input else
                                       "string" if layer._accepts_string_inputs else
                                       layer._dtype)
            self._output_tensor = self._input_tensor
            self._explicit_input = True
        self._stack.append(layer)
        self.add_module(_module_name(layer, len(self._stack) - 1, self), layer)
        if self._output_tensor is not None:
            try:
                self._output_tensor = layer(self._output_tensor)
            except Exception:
                self._stack.pop()
                raise
            self.built = True
        self._update_plan()

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        for key, module in list(self._modules.items()):
            if module is layer:
                del self._modules[key]
        if self._input_tensor is not None:
            self._output_tensor = self._input_tensor
            for remaining in self._stack:
                self._output_tensor = remaining(self._output_tensor)
        self._update_plan()
        return layer

    def _update_plan(self) -> None:
        self._autocast_dtype = prepare_mixed(self)  # before the plan reads `layer.call`
        self._hook_version = HOOK_VERSION[0]
        self._plan = [(layer.call if _is_fast(layer) else layer,
                       isinstance(layer, Layer) and _call_parameters(type(layer))[0])
                      for layer in self._stack]
        self._uses_masks = any(creates_masks(layer) for layer in self._stack)
        # Direct `call`s skip Layer.__call__, so the plan records activity losses itself.
        self._slow_plan = self._uses_masks or any(
            _is_fast(layer) and layer.activity_regularizer is not None for layer in self._stack)

    @property
    def layers(self) -> List[Layer]:
        return list(self._stack)

    @property
    def _accepts_sparse_inputs(self) -> bool:  # type: ignore[override]
        """An ``Input(sparse=True)`` first: ``call`` densifies unless the first layer takes
        sparse tensors."""
        return self._input_tensor is not None and self._input_tensor.sparse

    @property
    def is_sequential(self) -> bool:
        """True: a Sequential's layers are a stack (see ``Model.is_sequential``)."""
        return True

    def build(self, input_shape: Any = None) -> None:
        """Build every layer for ``input_shape`` (batch dim included)."""
        if input_shape is None:
            if self._input_tensor is None:
                raise ValueError("You must provide an `input_shape` argument.")
            return
        with BUILD_LOCK:  # threads calling an unbuilt model: one builds, the others wait
            if self._input_tensor is None:
                self._build_graph(tuple(input_shape))
            self.built = True
            self._build_input_shape = tuple(input_shape)

    def _build_graph(self, shape: tuple, string_input: bool = False) -> None:
        first = self._stack[0] if self._stack else None
        integer_input = accepts_integer_inputs(first)
        input_tensor = Input(batch_shape=(None,) + shape[1:],
                             name=f"{first.name}_input" if first is not None else None,
                             dtype="int64" if integer_input and not string_input else
                             "string" if string_input or accepts_string_inputs(first)
                             else None)
        output = input_tensor
        for layer in self._stack:
            output = layer(output)
        self._output_tensor = output
        self._update_plan()
        self._input_tensor = input_tensor  # last: other threads read it as "built"

    def _eager_call(self, inputs: Any, args: tuple, kwargs: Dict[str, Any]) -> Any:
        if isinstance(inputs, dict):  # before the build and the input-spec check
            inputs = self._input_from_dict(inputs)
        if self._input_tensor is None and self._stack and \
                passes_string_inputs(self._stack[0]) and is_string_data(inputs):
            self._build_string_graph(inputs)
        return super()._eager_call(inputs, args, kwargs)

    def _build_string_graph(self, inputs: Any) -> None:
        """Build on a string ``Input`` for the first call's strings (tf_keras builds on the
        data's dtype), so the layers' output shapes are probed on strings, not on zeros."""
        shape = tuple(np.shape(inputs)) if not isinstance(inputs, RaggedTensor) else \
            tuple(inputs.shape)
        with BUILD_LOCK:
            if self._input_tensor is None:
                self._build_graph((None,) + shape[1:], string_input=True)
            self.built = True
            self._build_input_shape = (None,) + shape[1:]

    def _maybe_build(self, input_shape: Any) -> None:
        # Not Layer's guard on `built`: a Sequential built empty builds again once it has
        # layers (its `_input_tensor` says whether the stack is built).
        if self._input_tensor is None and self._stack:
            self.build(input_shape)
        elif self._input_tensor is not None and not self._explicit_input:
            self._relax_input_shape(input_shape)
        self.built = True

    def _relax_input_shape(self, input_shape: Any) -> None:
        """tf-keras 2 for a Sequential built from its first call (no ``Input``): an input of
        a novel shape rebuilds the graph for the shape both share (differing dims become
        ``None``: (None, 1, 19) and (32, 24, 19) give (None, None, 19)); the layers then
        check the inputs themselves. A rebuild that fails keeps the old graph and runs the
        layers eagerly from then on, as tf-keras's "legacy deferred" mode."""
        if self._deferred or not isinstance(input_shape, (tuple, list)) or \
                not all(d is None or isinstance(d, int) for d in input_shape):
            return
        current = tuple(self._input_tensor.shape)
        shape = (None,) + tuple(input_shape[1:])
        if len(shape) != len(current):
            self._checks_layers = True  # tf-keras: no rebuild, the old graph runs
            return
        relaxed = tuple(c if c == s else None for c, s in zip(current, shape))
        if relaxed == current:
            return
        self._checks_layers = True
        with BUILD_LOCK:
            try:
                self._build_graph(relaxed)
            except Exception:  # tf-keras: the layers then raise on the concrete input
                self._deferred = True
                self._update_plan()

    @property
    def inputs(self):
        return [self._input_tensor] if self._input_tensor is not None else None

    @property
    def outputs(self):
        return [self._output_tensor] if self._output_tensor is not None else None

    @property
    def input(self) -> Any:
        if self._input_tensor is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input yet.")
        return self._input_tensor

    @property
    def output(self) -> Any:
        if self._output_tensor is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output yet.")
        return self._output_tensor

    @property
    def input_names(self) -> List[str]:
        if self._input_tensor is None:  # (a KerasTensor has no truth value)
            return []
        return [self._input_tensor._keras_history[0].name]

    @property
    def output_names(self) -> List[str]:
        return [self._stack[-1].name] if self._stack else []

    @property
    def input_shape(self) -> Any:
        if self._input_tensor is None:
            raise AttributeError(f'The layer "{self.name}" has never been called and thus has '
                                 "no defined input shape.")
        return self._input_tensor.shape

    @property
    def output_shape(self) -> Any:
        if self._output_tensor is None:
            raise AttributeError(f'The layer "{self.name}" has never been called and thus has '
                                 "no defined output shape.")
        return self._output_tensor.shape

    @property
    def input_spec(self):
        if self._input_tensor is None or not self._explicit_input:
            return None  # tf-keras: no spec without an Input (the layers check inputs)
        shape = self._input_tensor.shape  # tf-keras's Functional.input_spec
        return InputSpec(shape=(None,) + tuple(shape[1:]), allow_last_axis_squeeze=True)

    @input_spec.setter
    def input_spec(self, value: Any) -> None:
        pass

    # ------------------------------------------------------------------- call
    def call(self, inputs: Any, training: Optional[bool] = None, mask: Any = None) -> Any:
        if isinstance(inputs, dict):
            inputs = self._input_from_dict(inputs)
        reference = self._input_tensor
        if reference is not None and (getattr(inputs, "ndim", None) != len(reference.shape)
                                      or getattr(inputs, "is_sparse", False)):
            keep_sparse = reference.sparse and bool(self._stack) and \
                accepts_sparse_inputs(self._stack[0])  # else densified here, once
            inputs = conform_ranks([inputs], [reference], [keep_sparse])[0]  # (batch,) ...
        if self._hook_version != HOOK_VERSION[0]:
            self._update_plan()  # a layer got a forward hook: run it through __call__
        if self._checks_layers:
            shape = tuple(getattr(inputs, "shape", ()))[1:]  # (steps, features): not the batch
            if shape != self._checked_shape:  # a shape the layers have not accepted yet
                outputs = self._call_checked(inputs, training, mask)
                self._checked_shape = shape
                return outputs
        if self._slow_plan or training is None:  # None: each layer applies its default
            return self._call_with_masks(inputs, training, mask)
        outputs = inputs
        for fn, accepts_training in self._plan:
            outputs = fn(outputs, training=training) if accepts_training else fn(outputs)
        return outputs

    def _input_from_dict(self, inputs: Dict[str, Any]) -> Any:
        """The input in a data dict keyed by the model's input name (as tf-keras maps a
        dict onto a Sequential model's ``Input``); a clear error for any other dict."""
        if self._input_tensor is None:
            raise ValueError(f'Sequential model "{self.name}" has no named input yet (it was '
                             "not given an `Input` or an `input_shape`), so it cannot take a "
                             f"dict of inputs. Received a dict with keys {sorted(inputs)}. "
                             "Pass the array itself, or start the model with "
                             "`keras.Input(shape, name=...)` and key the dict by that name.")
        return inputs_from_dict(inputs, self.input_names)[0]

    def _call_with_masks(self, inputs: Any, training: Optional[bool], mask: Any) -> Any:
        """:meth:`call` carrying Keras masks and recording activity losses (only for stacks
        that need it)."""
        outputs = inputs
        for layer, (fn, accepts_training) in zip(self._stack, self._plan):
            kwargs = {"training": default_training(type(layer)) if training is None
                      else training} if accepts_training else {}
            if mask is not None and isinstance(layer, Layer) and \
                    _call_parameters(type(layer))[1]:
                kwargs["mask"] = mask
            result = fn(outputs, **kwargs)
            if fn is not layer and layer.activity_regularizer is not None:
                layer._record_activity_loss(result)
            mask = layer.compute_mask(outputs, mask) if isinstance(layer, Layer) else None
            outputs = result
        attach_masks(outputs, mask)
        return outputs

    def _call_checked(self, inputs: Any, training: Optional[bool], mask: Any) -> Any:
        """:meth:`call` through each layer's ``__call__`` (its input-spec check), for a stack
        called on shapes other than those it was built for."""
        outputs = inputs
        for layer in self._stack:
            kwargs: Dict[str, Any] = {}
            if isinstance(layer, Layer):
                accepts_training, accepts_mask = _call_parameters(type(layer))
                if accepts_training and training is not None:
                    kwargs["training"] = training
                if accepts_mask and mask is not None:
                    kwargs["mask"] = mask
            outputs = layer(outputs, **kwargs)
            mask = None  # Layer.__call__ carries the next masks on the outputs
        return outputs

    # ----------------------------------------------------------------- config
    def get_config(self):
        layers = []
        if self._input_tensor is not None:
            input_layer = self._input_tensor._keras_history[0]
            layers.append({"class_name": "InputLayer", "config": input_layer.get_config()})
        layers.extend(serialize_keras_object(layer) for layer in self._stack)
        return {"name": self.name, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"))
        layer_configs = config["layers"] if isinstance(config, dict) else config
        for layer_config in layer_configs:
            model.add(layers_module.deserialize(layer_config, custom_objects=custom_objects))
        return model


def _is_fast(layer: Any) -> bool:
    return isinstance(layer, Layer) and type(layer).forward is Layer.forward and \
        layer.built and not has_forward_hooks(layer)


# `keras.layers.deserialize` reads nested models by these names (layers sit below engine).
register_builtin("layers", Model, "Model", "Functional")
register_builtin("layers", Sequential)
