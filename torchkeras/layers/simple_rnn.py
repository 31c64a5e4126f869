"""SimpleRNN: ``SimpleRNNCell`` and the ``SimpleRNN`` layer (``h = act(x W + h U + b)``).

Weights in Keras's layout (the single source of truth): kernel ``(input_dim, units)``,
recurrent_kernel ``(units, units)``, bias ``(units,)``. The torch mapping
(:meth:`SimpleRNNCell.torch_params`): ``weight_ih = kernel.T``, ``weight_hh =
recurrent_kernel.T``, ``bias_ih = bias``, ``bias_hh = 0``; tanh runs on ``torch.rnn_tanh``,
relu on ``torch.rnn_relu``, other activations per step.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import torch

from torchkeras import activations, regularizers
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.rnn import (CELL_ATTRIBUTES, FusedRNNMixin, RNN, RNNCellBase, States,
                                   clip_rate, delegate_to_cell, torch_activation, validate_units,
                                   weight_arguments_config)

__all__ = ["SimpleRNN", "SimpleRNNCell"]


class SimpleRNNCell(RNNCellBase):
    """One step of a fully connected RNN: ``state_size = units``."""

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: Optional[int] = None, **kwargs: Any):
        kwargs.pop("enable_caching_device", None)
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        self.units = validate_units(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._set_weight_arguments(kernel_initializer, recurrent_initializer, bias_initializer,
                                   kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                   kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout = clip_rate(dropout)
        self.recurrent_dropout = clip_rate(recurrent_dropout)
        self.seed = seed
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        self._add_dense_weights(input_shape[-1], gates=1)
        super().build(input_shape)

    def torch_params(self) -> List[torch.Tensor]:
        """torch's ``[w_ih, w_hh, b_ih, b_hh]``: views of the Keras-layout weights."""
        params = [self.kernel.t(), self.recurrent_kernel.t()]
        if self.use_bias:
            params += [self.bias, torch.zeros_like(self.bias)]
        return params

    def project_inputs(self, inputs: torch.Tensor, training: Any = None) -> torch.Tensor:
        h = torch.matmul(self._input_dropout(inputs, training), self.kernel)  # (..., units)
        return h + self.bias if self.use_bias else h

    def step(self, projected: torch.Tensor, states: States,
             training: Any = None) -> Tuple[torch.Tensor, States]:
        prev = self._recurrent_dropout(states[0], training)
        output = torch_activation(self.activation)(
            projected + torch.matmul(prev, self.recurrent_kernel))  # (batch, units)
        return output, [output]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update(_simple_rnn_config(self))
        return config


def _simple_rnn_config(cell: SimpleRNNCell) -> Dict[str, Any]:
    return {
        "units": cell.units,
        "activation": activations.serialize(cell.activation),
        "use_bias": cell.use_bias,
        **weight_arguments_config(cell),
        "dropout": cell.dropout,
        "recurrent_dropout": cell.recurrent_dropout,
    }


class SimpleRNN(FusedRNNMixin, RNN):
    """Fully connected RNN whose output is fed back as input (Keras's ``SimpleRNN``)."""

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, seed: Optional[int] = None,
                 **kwargs: Any):
        kwargs.pop("enable_caching_device", None)
        kwargs.pop("implementation", None)
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias,
                             kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint, dropout=dropout,
                             recurrent_dropout=recurrent_dropout, seed=seed,
                             dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                             name="simple_rnn_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def _fusable_config(self) -> bool:
        return self.cell.activation in (activations.tanh, activations.relu)

    def _run_fused(self, inputs: torch.Tensor, states: States
                   ) -> Tuple[torch.Tensor, torch.Tensor, States]:
        kernel = torch.rnn_tanh if self.cell.activation is activations.tanh else torch.rnn_relu
        sequence, h = kernel(inputs, states[0].unsqueeze(0), self.cell.torch_params(),
                             self.cell.use_bias, 1, 0.0, False, False, True)
        return h[0], sequence, [h[0]]  # sequence: (batch, steps, units)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        del config["cell"]
        config.update(_simple_rnn_config(self.cell))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "SimpleRNN":
        config = dict(config)
        config.pop("implementation", None)
        return cls(**config)


delegate_to_cell(SimpleRNN, tuple(n for n in CELL_ATTRIBUTES if n != "implementation"))
