"""Regularization layers: Dropout."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import torch

from torchkeras.layers.base import Layer


__all__ = ["Dropout"]

class Dropout(Layer):
    """Zeroes a fraction ``rate`` of inputs during training and scales the rest by
    ``1 / (1 - rate)``; does nothing in evaluate/predict or a plain call."""

    def __init__(self, rate: float, noise_shape: Optional[Sequence[Optional[int]]] = None,
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs: torch.Tensor, training: Optional[bool] = None) -> torch.Tensor:
        if not training or self.rate == 0:
            return inputs
        if self.noise_shape is None:
            return torch.nn.functional.dropout(inputs, self.rate, True)
        shape = [inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape)]
        keep = torch.rand(shape, device=inputs.device) >= self.rate  # broadcast mask
        return inputs * keep.to(inputs.dtype) / (1.0 - self.rate)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config
