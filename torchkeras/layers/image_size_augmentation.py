"""``RandomHeight`` and ``RandomWidth`` (Keras 2): resize a batch of images to a random
height (width) ``int(float32(1 + factor) * size)``, one factor per call, with TensorFlow's
resize arithmetic (``image_ops.resize_images``). Identity unless training; a standalone call
without ``training`` augments, as Keras 2.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np
import torch

from torchkeras.layers import image_ops
from torchkeras.layers.image_augmentation import _RandomLayer
from torchkeras.layers.image_preprocessing import _batched, _check_image_rank

__all__ = ["RandomHeight", "RandomWidth"]


class _RandomSize(_RandomLayer):
    """Shared by RandomHeight (``_axis`` 0) and RandomWidth (``_axis`` 1)."""

    _axis = 0
    _name = "height"

    def __init__(self, factor: Any, interpolation: str = "bilinear",
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            lower, upper = factor[0], factor[1]
        else:
            lower, upper = -factor, factor
        if upper < lower:
            raise ValueError("`factor` argument cannot have an upper bound lesser than the "
                             f"lower bound. Received: factor={factor}")
        if lower < -1.0 or upper < -1.0:
            raise ValueError("`factor` argument must have values larger than -1. "
                             f"Received: factor={factor}")
        self._lower, self._upper = float(lower), float(upper)
        self.interpolation = image_ops.check_interpolation(interpolation, type(self).__name__)

    def call(self, inputs: torch.Tensor, training: Optional[bool] = True) -> torch.Tensor:
        _check_image_rank(self, inputs)
        if not training:
            return inputs

        def resize(images: torch.Tensor) -> torch.Tensor:
            factor = self._uniform((), 1.0 + self._lower, 1.0 + self._upper, images.device)
            size = [int(images.shape[1]), int(images.shape[2])]
            # tf.cast(float32 factor * float32 size, int32): truncation in float32
            size[self._axis] = int(np.float32(float(factor)) * np.float32(size[self._axis]))
            out = image_ops.resize_images(images, size, self.interpolation)
            return out.to(inputs.dtype) if inputs.is_floating_point() else out

        return _batched(resize, inputs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = list(input_shape)
        shape[-3 + self._axis] = None
        return tuple(shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "interpolation": self.interpolation,
                       "seed": self.seed})
        return config


class RandomHeight(_RandomSize):
    """Randomly vary the height of a batch of images (Keras 2)."""
    _axis, _name = 0, "height"


class RandomWidth(_RandomSize):
    """Randomly vary the width of a batch of images (Keras 2)."""
    _axis, _name = 1, "width"
