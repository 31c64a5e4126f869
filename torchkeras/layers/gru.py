"""GRU: ``GRUCell`` and the ``GRU`` layer (torch's fused kernel where possible).

Weights are stored in Keras's layout and gate order (z, r, h), the single source of truth:
kernel ``(input_dim, 3u)``, recurrent_kernel ``(u, 3u)``, bias ``(2, 3u)`` with
``reset_after=True`` (row 0 input bias, row 1 recurrent bias) or ``(3u,)`` without. The
mapping to torch (:meth:`GRUCell.torch_params`, declared once) reorders the blocks to
torch's r, z, n and transposes. torch's ``nn.GRU`` is Keras's ``reset_after=True`` GRU;
``reset_after=False`` (Keras 1 style) runs per step.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import torch

from torchkeras import activations, regularizers
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.rnn import (CELL_ATTRIBUTES, FusedRNNMixin, RNN, RNNCellBase, States,
                                   clip_rate, delegate_to_cell, torch_activation, validate_units,
                                   weight_arguments_config)

__all__ = ["GRU", "GRUCell"]


def keras_to_torch_gates(tensor: torch.Tensor, units: int) -> torch.Tensor:
    """Reorder the last-axis blocks z, r, h (Keras) to r, z, n (torch)."""
    u = units
    return torch.cat([tensor[..., u:2 * u], tensor[..., :u], tensor[..., 2 * u:]], dim=-1)


class GRUCell(RNNCellBase):
    """One GRU step (Keras's ``GRUCell``): ``state_size = units``."""

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 implementation: int = 2, reset_after: bool = True, seed: Optional[int] = None,
                 **kwargs: Any):
        kwargs.pop("enable_caching_device", None)
        super().__init__(**kwargs)
        self.units = validate_units(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self._set_weight_arguments(kernel_initializer, recurrent_initializer, bias_initializer,
                                   kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                   kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout = clip_rate(dropout)
        self.recurrent_dropout = clip_rate(recurrent_dropout)
        self.implementation = 1 if self.recurrent_dropout != 0 else int(implementation)
        self.reset_after = bool(reset_after)
        self.seed = seed
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        u = self.units
        self._add_dense_weights(input_shape[-1], gates=3,
                                bias_shape=(2, 3 * u) if self.reset_after else (3 * u,))
        super().build(input_shape)

    def _biases(self) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
        if not self.use_bias:
            return None, None
        if self.reset_after:
            return self.bias[0], self.bias[1]
        return self.bias, None

    def torch_params(self) -> List[torch.Tensor]:
        """torch's ``[w_ih, w_hh, b_ih, b_hh]`` (gate order r, z, n) from the Keras weights
        (``reset_after=True`` only)."""
        u = self.units
        params = [keras_to_torch_gates(self.kernel, u).t(),  # (3u, in)
                  keras_to_torch_gates(self.recurrent_kernel, u).t()]  # (3u, u)
        if self.use_bias:
            params += [keras_to_torch_gates(b, u) for b in self._biases()]
        return params

    def project_inputs(self, inputs: torch.Tensor, training: Any = None) -> torch.Tensor:
        inputs = self._input_dropout(inputs, training)
        matrix_x = torch.matmul(inputs, self.kernel)  # (..., 3u)
        input_bias = self._biases()[0]
        return matrix_x + input_bias if input_bias is not None else matrix_x

    def step(self, projected: torch.Tensor, states: States,
             training: Any = None) -> Tuple[torch.Tensor, States]:
        h_tm1 = states[0]
        h_dropped = self._recurrent_dropout(h_tm1, training)
        u = self.units
        gate, act = torch_activation(self.recurrent_activation), torch_activation(
            self.activation)
        x_z, x_r, x_h = projected.split(u, dim=-1)
        if self.reset_after:
            inner = torch.matmul(h_dropped, self.recurrent_kernel)  # (batch, 3u)
            recurrent_bias = self._biases()[1]
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            rec_z, rec_r, rec_h = inner.split(u, dim=-1)
            z, r = gate(x_z + rec_z), gate(x_r + rec_r)
            hh = act(x_h + r * rec_h)
        else:
            inner = torch.matmul(h_dropped, self.recurrent_kernel[:, :2 * u])  # (batch, 2u)
            rec_z, rec_r = inner.split(u, dim=-1)
            z, r = gate(x_z + rec_z), gate(x_r + rec_r)
            hh = act(x_h + torch.matmul(r * h_dropped, self.recurrent_kernel[:, 2 * u:]))
        h = z * h_tm1 + (1 - z) * hh
        return h, [h]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(_gru_config(self))
        return config


def _gru_config(cell: GRUCell) -> Dict[str, Any]:
    return {
        "units": cell.units,
        "activation": activations.serialize(cell.activation),
        "recurrent_activation": activations.serialize(cell.recurrent_activation),
        "use_bias": cell.use_bias,
        **weight_arguments_config(cell),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
        "implementation": cell.implementation,
        "reset_after": cell.reset_after,
    }


class GRU(FusedRNNMixin, RNN):
    """Gated Recurrent Unit (Cho et al. 2014), Keras's ``GRU`` (``reset_after=True``).

    Runs on ``torch.gru`` (cuDNN on CUDA) with ``reset_after=True``, the default
    activations, no recurrent dropout in training and no partial mask; else per step.
    """

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, time_major: bool = False,
                 reset_after: bool = True, implementation: int = 2,
                 seed: Optional[int] = None, use_cudnn: Any = "auto", **kwargs: Any):
        kwargs.pop("enable_caching_device", None)
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation,
                       use_bias=use_bias, kernel_initializer=kernel_initializer,
                       recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer,
                       kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer,
                       bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                       recurrent_constraint=recurrent_constraint,
                       bias_constraint=bias_constraint, dropout=dropout,
                       recurrent_dropout=recurrent_dropout, implementation=implementation,
                       reset_after=reset_after, seed=seed, dtype=kwargs.get("dtype"),
                       trainable=kwargs.get("trainable", True), name="gru_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         time_major=time_major, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _fusable_config(self) -> bool:
        cell = self.cell
        return cell.reset_after and cell.activation is activations.tanh and \
            cell.recurrent_activation is activations.sigmoid

    def _run_fused(self, inputs: torch.Tensor, states: States
                   ) -> Tuple[torch.Tensor, torch.Tensor, States]:
        h0 = states[0].unsqueeze(0)  # (1, batch, units)
        sequence, h = torch.gru(inputs, h0, self.cell.torch_params(), self.cell.use_bias,
                                1, 0.0, False, False, True)
        return h[0], sequence, [h[0]]  # sequence: (batch, steps, units)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        del config["cell"]
        config.update(_gru_config(self.cell))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "GRU":
        config = dict(config)
        if config.get("implementation") == 0:
            config["implementation"] = 1
        return cls(**config)


delegate_to_cell(GRU, CELL_ATTRIBUTES + ("recurrent_activation", "reset_after"))
