"""Convolutional LSTM: ``ConvLSTM1D``, ``ConvLSTM2D``, ``ConvLSTM3D`` (Keras 2 numbers).

An LSTM whose input and recurrent transformations are convolutions (Shi et al., 2015).
Keras outside: inputs ``(batch, time, *spatial, channels)`` (channels_last), weights seen as
kernel ``(*k, in, 4f)``, recurrent_kernel ``(*k, f, 4f)``, bias ``(4f,)``, gates i, f, c, o,
and the weights named ``conv_lstm2d/kernel:0`` as in tf-keras. Torch inside: both kernels are
stored ``(4f, in, *k)`` (the conv weight layout, :func:`~torchkeras.layers.conv.kernel_layout`),
the input convolution of ALL time steps runs as one batched conv before the loop, and only the
recurrent conv (stride 1, TF 'same' padding) runs per step. Channels_last tensors reach
``F.conv*d`` as permuted views (no copies). Dropout masks (four per sequence, one per gate, as
Keras) are applied with one grouped convolution.

Keras 2 vs Keras 3: the default ``recurrent_activation`` is ``'hard_sigmoid'`` in Keras 2
(``clip(0.2x + 0.5, 0, 1)``) and ``'sigmoid'`` in Keras 3; torchkeras follows Keras 2. Keras 3's
``seed`` argument is accepted.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch

from torchkeras import activations, regularizers
from torchkeras.layers import conv_utils
from torchkeras.layers.conv import CONV_FUNCTIONS, kernel_layout
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.lstm import _UnitForgetBias
from torchkeras.layers.rnn import (RNN, RNNCellBase, States, clip_rate, torch_activation,
                                   weight_arguments_config)
from torchkeras.backend import nest

__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]

Shape = Tuple[Optional[int], ...]


class ConvLSTMCell(RNNCellBase):
    """One ConvLSTM step (tf-keras ``ConvLSTMCell``); states ``[h, c]`` of shape
    ``(batch, *out_spatial, filters)`` (channels_last)."""

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: Optional[int] = None, **kwargs: Any):
        super().__init__(**kwargs)
        if rank > 3:
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. "
                             f"Received: rank={rank}")
        self.rank = rank
        self.filters = filters
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self._set_weight_arguments(kernel_initializer, recurrent_initializer, bias_initializer,
                                   kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                   kernel_constraint, recurrent_constraint, bias_constraint)
        self.unit_forget_bias = unit_forget_bias
        self.dropout = clip_rate(dropout)
        self.recurrent_dropout = clip_rate(recurrent_dropout)
        self.seed = seed
        self.state_size = (self.filters, self.filters)

    # ---------------------------------------------------------------- shapes
    @property
    def channel_axis(self) -> int:
        """The channel axis of a step ``(batch, *spatial, C)`` or sequence tensor, from the
        end (so it is the same for both)."""
        return -1 if self.data_format == "channels_last" else -self.rank - 1

    def state_shape(self, step_shape: Sequence[Optional[int]]) -> Shape:
        """``(batch, *out_spatial, filters)`` (or channels_first) for a step input shape."""
        spatial = conv_utils.spatial_dims(step_shape, self.rank, self.data_format)
        out = [conv_utils.conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
               zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]
        return conv_utils.with_spatial(step_shape, out, self.filters, self.data_format)

    # ----------------------------------------------------------------- build
    def build(self, input_shape: Any) -> None:
        input_shape = tuple(input_shape)
        axis = 1 if self.data_format == "channels_first" else -1
        if input_shape[axis] is None:
            raise ValueError("The channel dimension of the inputs (last axis) should be "
                             "defined. Found None. Full input shape received: "
                             f"input_shape={input_shape}")
        input_dim = int(input_shape[axis])
        f = self.filters
        layout = kernel_layout(self.rank)  # Keras (*k, in, 4f) <-> torch (4f, in, *k)
        self.kernel = self.add_weight("kernel", self.kernel_size + (input_dim, 4 * f),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, layout=layout)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", self.kernel_size + (f, 4 * f),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint,
                                                layout=layout)
        if self.use_bias:
            init = _UnitForgetBias(self.bias_initializer, f) if self.unit_forget_bias \
                else self.bias_initializer
            self.bias = self.add_weight("bias", (4 * f,), initializer=init,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        else:
            self.bias = None
        super().build(input_shape)

    # ------------------------------------------------------------------ call
    def _conv(self, x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor],
              strides: Tuple[int, ...], padding: str, dilation: Tuple[int, ...],
              groups: int) -> torch.Tensor:
        """Convolve a Keras-layout ``(n, *spatial, C)`` tensor (a channels_first view for
        the torch kernel); returns ``(n, *out_spatial, C_out)``."""
        x = conv_utils.to_channels_first(x, self.data_format)  # (n, C, *spatial)
        pads = conv_utils.spatial_padding(x.shape[2:], self.kernel_size, strides, dilation,
                                          padding)
        spec, symmetric = conv_utils.torch_padding(pads)
        y = CONV_FUNCTIONS[self.rank](conv_utils.pad_spatial(x, spec), weight, bias, strides,
                                      symmetric, dilation, groups)
        return conv_utils.from_channels_first(y, self.data_format)

    def _per_gate(self, x: torch.Tensor, masks: Optional[List[torch.Tensor]]
                  ) -> Tuple[torch.Tensor, int]:
        """``x`` repeated once per gate with that gate's dropout mask, along the channel
        axis, for one grouped conv (groups=4); ``x`` itself without masks."""
        if masks is None:
            return x, 1
        if x.dim() == masks[0].dim() + 1:  # a sequence: the same mask at every step
            masks = [m.unsqueeze(1) for m in masks]
        return torch.cat([x * m for m in masks], dim=self.channel_axis), 4

    def project_inputs(self, inputs: torch.Tensor, training: Any = None) -> torch.Tensor:
        """Input convolution of one step ``(batch, *spatial, C)`` or of a whole sequence
        ``(batch, steps, *spatial, C)`` -> ``(..., *out_spatial, 4f)`` (bias included)."""
        sequence = inputs.dim() == self.rank + 3
        sample = inputs[:, 0] if sequence else inputs  # (batch, *spatial, C)
        masks = None
        if training and 0 < self.dropout < 1:
            masks = self.get_dropout_mask_for_cell(sample, training, count=4)
        x, groups = self._per_gate(inputs, masks)
        lead = x.shape[:2] if sequence else x.shape[:1]
        x = x.reshape((-1,) + tuple(x.shape[len(lead):]))  # (batch*steps, *spatial, C)
        z = self._conv(x, self.kernel, self.bias, self.strides, self.padding,
                       self.dilation_rate, groups)
        return z.reshape(tuple(lead) + tuple(z.shape[1:]))

    def step(self, projected: torch.Tensor, states: States,
             training: Any = None) -> Tuple[torch.Tensor, States]:
        h_tm1, c_tm1 = states[0], states[1]  # (batch, *out_spatial, f)
        masks = None
        if training and 0 < self.recurrent_dropout < 1:
            masks = self.get_recurrent_dropout_mask_for_cell(h_tm1, training, count=4)
        h_in, groups = self._per_gate(h_tm1, masks)
        ones = (1,) * self.rank
        z = projected + self._conv(h_in, self.recurrent_kernel, None, ones, "same", ones,
                                   groups)  # (batch, *out_spatial, 4f)
        z_i, z_f, z_c, z_o = z.chunk(4, dim=self.channel_axis)
        gate = torch_activation(self.recurrent_activation)
        act = torch_activation(self.activation)
        c = gate(z_f) * c_tm1 + gate(z_i) * act(z_c)
        h = gate(z_o) * act(c)
        return h, [h, c]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(_conv_lstm_config(self))
        return config


def _conv_lstm_config(cell: ConvLSTMCell) -> Dict[str, Any]:
    return {
        "filters": cell.filters,
        "kernel_size": cell.kernel_size,
        "strides": cell.strides,
        "padding": cell.padding,
        "data_format": cell.data_format,
        "dilation_rate": cell.dilation_rate,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
        **weight_arguments_config(cell),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


_CELL_ARGUMENTS = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
    "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout")


class ConvLSTM(RNN):
    """Base of the N-D convolutional LSTM layers (tf-keras ``ConvLSTM``); not exported."""

    # Keras 2 names the cell's weights in the layer's scope: 'conv_lstm2d/kernel:0'.
    _hides_child_scope = True

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: Optional[int] = None, **kwargs: Any):
        if kwargs.get("unroll"):
            raise TypeError("Unrolling is not possible with convolutional RNNs. "
                            f"Received: unroll={kwargs['unroll']}")
        cell = ConvLSTMCell(
            rank, filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="conv_lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.input_spec = InputSpec(ndim=rank + 3)
        self._state_shape: Optional[Shape] = None  # per sample, known once built

    # ------------------------------------------------------------------ shapes
    def build(self, input_shape: Any) -> None:
        shape = self._main_shape(input_shape)
        super().build(input_shape)
        self._state_shape = self.cell.state_shape((None,) + shape[2:])[1:]
        batch = shape[0] if self.stateful else None
        self.input_spec = InputSpec(shape=(batch, None) + tuple(shape[2:self.rank + 3]))

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = self._main_shape(input_shape)
        if self.time_major:
            shape = (shape[1], shape[0]) + tuple(shape[2:])
        state = self.cell.state_shape((shape[0],) + tuple(shape[2:]))  # (batch, *out, f)
        if self.return_sequences:
            output = (state[0], shape[1]) + tuple(state[1:])
            if self.time_major:
                output = (output[1], output[0]) + tuple(output[2:])
        else:
            output = state
        if self.return_state:
            return [output, state, state]
        return output

    # ------------------------------------------------------------------ states
    def get_initial_state(self, inputs: torch.Tensor) -> States:
        """Zeros shaped as the input convolution's output (tf-keras convolves zeros)."""
        if self.time_major:
            inputs = inputs.transpose(0, 1)
        shape = self.cell.state_shape((inputs.shape[0],) + tuple(inputs.shape[2:]))
        zeros = torch.zeros(shape, dtype=inputs.dtype, device=inputs.device)
        return [zeros, zeros.clone()]

    def _initial_states(self, inputs: torch.Tensor, initial_state: Any) -> States:
        if initial_state is None and self.stateful:
            batch = inputs.shape[1] if self.time_major else inputs.shape[0]
            if self._states is None or self._states[0].shape[0] != batch:
                self._states = self.get_initial_state(inputs)
        return super()._initial_states(inputs, initial_state)

    def reset_states(self, states: Any = None) -> None:
        """Zero the recorded states of a stateful layer (or set them to ``states``)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        batch = self._stateful_batch
        if batch is None and self._states is not None:
            batch = int(self._states[0].shape[0])
        if batch is None or self._state_shape is None or None in self._state_shape:
            raise ValueError(
                "If a RNN is stateful, it needs to know its batch size. Specify the batch "
                "size of your input tensors: \n- If using a Sequential model, specify the "
                "batch size by passing a `batch_input_shape` argument to your first layer.\n"
                "- If using the functional API, specify the time dimension by passing a "
                "`batch_shape` argument to your Input layer.\nThe same thing goes for the "
                "number of rows and columns.")
        expected = (batch,) + tuple(self._state_shape)
        device, dtype = self._input_device(), torch.get_default_dtype()
        if states is None:
            self._states = [torch.zeros(expected, device=device, dtype=dtype)
                            for _ in range(2)]
            return
        values = nest.flatten(states)
        if len(values) != 2:
            raise ValueError(f"Layer {self.name} expects 2 states, but it received "
                             f"{len(values)} state values. States received: {states}")
        new = []
        for index, value in enumerate(values):
            tensor = torch.as_tensor(value, dtype=dtype, device=device)
            if tuple(tensor.shape) != expected:
                raise ValueError(f"State {index} is incompatible with layer {self.name}: "
                                 f"expected shape={expected}, found shape="
                                 f"{tuple(tensor.shape)}")
            new.append(tensor.clone())
        self._states = new

    # ------------------------------------------------------------------ config
    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        del config["cell"]
        config.pop("activity_regularizer", None)
        for key, value in _conv_lstm_config(self.cell).items():
            config[key] = value
            if key == "bias_regularizer":  # Keras 2's key order
                config["activity_regularizer"] = regularizers.serialize(
                    self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "ConvLSTM":
        return cls(**config)


for _name in _CELL_ARGUMENTS:  # Keras's read-only attributes forwarded to the cell
    setattr(ConvLSTM, _name, property(lambda self, n=_name: getattr(self.cell, n)))


class ConvLSTM1D(ConvLSTM):
    """1-D convolutional LSTM over ``(batch, time, steps, channels)``.

    >>> ConvLSTM1D(4, 3)(np.ones((2, 5, 8, 3))).shape
    torch.Size([2, 6, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", **kwargs: Any):
        super().__init__(1, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, recurrent_activation=recurrent_activation,
                         **kwargs)


class ConvLSTM2D(ConvLSTM):
    """2-D convolutional LSTM over ``(batch, time, rows, cols, channels)``; kernel
    ``(kh, kw, in, 4*filters)``, recurrent_kernel ``(kh, kw, filters, 4*filters)``.

    >>> ConvLSTM2D(4, 3, padding="same", return_sequences=True)(
    ...     np.ones((2, 5, 8, 8, 3))).shape
    torch.Size([2, 5, 8, 8, 4])
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = (1, 1), activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", **kwargs: Any):
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, recurrent_activation=recurrent_activation,
                         **kwargs)


class ConvLSTM3D(ConvLSTM):
    """3-D convolutional LSTM over ``(batch, time, d1, d2, d3, channels)``."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: Optional[str] = None,
                 dilation_rate: Any = (1, 1, 1), activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", **kwargs: Any):
        super().__init__(3, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, recurrent_activation=recurrent_activation,
                         **kwargs)
