"""Noise and regularization layers: SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout,
AlphaDropout, ActivityRegularization.

The random layers act only when ``training`` is true (fit), as in Keras; they draw from
torch's generator. ActivityRegularization adds ``(l1*sum|x| + l2*sum x^2) / batch`` to the
training loss (Keras's ``add_loss``): the value of the latest call is kept on the layer
(``_activity_loss``) and the trainer's ``StepRunner.regularization_loss`` adds it.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional

import torch

from torchkeras import backend, regularizers
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec
from torchkeras.layers.regularization import Dropout

__all__ = ["ActivityRegularization", "AlphaDropout", "GaussianDropout", "GaussianNoise",
           "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]


def _check_rate(rate: float) -> float:
    if not 0 <= rate <= 1:
        raise ValueError("Invalid value received for argument `rate`. Expected a float value "
                         f"between 0 and 1. Received: rate={rate}")
    return float(rate)


class _SpatialDropout(Dropout):
    """Drops whole feature maps: one Bernoulli draw per (sample, channel)."""

    rank = 1

    def __init__(self, rate: float, data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(rate, **kwargs)
        if data_format is None:
            data_format = backend.image_data_format() if self.rank > 1 else "channels_last"
        if data_format not in {"channels_last", "channels_first"}:
            raise ValueError('`data_format` must be "channels_last" or "channels_first". '
                             f"Received: data_format={data_format}.")
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: torch.Tensor, training: Optional[bool] = None) -> torch.Tensor:
        if not training or self.rate == 0:
            return inputs
        if self.data_format == "channels_first":
            shape = tuple(inputs.shape[:2]) + (1,) * self.rank  # (batch, channels, 1, ...)
        else:
            shape = (inputs.shape[0],) + (1,) * self.rank + (inputs.shape[-1],)
        keep = torch.rand(shape, device=inputs.device) >= self.rate
        return inputs * keep.to(inputs.dtype) / (1.0 - self.rate)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole channels of (batch, steps, channels)."""

    rank = 1

    def __init__(self, rate: float, **kwargs: Any):
        kwargs.pop("data_format", None)
        super().__init__(rate, data_format="channels_last", **kwargs)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.pop("data_format")
        return config


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole feature maps of (batch, rows, cols, channels)."""

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Dropout of whole feature maps of (batch, d1, d2, d3, channels)."""

    rank = 3


class GaussianNoise(Layer):
    """Adds N(0, stddev^2) noise in training."""

    def __init__(self, stddev: float, seed: Optional[int] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.stddev = stddev
        self.seed = seed

    def call(self, inputs: torch.Tensor, training: Optional[bool] = None) -> torch.Tensor:
        if not training:
            return inputs
        return inputs + torch.randn_like(inputs) * self.stddev

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config


class GaussianDropout(Layer):
    """Multiplies by N(1, rate / (1 - rate)) noise in training."""

    def __init__(self, rate: float, seed: Optional[int] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.rate = _check_rate(rate)
        self.seed = seed

    def call(self, inputs: torch.Tensor, training: Optional[bool] = None) -> torch.Tensor:
        if not training or not 0 < self.rate < 1:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * (1.0 + torch.randn_like(inputs) * stddev)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


class AlphaDropout(Layer):
    """Dropout keeping SELU's self-normalising mean and variance (dropped units take
    ``-alpha*scale``, then an affine correction)."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.rate = _check_rate(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed

    def call(self, inputs: torch.Tensor, training: Optional[bool] = None) -> torch.Tensor:
        if not training or not 0 < self.rate < 1:
            return inputs
        alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
        alpha_p = -alpha * scale
        shape = inputs.shape if self.noise_shape is None else [
            inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape)]
        kept = (torch.rand(shape, device=inputs.device) >= self.rate).to(inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (inputs * kept + alpha_p * (1 - kept)) + b

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config


class ActivityRegularization(Layer):
    """Identity that adds ``(l1 * sum|x| + l2 * sum x^2) / batch_size`` to the loss."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any):
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs  # the engine adds activity_regularizer(inputs) / batch to the loss

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"l1": self.l1, "l2": self.l2})
        return config
