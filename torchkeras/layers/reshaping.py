"""Reshaping layers: Flatten, Reshape."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import numpy as np
import torch

from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec


__all__ = ["Flatten", "Reshape"]

class Flatten(Layer):
    """Flattens all but the batch axis, in channels_last (NHWC) order as Keras does."""

    def __init__(self, data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_first" and inputs.dim() > 2:
            inputs = inputs.movedim(1, -1)  # to channels_last before flattening, as Keras
        if inputs.dim() == 1:
            return inputs.unsqueeze(1)
        return inputs.reshape(inputs.shape[0], -1)  # (batch, features)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        rest = input_shape[1:]
        if not rest:
            return (input_shape[0], 1)
        size = None if any(d is None for d in rest) else int(np.prod(rest))
        return (input_shape[0], size)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    """Reshapes to ``(batch,) + target_shape``; one dimension may be -1."""

    def __init__(self, target_shape: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)
        if sum(1 for d in self.target_shape if d == -1) > 1:
            raise ValueError("There must be at most one unknown dimension in output_shape. "
                             f"Received: output_shape={self.target_shape}.")

    def _resolved(self, input_shape: Sequence[Optional[int]]) -> tuple:
        known = [d for d in input_shape[1:]]
        if any(d is None for d in known):
            return tuple(None if d == -1 else d for d in self.target_shape)
        total = int(np.prod(known)) if known else 1
        target = list(self.target_shape)
        if -1 in target:
            rest = int(np.prod([d for d in target if d != -1])) or 1
            if total % rest:
                raise ValueError("total size of new array must be unchanged, input_shape = "
                                 f"{list(input_shape[1:])}, output_shape = {list(target)}")
            target[target.index(-1)] = total // rest
        elif int(np.prod(target)) != total:
            raise ValueError("total size of new array must be unchanged, input_shape = "
                             f"{list(input_shape[1:])}, output_shape = {list(target)}")
        return tuple(target)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs.reshape((inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0],) + self._resolved(input_shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
