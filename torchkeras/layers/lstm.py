"""LSTM: ``LSTMCell`` and the ``LSTM`` layer (torch's fused kernel where possible).

Weights are stored in Keras's layout and gate order, the single source of truth that
``get_weights``/``set_weights``/``state_dict`` see: kernel ``(input_dim, 4u)``,
recurrent_kernel ``(u, 4u)``, bias ``(4u)``, gates i, f, c, o. The mapping to torch
(:meth:`LSTMCell.torch_params`) is declared once: torch's gate order i, f, g, o is Keras's,
``weight_ih = kernel.T`` and ``weight_hh = recurrent_kernel.T`` (transposed views, no copy),
``bias_ih = bias`` and ``bias_hh = 0``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import torch

from torchkeras import activations, initializers, regularizers
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.rnn import (CELL_ATTRIBUTES, FusedRNNMixin, RNN, RNNCellBase, States,
                                   clip_rate, delegate_to_cell, torch_activation, validate_units,
                                   weight_arguments_config)

__all__ = ["LSTM", "LSTMCell"]


class _UnitForgetBias(initializers.Initializer):
    """``bias_initializer`` for the i and c, o blocks, ones for the forget block."""

    def __init__(self, base: Any, units: int):
        self.base, self.units = base, units

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
        u = self.units
        parts = [self.base((u,), dtype=dtype), torch.ones(u), self.base((2 * u,), dtype=dtype)]
        return torch.cat([torch.as_tensor(p, dtype=torch.float32) for p in parts])


class LSTMCell(RNNCellBase):
    """One LSTM step (Keras's ``LSTMCell``): ``state_size = [units, units]`` (h, c)."""

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, implementation: int = 2,
                 seed: Optional[int] = None, **kwargs: Any):
        kwargs.pop("enable_caching_device", None)
        super().__init__(**kwargs)
        self.units = validate_units(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self._set_weight_arguments(kernel_initializer, recurrent_initializer, bias_initializer,
                                   kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                   kernel_constraint, recurrent_constraint, bias_constraint)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.dropout = clip_rate(dropout)
        self.recurrent_dropout = clip_rate(recurrent_dropout)
        self.implementation = 1 if self.recurrent_dropout != 0 else int(implementation)
        self.seed = seed
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        init = _UnitForgetBias(self.bias_initializer, self.units) if self.unit_forget_bias \
            else self.bias_initializer
        self._add_dense_weights(input_shape[-1], gates=4, bias_initializer=init)
        super().build(input_shape)

    def torch_params(self) -> List[torch.Tensor]:
        """torch's ``[w_ih, w_hh, b_ih, b_hh]`` (``[w_ih, w_hh]`` without bias): views of the
        Keras-layout weights."""
        params = [self.kernel.t(), self.recurrent_kernel.t()]  # (4u, in), (4u, u)
        if self.use_bias:
            params += [self.bias, torch.zeros_like(self.bias)]
        return params

    def project_inputs(self, inputs: torch.Tensor, training: Any = None) -> torch.Tensor:
        inputs = self._input_dropout(inputs, training)
        z = torch.matmul(inputs, self.kernel)  # (..., 4u)
        return z + self.bias if self.use_bias else z

    def step(self, projected: torch.Tensor, states: States,
             training: Any = None) -> Tuple[torch.Tensor, States]:
        h_tm1, c_tm1 = states[0], states[1]
        z = projected + torch.matmul(self._recurrent_dropout(h_tm1, training),
                                     self.recurrent_kernel)  # (batch, 4u)
        z_i, z_f, z_c, z_o = z.chunk(4, dim=-1)
        gate, act = torch_activation(self.recurrent_activation), torch_activation(
            self.activation)
        c = gate(z_f) * c_tm1 + gate(z_i) * act(z_c)
        h = gate(z_o) * act(c)
        return h, [h, c]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(_lstm_config(self))
        return config


def _lstm_config(cell: LSTMCell) -> Dict[str, Any]:
    return {
        "units": cell.units,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
        **weight_arguments_config(cell),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
        "implementation": cell.implementation,
    }


class LSTM(FusedRNNMixin, RNN):
    """Long Short-Term Memory layer (Hochreiter 1997), Keras's ``LSTM``.

    Runs on ``torch.lstm`` (cuDNN on CUDA) with the default activations, no recurrent
    dropout in training and no partial mask; otherwise per step, as Keras.
    """

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, time_major: bool = False,
                 unroll: bool = False, implementation: int = 2, seed: Optional[int] = None,
                 use_cudnn: Any = "auto", **kwargs: Any):
        kwargs.pop("enable_caching_device", None)
        cell = LSTMCell(units, activation=activation,
                        recurrent_activation=recurrent_activation, use_bias=use_bias,
                        kernel_initializer=kernel_initializer,
                        recurrent_initializer=recurrent_initializer,
                        bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
                        kernel_regularizer=kernel_regularizer,
                        recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint,
                        bias_constraint=bias_constraint, dropout=dropout,
                        recurrent_dropout=recurrent_dropout, implementation=implementation,
                        seed=seed, dtype=kwargs.get("dtype"),
                        trainable=kwargs.get("trainable", True), name="lstm_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, time_major=time_major,
                         unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _fusable_config(self) -> bool:
        cell = self.cell
        return cell.activation is activations.tanh and \
            cell.recurrent_activation is activations.sigmoid

    def _run_fused(self, inputs: torch.Tensor, states: States
                   ) -> Tuple[torch.Tensor, torch.Tensor, States]:
        h0, c0 = states[0].unsqueeze(0), states[1].unsqueeze(0)  # (1, batch, units)
        sequence, h, c = torch.lstm(inputs, (h0, c0), self.cell.torch_params(),
                                    self.cell.use_bias, 1, 0.0, False, False, True)
        return h[0], sequence, [h[0], c[0]]  # sequence: (batch, steps, units)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        del config["cell"]
        config.update(_lstm_config(self.cell))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "LSTM":
        config = dict(config)
        if config.get("implementation") == 0:
            config["implementation"] = 1
        return cls(**config)


delegate_to_cell(LSTM, CELL_ATTRIBUTES + ("recurrent_activation", "unit_forget_bias"))
