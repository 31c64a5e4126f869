"""Layer wrappers: ``Bidirectional`` (an RNN run both ways) and ``TimeDistributed``."""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional, Tuple

import torch

from torchkeras.layers.base import Layer, _call_parameters
from torchkeras.layers.input_spec import InputSpec, assert_input_compatibility
from torchkeras.layers.rnn import RNN, flat_state_shapes
from torchkeras.registry.serialization import serialize_keras_object

__all__ = ["Bidirectional", "TimeDistributed", "Wrapper"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _call_layer(layer: Any, inputs: Any, training: Any = None, mask: Any = None,
                **kwargs: Any) -> Any:
    """``layer.call`` with the ``training``/``mask`` arguments it accepts (built layers are
    called directly, as the engine's fast path does)."""
    if not isinstance(layer, Layer):
        return layer(inputs)
    accepts_training, accepts_mask = _call_parameters(type(layer))
    if accepts_training:
        kwargs["training"] = training
    if accepts_mask and mask is not None:
        kwargs["mask"] = mask
    if type(layer).forward is not Layer.forward:
        return torch.nn.Module.__call__(layer, inputs, **kwargs)
    return layer.call(inputs, **kwargs)


class Wrapper(Layer):
    """Base class of layers that wrap another layer (``self.layer``)."""

    def __init__(self, layer: Layer, **kwargs: Any):
        super().__init__(**kwargs)
        self.layer = layer

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["layer"] = serialize_keras_object(self.layer)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "Wrapper":
        from torchkeras.layers import deserialize  # late: the package defines it after importing this module
        config = copy.deepcopy(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)


# --------------------------------------------------------------------- Bidirectional
class Bidirectional(Wrapper):
    """Runs an RNN forwards and a copy of it backwards and merges the two outputs.

    ``merge_mode``: 'concat' (default), 'sum', 'mul', 'ave' or None (a list of both).
    The backward output is reversed in time before merging, as in Keras.
    """

    def __init__(self, layer: Layer, merge_mode: Optional[str] = "concat", weights: Any = None,
                 backward_layer: Optional[Layer] = None, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a "
                             f"`tf.keras.layers.Layer` instance. Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` need to be a `tf.keras.layers.Layer` instance. "
                             f"Received: {backward_layer}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should "
                             'be one of {"sum", "mul", "ave", "concat", None}')
        Layer.__init__(self, **kwargs)
        # The given layer is only a template (Keras does not track it): both directions are
        # fresh copies from its config, so it is kept out of the torch module tree.
        object.__setattr__(self, "layer", layer)
        self.forward_layer = self._recreate(layer)
        if backward_layer is None:
            self.backward_layer = self._recreate(layer, go_backwards=True)
            self._backward_layer_config = None
        else:
            self.backward_layer = backward_layer
            self._backward_layer_config = serialize_keras_object(backward_layer)
        self.forward_layer._name = "forward_" + self.forward_layer.name
        self.backward_layer._name = "backward_" + self.backward_layer.name
        self._verify_layer_config()
        for inner in (self.forward_layer, self.backward_layer):
            if getattr(inner, "zero_output_for_mask", None) is not None:
                inner.zero_output_for_mask = inner.return_sequences
        self.merge_mode = merge_mode
        if weights:
            self._initial_weights = list(weights)
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._trainable = kwargs.get("trainable", layer.trainable)
        self.input_spec = layer.input_spec

    @staticmethod
    def _recreate(layer: Layer, go_backwards: bool = False) -> Layer:
        config = layer.get_config()
        if go_backwards:
            config["go_backwards"] = not config["go_backwards"]
        cell = getattr(layer, "cell", None)
        if cell is not None and "custom_objects" in type(layer).from_config.__code__.co_varnames:
            objects = {type(cell).__name__: type(cell)}
            for inner in getattr(cell, "cells", []):
                objects[type(inner).__name__] = type(inner)
            return type(layer).from_config(config, custom_objects=objects)
        return type(layer).from_config(config)

    def _verify_layer_config(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             "`go_backwards` value.forward_layer.go_backwards = "
                             f"{forward.go_backwards},backward_layer.go_backwards = "
                             f"{backward.go_backwards}")
        for attribute in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(forward, attribute), getattr(backward, attribute)
            if a != b:
                raise ValueError("Forward layer and backward layer are expected to have the "
                                 f'same value for attribute "{attribute}", got "{a}" for '
                                 f'forward layer and "{b}" for backward layer')

    def _check_input_spec(self, flat_shapes: List[Any]) -> None:
        if self.input_spec is not None and flat_shapes:
            assert_input_compatibility(self.input_spec, flat_shapes[:1], self.name)

    def build(self, input_shape: Any) -> None:
        shape = RNN._main_shape(input_shape)
        self.forward_layer._maybe_build(shape)
        self.backward_layer._maybe_build(shape)
        Layer.build(self, input_shape)

    def _num_states(self) -> int:
        return len(flat_state_shapes(self.forward_layer.cell)) if hasattr(
            self.forward_layer, "cell") else 0

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = RNN._main_shape(input_shape)
        output_shape = self.forward_layer.compute_output_shape(shape)
        state_shapes: list = []
        if self.return_state:
            state_shapes = [tuple(s) for s in output_shape[1:]]
            output_shape = output_shape[0]
        output_shape = tuple(output_shape)
        if self.merge_mode == "concat":
            output_shape = output_shape[:-1] + (output_shape[-1] * 2,)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if self.return_state:
            if self.merge_mode is None:
                return output_shape + state_shapes + list(state_shapes)
            return [output_shape] + state_shapes + list(state_shapes)
        return output_shape

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        initial_state = kwargs.get("initial_state")
        if initial_state is not None and len(initial_state) % 2:
            raise ValueError("When passing `initial_state` to a Bidirectional RNN, the state "
                             "should be a list containing the states of the underlying RNNs. "
                             f"Received: {initial_state}")
        if "initial_state" in kwargs and initial_state is None:
            del kwargs["initial_state"]
        return super().__call__(*args, **kwargs)

    def call(self, inputs: Any, training: Any = None, mask: Any = None,
             initial_state: Any = None) -> Any:
        inputs, initial_state = RNN._split_inputs(inputs, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = _call_layer(self.forward_layer, inputs, training, mask,
                        **({"initial_state": forward_state} if forward_state else {}))
        y_rev = _call_layer(self.backward_layer, inputs, training, mask,
                            **({"initial_state": backward_state} if backward_state else {}))
        states: list = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            time_axis = 0 if getattr(self.forward_layer, "time_major", False) else 1
            y_rev = y_rev.flip(time_axis)
        if self.merge_mode == "concat":
            output: Any = torch.cat([y, y_rev], dim=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask: Any = [mask, mask] if not self.merge_mode else mask
        else:
            output_mask = [None, None] if not self.merge_mode else None
        if self.return_state:
            state_mask = [None] * self._num_states()
            if isinstance(output_mask, list):
                return output_mask + state_mask * 2
            return [output_mask] + state_mask * 2
        return output_mask

    def reset_states(self, states: Any = None) -> None:
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if states is None:
            self.forward_layer.reset_states()
            self.backward_layer.reset_states()
            return
        if not isinstance(states, (list, tuple)):
            raise ValueError("Unrecognized value for `states`. Expected `states` to be list or "
                             f"tuple. Received: {states}")
        half = len(states) // 2
        self.forward_layer.reset_states(states[:half])
        self.backward_layer.reset_states(states[half:])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["merge_mode"] = self.merge_mode
        if self._backward_layer_config is not None:
            config["backward_layer"] = self._backward_layer_config
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "Bidirectional":
        from torchkeras.layers import deserialize  # late: the package defines it after importing this module
        config = copy.deepcopy(config)
        config.pop("num_constants", None)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize(backward, custom_objects=custom_objects)
        return cls(layer, **config)


# -------------------------------------------------------------------- TimeDistributed
class TimeDistributed(Wrapper):
    """Applies ``layer`` to every time step: inputs (batch, steps, ...) are reshaped to
    (batch * steps, ...) for one call of the inner layer.

    >>> TimeDistributed(Dense(8))(np.ones((2, 5, 3))).shape
    torch.Size([2, 5, 8])
    """

    _hides_child_scope = True  # Keras 2 names the inner weights 'time_distributed/kernel:0'


    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `TimeDistributed` layer with a "
                             f"`tf.keras.layers.Layer` instance. Received: {layer}")
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        if len(shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape ` with "
                             f"at least 3 dimensions, received: {shape}")
        self.input_spec = InputSpec(shape=(None, None) + shape[2:])
        self.layer._maybe_build((None,) + shape[2:])
        super().build(input_shape)

    def compute_output_shape(self, input_shape: Any) -> Tuple[Optional[int], ...]:
        shape = tuple(input_shape)
        child = tuple(self.layer.compute_output_shape((None,) + shape[2:]))
        return (shape[0], shape[1]) + child[1:]

    def call(self, inputs: torch.Tensor, training: Any = None, mask: Any = None) -> torch.Tensor:
        batch, steps = inputs.shape[0], inputs.shape[1]
        inner_mask = mask.reshape((batch * steps,) + tuple(mask.shape[2:])) \
            if mask is not None else None
        outputs = _call_layer(self.layer, inputs.reshape((batch * steps,) + inputs.shape[2:]),
                              training, inner_mask)  # (batch * steps, ...)
        return outputs.reshape((batch, steps) + tuple(outputs.shape[1:]))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        inputs = torch.as_tensor(inputs)
        batch, steps = inputs.shape[0], inputs.shape[1]
        inner_mask = mask.reshape((batch * steps,) + tuple(mask.shape[2:])) \
            if mask is not None else None
        output_mask = self.layer.compute_mask(
            inputs.reshape((batch * steps,) + inputs.shape[2:]), inner_mask)
        if output_mask is None:
            return mask
        return output_mask.reshape((batch, steps) + tuple(output_mask.shape[1:]))
