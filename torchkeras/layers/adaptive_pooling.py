"""Adaptive average/max pooling 1D/2D/3D (Keras 3.x): pool to a fixed ``output_size``.

Keras's TensorFlow backend pools window ``i`` over ``[floor(i*L/O), ceil((i+1)*L/O))`` (its
"two-pool gather" of a small and a big window); its torch backend calls torch's adaptive
pooling, whose windows are the same. So this runs ``F.adaptive_{avg,max}_pool{n}d`` on a
channels_first view.
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

import torch
import torch.nn.functional as F

from torchkeras import backend
from torchkeras.layers.base import Layer
from torchkeras.layers.input_spec import InputSpec

__all__ = ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
           "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"]

_AXES_NAMES = {1: "(length,)", 2: "(height, width)", 3: "(depth, height, width)"}
_POOLS = {("avg", 1): F.adaptive_avg_pool1d, ("avg", 2): F.adaptive_avg_pool2d,
          ("avg", 3): F.adaptive_avg_pool3d, ("max", 1): F.adaptive_max_pool1d,
          ("max", 2): F.adaptive_max_pool2d, ("max", 3): F.adaptive_max_pool3d}


def _output_size(value: Any, rank: int) -> Tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * rank
    if isinstance(value, (tuple, list)) and len(value) == rank:
        return tuple(int(v) for v in value)
    raise TypeError(f"`output_size` must be an integer or {_AXES_NAMES[rank]} tuple. "
                    f"Received: {value} of type {type(value)}")


class _AdaptivePooling(Layer):
    """Shared config and shapes; subclasses set ``_rank`` and ``_kind``."""

    _rank = 1
    _kind = "avg"

    def __init__(self, output_size: Any, data_format: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.output_size = _output_size(output_size, self._rank)
        self.data_format = data_format or backend.image_data_format()
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError(f"Invalid data_format: {self.data_format}. Expected "
                             "'channels_first' or 'channels_last'.")
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        pool = _POOLS[(self._kind, self._rank)]
        if self.data_format == "channels_first":
            return pool(inputs, self.output_size)
        x = torch.movedim(inputs, -1, 1)  # (batch, channels, *spatial)
        return torch.movedim(pool(x, self.output_size), 1, -1)  # (batch, *out, channels)

    def compute_output_shape(self, input_shape: Any) -> Tuple[Any, ...]:
        if self.data_format == "channels_last":
            return (input_shape[0],) + self.output_size + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + self.output_size

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"output_size": self.output_size, "data_format": self.data_format})
        return config


class AdaptiveAveragePooling1D(_AdaptivePooling):
    """Average pooling of ``(batch, length, channels)`` to ``output_size`` steps."""
    _rank, _kind = 1, "avg"


class AdaptiveAveragePooling2D(_AdaptivePooling):
    """Average pooling of images to ``output_size`` ``(height, width)``."""
    _rank, _kind = 2, "avg"


class AdaptiveAveragePooling3D(_AdaptivePooling):
    """Average pooling of volumes to ``output_size`` ``(depth, height, width)``."""
    _rank, _kind = 3, "avg"


class AdaptiveMaxPooling1D(_AdaptivePooling):
    """Max pooling of ``(batch, length, channels)`` to ``output_size`` steps."""
    _rank, _kind = 1, "max"


class AdaptiveMaxPooling2D(_AdaptivePooling):
    """Max pooling of images to ``output_size`` ``(height, width)``."""
    _rank, _kind = 2, "max"


class AdaptiveMaxPooling3D(_AdaptivePooling):
    """Max pooling of volumes to ``output_size`` ``(depth, height, width)``."""
    _rank, _kind = 3, "max"
