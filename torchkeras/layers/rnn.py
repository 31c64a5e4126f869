"""The generic recurrent layer ``RNN(cell)``, ``StackedRNNCells`` and the per-step loop.

A cell is anything with ``state_size`` and ``call(inputs, states) -> (output, new_states)``
(Keras's contract; user-defined cells work unchanged). :class:`RNN` runs the cell over the
time axis with Keras 2's semantics (``backend.rnn``): at a masked step the states are carried
and the previous output is repeated (zeros with ``zero_output_for_mask``); ``go_backwards``
processes the reversed sequence and returns outputs in processing order.

The built-in cells (:mod:`~torchkeras.layers.lstm`, ``gru``, ``simple_rnn``) derive from
:class:`RNNCellBase`: their input projection for all time steps is one matmul
(:meth:`RNNCellBase.project_inputs`) and only the recurrent part runs per step. Their layers
(``LSTM``, ``GRU``, ``SimpleRNN``) bypass this loop for torch's fused kernels where the
configuration allows (see ``_run_fused`` in those modules).
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch

from torchkeras import activations, backend, constraints, initializers, regularizers
from torchkeras.layers.base import Layer, _call_parameters
from torchkeras.layers.input_spec import InputSpec, assert_input_compatibility
from torchkeras.registry.serialization import serialize_keras_object
from torchkeras.backend import nest

__all__ = ["AbstractRNNCell", "RNN", "StackedRNNCells"]

Shape = Tuple[Optional[int], ...]
States = List[torch.Tensor]


# --------------------------------------------------------------------------- helpers
def torch_activation(fn: Any) -> Any:
    """The plain torch function for a built-in Keras activation (no logits bookkeeping in the
    per-step loop); ``fn`` itself otherwise."""
    return {activations.tanh: torch.tanh, activations.sigmoid: torch.sigmoid,
            activations.relu: torch.relu, activations.linear: _identity}.get(fn, fn)


def _identity(x: torch.Tensor) -> torch.Tensor:
    return x


def is_multiple_state(state_size: Any) -> bool:
    """Keras's rule: a list/tuple ``state_size`` means one entry per state."""
    return isinstance(state_size, (list, tuple))


def flat_state_shapes(cell: Any) -> List[Tuple[int, ...]]:
    """Per-sample shape of each state of ``cell`` (flat, in Keras's state order)."""
    if isinstance(cell, StackedRNNCells):
        return [shape for inner in cell.cells for shape in flat_state_shapes(inner)]
    sizes = cell.state_size if is_multiple_state(cell.state_size) else [cell.state_size]
    return [(int(size),) if isinstance(size, int) or hasattr(size, "__index__")
            else tuple(int(d) for d in size) for size in sizes]


def _as_list(states: Any) -> States:
    return list(states) if isinstance(states, (list, tuple)) else [states]


def _masked(flag: torch.Tensor, new: torch.Tensor, old: torch.Tensor) -> torch.Tensor:
    """``new`` where the step's mask ``flag`` (batch,) is set, else ``old``."""
    return torch.where(flag.view((-1,) + (1,) * (new.dim() - 1)), new, old)


class DropoutRNNCellMixin:
    """Dropout masks drawn once per sequence and reused at every step (as Keras's mixin).

    ``dropout`` applies to the cell inputs, ``recurrent_dropout`` to the previous output.
    The RNN layer calls :meth:`reset_dropout_mask` before each sequence.
    """

    dropout: float = 0.0
    recurrent_dropout: float = 0.0

    def reset_dropout_mask(self) -> None:
        self._dropout_mask_cache = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask_cache = None

    @staticmethod
    def _draw_mask(like: torch.Tensor, rate: float) -> torch.Tensor:
        keep = torch.rand(like.shape, device=like.device) >= rate
        return keep.to(like.dtype) / (1.0 - rate)  # (batch, features): 0 or 1/(1-rate)

    def get_dropout_mask_for_cell(self, inputs: torch.Tensor, training: Any,
                                  count: int = 1) -> Any:
        """The input dropout mask (a list when ``count > 1``), or ``None`` when inactive."""
        if not training or not 0 < self.dropout < 1:
            return None
        if getattr(self, "_dropout_mask_cache", None) is None:
            self._dropout_mask_cache = [self._draw_mask(inputs, self.dropout)
                                        for _ in range(count)]
        masks = self._dropout_mask_cache
        return masks[0] if count == 1 else masks

    def get_recurrent_dropout_mask_for_cell(self, inputs: torch.Tensor, training: Any,
                                            count: int = 1) -> Any:
        if not training or not 0 < self.recurrent_dropout < 1:
            return None
        if getattr(self, "_recurrent_dropout_mask_cache", None) is None:
            self._recurrent_dropout_mask_cache = [
                self._draw_mask(inputs, self.recurrent_dropout) for _ in range(count)]
        masks = self._recurrent_dropout_mask_cache
        return masks[0] if count == 1 else masks


class AbstractRNNCell(Layer):
    """Base class for user cells: define ``state_size``, ``output_size`` and
    ``call(inputs, states)``."""

    @property
    def state_size(self) -> Any:
        raise NotImplementedError

    @property
    def output_size(self) -> Any:
        raise NotImplementedError

    def get_initial_state(self, inputs: Any = None, batch_size: Optional[int] = None,
                          dtype: Any = None) -> Any:
        return zero_states(self, batch_size, dtype)


def zero_states(cell: Any, batch_size: int, dtype: Any = None,
                device: Optional[torch.device] = None) -> Any:
    """Zero states of ``cell`` for ``batch_size`` samples, a list or one tensor as
    ``state_size`` is a list or not."""
    torch_dtype = dtype if isinstance(dtype, torch.dtype) else backend.torch_dtype(dtype)
    device = device or backend.get_device()
    zeros = [torch.zeros((batch_size,) + shape, dtype=torch_dtype, device=device)
             for shape in flat_state_shapes(cell)]
    return zeros if is_multiple_state(cell.state_size) or isinstance(
        cell, StackedRNNCells) else zeros[0]


class RNNCellBase(DropoutRNNCellMixin, Layer):
    """Built-in cells: the input projection is separable from the recurrent step.

    ``project_inputs(x)`` maps inputs of shape ``(..., features)`` (one step or a whole
    sequence) to the gate pre-activations; ``step(projected, states)`` does the rest.
    ``call(inputs, states)`` is both, for one step (Keras's cell contract).
    """

    def _set_weight_arguments(self, kernel_initializer: Any, recurrent_initializer: Any,
                              bias_initializer: Any, kernel_regularizer: Any,
                              recurrent_regularizer: Any, bias_regularizer: Any,
                              kernel_constraint: Any, recurrent_constraint: Any,
                              bias_constraint: Any) -> None:
        """Resolve the initializer/regularizer/constraint of the kernel, recurrent kernel
        and bias (the nine arguments every Keras cell takes)."""
        arguments = locals()
        for role in WEIGHT_ROLES:
            for kind, module in (("initializer", initializers), ("regularizer", regularizers),
                                 ("constraint", constraints)):
                name = f"{role}_{kind}"
                setattr(self, name, module.get(arguments[name]))

    def _add_dense_weights(self, input_dim: int, gates: int,
                           bias_shape: Optional[Tuple[int, ...]] = None,
                           bias_initializer: Any = None) -> None:
        """``kernel (input_dim, gates*units)``, ``recurrent_kernel (units, gates*units)`` and
        (with ``use_bias``) ``bias`` in Keras's layout."""
        width = gates * self.units
        self.kernel = self.add_weight("kernel", (input_dim, width),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", bias_shape or (width,),
                                        initializer=bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None

    def project_inputs(self, inputs: torch.Tensor, training: Any = None) -> torch.Tensor:
        raise NotImplementedError

    def step(self, projected: torch.Tensor, states: States,
             training: Any = None) -> Tuple[torch.Tensor, States]:
        raise NotImplementedError

    def _input_dropout(self, inputs: torch.Tensor, training: Any) -> torch.Tensor:
        """Inputs times the per-sequence dropout mask (same mask at every step)."""
        if not training or not 0 < self.dropout < 1:
            return inputs
        sample = inputs if inputs.dim() == 2 else inputs[:, 0]  # (batch, features)
        mask = self.get_dropout_mask_for_cell(sample, training)
        return inputs * (mask if inputs.dim() == 2 else mask.unsqueeze(1))

    def _recurrent_dropout(self, h: torch.Tensor, training: Any) -> torch.Tensor:
        mask = self.get_recurrent_dropout_mask_for_cell(h, training)
        return h if mask is None else h * mask

    def call(self, inputs: torch.Tensor, states: Any,
             training: Any = None) -> Tuple[torch.Tensor, Any]:
        nested = isinstance(states, (list, tuple))
        output, new_states = self.step(self.project_inputs(inputs, training), _as_list(states),
                                       training)
        return output, (new_states if nested or len(new_states) > 1 else new_states[0])

    def get_initial_state(self, inputs: Any = None, batch_size: Optional[int] = None,
                          dtype: Any = None) -> Any:
        return zero_states(self, batch_size, dtype, self._input_device())


WEIGHT_ROLES = ("kernel", "recurrent", "bias")


def weight_arguments_config(cell: Any) -> Dict[str, Any]:
    """The cell's initializers (then ``unit_forget_bias`` for LSTM-like cells),
    regularizers and constraints, in Keras's config order."""
    config = {f"{role}_initializer": initializers.serialize(
        getattr(cell, f"{role}_initializer")) for role in WEIGHT_ROLES}
    if hasattr(cell, "unit_forget_bias"):
        config["unit_forget_bias"] = cell.unit_forget_bias
    for kind, module in (("regularizer", regularizers), ("constraint", constraints)):
        for role in WEIGHT_ROLES:
            config[f"{role}_{kind}"] = module.serialize(getattr(cell, f"{role}_{kind}"))
    return config


def validate_units(units: Any) -> int:
    if not isinstance(units, int) or units <= 0:
        raise ValueError("Received an invalid value for argument `units`, expected a positive "
                         f"integer, got {units}.")
    return units


def clip_rate(rate: float) -> float:
    return min(1.0, max(0.0, float(rate)))


# -------------------------------------------------------------------------- stacked
class StackedRNNCells(Layer):
    """Several cells run as one: each step feeds the output of cell ``i`` to cell ``i+1``."""

    def __init__(self, cells: Sequence[Any], **kwargs: Any):
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError("All cells must have a `call` method. "
                                 f"Received cell without a `call` method: {cell}")
            if "state_size" not in dir(cell):
                raise ValueError("All cells must have a `state_size` attribute. "
                                 f"Received cell without a `state_size`: {cell}")
        super().__init__(**kwargs)
        self.cells = torch.nn.ModuleList(cells) if all(
            isinstance(c, torch.nn.Module) for c in cells) else list(cells)

    @property
    def state_size(self) -> tuple:
        return tuple(c.state_size for c in self.cells)

    @property
    def output_size(self) -> Any:
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        return last.state_size[0] if is_multiple_state(last.state_size) else last.state_size

    def get_initial_state(self, inputs: Any = None, batch_size: Optional[int] = None,
                          dtype: Any = None) -> list:
        return [zero_states(c, batch_size, dtype, self._input_device()) for c in self.cells]

    def build(self, input_shape: Any) -> None:
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(input_shape)
            output_dim = getattr(cell, "output_size", None)
            if output_dim is None:
                output_dim = flat_state_shapes(cell)[0][-1]
            if isinstance(output_dim, (list, tuple)):
                output_dim = output_dim[-1]
            input_shape = tuple(input_shape[:-1]) + (int(output_dim),)
        super().build(input_shape)

    def call(self, inputs: torch.Tensor, states: Any, training: Any = None) -> Tuple[Any, list]:
        flat = nest.flatten(states)
        new_nested, offset = [], 0
        for cell in self.cells:
            count = len(flat_state_shapes(cell))
            cell_states = flat[offset:offset + count]
            offset += count
            inputs, new = call_cell(cell, inputs, cell_states, training)  # states: a list
            new_nested.append(new)
        return inputs, new_nested

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["cells"] = [serialize_keras_object(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "StackedRNNCells":
        from torchkeras.layers import deserialize  # late: the package defines it after importing this module
        config = dict(config)
        cells = [deserialize(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def call_cell(cell: Any, inputs: torch.Tensor, states: Any, training: Any) -> Tuple[Any, Any]:
    """``cell.call(inputs, states[, training])`` (built layers are called directly, as the
    engine's fast path does)."""
    call = cell.call
    accepts_training = _call_parameters(type(cell))[0] if isinstance(cell, Layer) else \
        "training" in inspect.signature(call).parameters
    if accepts_training:
        return call(inputs, states, training=training)
    return call(inputs, states)


# ----------------------------------------------------------------------------- RNN
class RNN(Layer):
    """Runs a cell over the time axis: ``RNN(LSTMCell(8))``, ``RNN([cell_a, cell_b])``.

    Inputs ``(batch, steps, features)`` (``(steps, batch, ...)`` with ``time_major``).
    Output ``(batch, units)`` or, with ``return_sequences``, ``(batch, steps, units)``;
    ``return_state`` appends the final states.
    """

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 time_major: bool = False, zero_output_for_mask: bool = False,
                 **kwargs: Any):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError("Argument `cell` should have a `call` method. "
                             f"The RNN was passed: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError("The RNN cell should have a `state_size` attribute (tuple of "
                             "integers, one integer per RNN state). "
                             f"Received: cell={cell}")
        input_length = kwargs.pop("input_length", None)
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs and (
                "input_dim" in kwargs or input_length is not None):
            kwargs["input_shape"] = (input_length, kwargs.pop("input_dim", None))
        kwargs.pop("num_constants", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.time_major = bool(time_major)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=3)
        self._states: Optional[States] = None
        self._stateful_batch: Optional[int] = None

    # ------------------------------------------------------------------ shapes
    @staticmethod
    def _main_shape(input_shape: Any) -> Shape:
        if isinstance(input_shape, (list, tuple)) and input_shape and \
                isinstance(input_shape[0], (list, tuple)):
            return tuple(input_shape[0])
        return tuple(input_shape)

    def _check_input_spec(self, flat_shapes: List[Shape]) -> None:
        if self.input_spec is not None and flat_shapes:  # initial states are not checked
            assert_input_compatibility(self.input_spec, flat_shapes[:1], self.name)

    def build(self, input_shape: Any) -> None:
        shape = self._main_shape(input_shape)
        self._check_input_spec([shape])  # before the cell is built for a bad shape
        batch = shape[1] if self.time_major else shape[0]
        step_shape = (batch,) + tuple(shape[2:])  # (batch, features...)
        if isinstance(self.cell, Layer):
            if not self.cell.built:
                self.cell._maybe_build(step_shape)
        elif hasattr(self.cell, "build"):
            self.cell.build(step_shape)
        if self.stateful and batch is not None:
            self._stateful_batch = int(batch)
        super().build(input_shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = self._main_shape(input_shape)
        batch, steps = (shape[1], shape[0]) if self.time_major else (shape[0], shape[1])
        output_size = getattr(self.cell, "output_size", None)
        state_shapes = flat_state_shapes(self.cell)
        if output_size is None:
            output_dim = state_shapes[0]
        else:
            output_dim = (int(output_size),) if isinstance(output_size, int) \
                else tuple(output_size)
        if self.return_sequences:
            output = ((steps, batch) if self.time_major else (batch, steps)) + output_dim
        else:
            output = (batch,) + output_dim
        if self.return_state:
            return [output] + [(batch,) + s for s in state_shapes]
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(flat_state_shapes(self.cell))
        return output_mask

    # ------------------------------------------------------------------ states
    @property
    def states(self) -> list:
        if self._states is None:
            return [None] * len(flat_state_shapes(self.cell))
        return list(self._states)

    @states.setter
    def states(self, values: Any) -> None:
        self._states = None if values is None else _as_list(values)

    def reset_states(self, states: Any = None) -> None:
        """Zero the recorded states of a stateful layer (or set them to ``states``)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        batch = self._stateful_batch
        if batch is None and self._states is not None:
            batch = int(self._states[0].shape[0])
        if batch is None:
            raise ValueError(
                "If a RNN is stateful, it needs to know its batch size. Specify the batch "
                "size of your input tensors: \n- If using a Sequential model, specify the "
                "batch size by passing a `batch_input_shape` argument to your first layer.\n"
                "- If using the functional API, specify the batch size by passing a "
                "`batch_shape` argument to your Input layer.")
        shapes = flat_state_shapes(self.cell)
        device, dtype = self._input_device(), torch.get_default_dtype()
        if states is None:
            self._states = [torch.zeros((batch,) + s, device=device, dtype=dtype)
                            for s in shapes]
            return
        values = nest.flatten(states)
        if len(values) != len(shapes):
            raise ValueError(f"Layer {self.name} expects {len(shapes)} states, but it received "
                             f"{len(values)} state values. States received: {states}")
        new = []
        for i, (value, shape) in enumerate(zip(values, shapes)):
            tensor = torch.as_tensor(value, dtype=dtype, device=device)
            if tuple(tensor.shape) != (batch,) + shape:
                raise ValueError(f"State {i} is incompatible with layer {self.name}: expected "
                                 f"shape={(batch,) + shape} but found shape="
                                 f"{tuple(tensor.shape)}")
            new.append(tensor.clone())
        self._states = new

    def get_initial_state(self, inputs: torch.Tensor) -> States:
        """Zero states for ``inputs`` (or the cell's own ``get_initial_state``)."""
        batch = inputs.shape[1] if self.time_major else inputs.shape[0]
        initial = getattr(self.cell, "get_initial_state", None)
        if initial is not None:
            states = initial(inputs=None, batch_size=batch, dtype=inputs.dtype)
            return [s.to(inputs.device) for s in nest.flatten(states)]
        return [torch.zeros((batch,) + s, dtype=inputs.dtype, device=inputs.device)
                for s in flat_state_shapes(self.cell)]

    def _initial_states(self, inputs: torch.Tensor, initial_state: Any) -> States:
        count = len(flat_state_shapes(self.cell))
        if initial_state is not None:
            states = [torch.as_tensor(s, dtype=inputs.dtype, device=inputs.device)
                      for s in nest.flatten(initial_state)]
        elif self.stateful:
            batch = inputs.shape[1] if self.time_major else inputs.shape[0]
            if self._states is None or self._states[0].shape[0] != batch:
                if self._stateful_batch is None:
                    self._stateful_batch = int(batch)
                self._states = [torch.zeros((batch,) + s, dtype=inputs.dtype,
                                            device=inputs.device)
                                for s in flat_state_shapes(self.cell)]
            states = [s.to(inputs.dtype) for s in self._states]
        else:
            states = self.get_initial_state(inputs)
        if len(states) != count:
            raise ValueError(f"Layer has {count} states but was passed {len(states)} initial "
                             f"states. Received: initial_state={initial_state}")
        return states

    # -------------------------------------------------------------------- call
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Keras 2 also takes the initial state as extra inputs: layer([x, h, c]).
        for key in ("initial_state", "constants"):
            if key in kwargs and kwargs[key] is None:
                del kwargs[key]
        return super().__call__(*args, **kwargs)

    @staticmethod
    def _split_inputs(inputs: Any, initial_state: Any) -> Tuple[torch.Tensor, Any]:
        if isinstance(inputs, (list, tuple)):
            if len(inputs) > 1 and initial_state is None:
                initial_state = list(inputs[1:])
            inputs = inputs[0]
        return inputs, initial_state

    def call(self, inputs: Any, mask: Any = None, training: Any = None,
             initial_state: Any = None, constants: Any = None) -> Any:
        if constants is not None:
            raise ValueError(f"RNN cell {self.cell} does not support constants. "
                             f"Received: constants={constants}")
        inputs, initial_state = self._split_inputs(inputs, initial_state)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        states = self._initial_states(inputs, initial_state)
        if self.time_major:
            inputs = inputs.transpose(0, 1)  # (batch, steps, ...)
            if mask is not None and mask.shape[0] != inputs.shape[0]:
                mask = mask.transpose(0, 1)
        if mask is not None:
            mask = mask.to(device=inputs.device, dtype=torch.bool)  # (batch, steps)
        last, sequence, new_states = self._run(inputs, states, mask, training)
        if self.stateful:
            self._states = [s.detach() for s in new_states]
        if self.return_sequences:
            output = sequence.transpose(0, 1) if self.time_major else sequence
        else:
            output = last
        if self.return_state:
            return [output] + list(new_states)
        return output

    def _run(self, inputs: torch.Tensor, states: States, mask: Optional[torch.Tensor],
             training: Any) -> Tuple[torch.Tensor, Optional[torch.Tensor], States]:
        """The per-step loop: (last output, all outputs or None, final states)."""
        return run_cell_loop(self.cell, inputs, states, mask, training, self.go_backwards,
                             self.zero_output_for_mask, self.return_sequences)

    # ------------------------------------------------------------------ config
    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"return_sequences": self.return_sequences,
                       "return_state": self.return_state,
                       "go_backwards": self.go_backwards,
                       "stateful": self.stateful,
                       "unroll": self.unroll,
                       "time_major": self.time_major})
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = True
        config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "RNN":
        from torchkeras.layers import deserialize  # late: the package defines it after importing this module
        config = dict(config)
        cell = deserialize(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


class FusedRNNMixin:
    """Shared by LSTM, GRU and SimpleRNN: run torch's fused kernel when the configuration
    and the mask allow, else the per-step loop of :class:`RNN`."""

    def _fusable(self, mask: Optional[torch.Tensor], training: Any) -> bool:
        cell = self.cell
        if cell.recurrent_dropout > 0 and training:
            return False
        if not self._fusable_config():
            return False
        # A mask that keeps every step changes nothing. Reading it is one host read per
        # call (not per step); partial masks take the per-step loop.
        return mask is None or bool(mask.all())

    def _run(self, inputs: torch.Tensor, states: States, mask: Optional[torch.Tensor],
             training: Any) -> Tuple[torch.Tensor, Optional[torch.Tensor], States]:
        if self._fusable(mask, training):
            self.cell.reset_dropout_mask()
            if self.go_backwards:
                inputs = inputs.flip(1)
            inputs = self.cell._input_dropout(inputs, training)
            return self._run_fused(inputs, states)
        return super()._run(inputs, states, mask, training)


def delegate_to_cell(layer_cls: type, names: Tuple[str, ...]) -> None:
    """Read-only properties forwarding Keras's layer attributes to the cell."""
    for name in names:
        setattr(layer_cls, name, property(lambda self, n=name: getattr(self.cell, n)))


CELL_ATTRIBUTES = ("units", "activation", "use_bias", "kernel_initializer",
                   "recurrent_initializer", "bias_initializer", "kernel_regularizer",
                   "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                   "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
                   "implementation")


def _reset_dropout_masks(cell: Any) -> None:
    cells = list(cell.cells) if isinstance(cell, StackedRNNCells) else [cell]
    for inner in cells:
        if isinstance(inner, DropoutRNNCellMixin):
            inner.reset_dropout_mask()
            inner.reset_recurrent_dropout_mask()


def run_cell_loop(cell: Any, inputs: torch.Tensor, states: States,
                  mask: Optional[torch.Tensor], training: Any, go_backwards: bool,
                  zero_output_for_mask: bool, return_sequences: bool
                  ) -> Tuple[torch.Tensor, Optional[torch.Tensor], States]:
    """Keras 2's ``backend.rnn`` over batch-major ``inputs`` (batch, steps, ...)."""
    _reset_dropout_masks(cell)
    if go_backwards:
        inputs = inputs.flip(1)
        mask = mask.flip(1) if mask is not None else None
    steps = inputs.shape[1]
    if isinstance(cell, RNNCellBase):  # one matmul for the input projection of all steps
        projected = cell.project_inputs(inputs, training)  # (batch, steps, gates)

        def step(t: int, current: States) -> Tuple[torch.Tensor, States]:
            return cell.step(projected[:, t], current, training)
    else:  # a user cell gets its states as a list, even a single one (as in Keras)
        def step(t: int, current: States) -> Tuple[torch.Tensor, States]:
            output, new = call_cell(cell, inputs[:, t], list(current), training)
            return output, nest.flatten(new)

    outputs: List[torch.Tensor] = []
    previous: Optional[torch.Tensor] = None
    for t in range(steps):
        output, new_states = step(t, states)
        if mask is not None:
            flag = mask[:, t]  # (batch,)
            if previous is None or zero_output_for_mask:
                previous = torch.zeros_like(output)
            output = _masked(flag, output, previous)
            new_states = [_masked(flag, n, s) for n, s in zip(new_states, states)]
        states, previous = list(new_states), output
        if return_sequences:
            outputs.append(output)
    sequence = torch.stack(outputs, 1) if return_sequences else None  # (batch, steps, units)
    return previous, sequence, states
