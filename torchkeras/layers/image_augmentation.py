"""Random image augmentation layers (channels_last; active only when training).

As in Keras 2, a standalone call without ``training`` augments (the call signature's
default), while ``predict``/``evaluate`` and ``training=False`` return the input unchanged.
The deterministic part (the transform for a given factor) follows Keras's formulas and
TensorFlow's ``ImageProjectiveTransformV3``; random draws come from torch (seedable).
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from torchkeras.backend import phase
from torchkeras.layers import image_ops
from torchkeras.layers.base import Layer
from torchkeras.layers.image_preprocessing import _batched, _check_image_rank

__all__ = ["RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
           "RandomTranslation", "RandomZoom"]


def _factor_range(factor: Any, name: str, owner: str, bound: float = 1.0) -> Tuple[float, float]:
    if isinstance(factor, (tuple, list)):
        lower, upper = float(factor[0]), float(factor[1])
    else:
        lower, upper = -float(factor), float(factor)
    if upper < lower:
        raise ValueError(f"{owner}: `{name}` cannot have upper bound less than lower bound, "
                         f"got {name}={factor}")
    if abs(lower) > bound or abs(upper) > bound:
        raise ValueError(f"{owner}: `{name}` argument must have values between "
                         f"[-{bound}, {bound}]. Received: {name}={factor}")
    return lower, upper


def _check_fill(fill_mode: str, interpolation: str, owner: str) -> None:
    if fill_mode not in image_ops.FILL_MODES:
        raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Only `reflect`, `wrap`, "
                                  f"`constant` and `nearest` are supported. ({owner})")
    if interpolation not in ("nearest", "bilinear"):
        raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Only `nearest` "
                                  f"and `bilinear` are supported. ({owner})")


class _RandomLayer(Layer):
    """Seeded random draws; ``training`` defaults to True for a standalone call (Keras 2)."""

    def __init__(self, seed: Optional[int] = None, rng_type: Optional[str] = None,
                 **kwargs: Any):
        kwargs.pop("force_generator", None)
        super().__init__(**kwargs)
        self.seed = seed
        self.rng_type = rng_type  # Keras 2 (tf.random generator kind); torch draws here
        self._generator: Optional[torch.Generator] = None
        self.supports_masking = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if (kwargs.get("training") is None and phase.call_training() is None
                and phase._LEARNING_PHASE is None):
            kwargs["training"] = True
        return super().__call__(*args, **kwargs)

    def _uniform(self, shape: Sequence[int], low: float, high: float,
                 device: torch.device) -> torch.Tensor:
        if self.seed is not None:
            if self._generator is None:
                self._generator = torch.Generator().manual_seed(int(self.seed))
            draw = torch.rand(tuple(shape), generator=self._generator)
            return (low + (high - low) * draw).to(device)
        return low + (high - low) * torch.rand(tuple(shape), device=device)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["rng_type"] = self.rng_type
        return config

    def __getstate__(self) -> Dict[str, Any]:
        state = super().__getstate__()
        state["_generator"] = None
        return state


class RandomFlip(_RandomLayer):
    """Flip each image horizontally and/or vertically with probability 1/2."""

    def __init__(self, mode: str = "horizontal_and_vertical", seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        if mode not in ("horizontal", "vertical", "horizontal_and_vertical"):
            raise ValueError(f"RandomFlip layer {self.name} received an unknown mode "
                             f"argument {mode}")
        self.mode = mode

    def call(self, inputs: torch.Tensor, training: Optional[bool] = True) -> torch.Tensor:
        _check_image_rank(self, inputs)
        if not training:
            return inputs

        def flip(images: torch.Tensor) -> torch.Tensor:
            batch = images.shape[0]
            if self.mode in ("horizontal", "horizontal_and_vertical"):
                pick = self._uniform((batch, 1, 1, 1), 0, 1, images.device) < 0.5
                images = torch.where(pick, images.flip(2), images)  # width axis
            if self.mode in ("vertical", "horizontal_and_vertical"):
                pick = self._uniform((batch, 1, 1, 1), 0, 1, images.device) < 0.5
                images = torch.where(pick, images.flip(1), images)  # height axis
            return images

        return _batched(flip, inputs)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"mode": self.mode, "seed": self.seed})
        return config


class _AffineLayer(_RandomLayer):
    """Shared fill/interpolation handling of rotation, translation and zoom."""

    def __init__(self, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: Optional[int] = None, fill_value: float = 0.0, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        _check_fill(fill_mode, interpolation, type(self).__name__)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def _transforms(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def call(self, inputs: torch.Tensor, training: Optional[bool] = True) -> torch.Tensor:
        _check_image_rank(self, inputs)
        if not training:
            return inputs

        def warp(images: torch.Tensor) -> torch.Tensor:
            images = images if images.is_floating_point() else images.float()
            return image_ops.projective_transform(images, self._transforms(images),
                                                  self.interpolation, self.fill_mode,
                                                  self.fill_value)

        return _batched(warp, inputs)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"fill_mode": self.fill_mode, "fill_value": self.fill_value,
                       "interpolation": self.interpolation, "seed": self.seed})
        return config


class RandomRotation(_AffineLayer):
    """Rotate by a random angle in ``factor * 2 pi`` (a float f means ``(-f, f)``)."""

    def __init__(self, factor: Any, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: Optional[int] = None, fill_value: float = 0.0, **kwargs: Any):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            self.lower, self.upper = float(factor[0]), float(factor[1])
        else:
            self.lower, self.upper = -float(factor), float(factor)
        if self.upper < self.lower:
            raise ValueError("Factor cannot have negative values, got {}".format(factor))

    def _transforms(self, images: torch.Tensor) -> torch.Tensor:
        batch, height, width = images.shape[0], images.shape[1], images.shape[2]
        angles = self._uniform((batch,), self.lower * 2.0 * math.pi,
                               self.upper * 2.0 * math.pi, images.device)
        return image_ops.rotation_matrix(angles, height, width)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config["factor"] = self.factor
        return config


class RandomTranslation(_AffineLayer):
    """Shift by random fractions of the height and width."""

    def __init__(self, height_factor: Any, width_factor: Any, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: Optional[int] = None,
                 fill_value: float = 0.0, **kwargs: Any):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_lower, self.height_upper = _factor_range(height_factor, "height_factor",
                                                             "RandomTranslation")
        self.width_lower, self.width_upper = _factor_range(width_factor, "width_factor",
                                                           "RandomTranslation")

    def _transforms(self, images: torch.Tensor) -> torch.Tensor:
        batch, height, width = images.shape[0], images.shape[1], images.shape[2]
        dy = self._uniform((batch,), self.height_lower, self.height_upper, images.device)
        dx = self._uniform((batch,), self.width_lower, self.width_upper, images.device)
        return image_ops.translation_matrix(dx * width, dy * height)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config


class RandomZoom(_AffineLayer):
    """Zoom by ``1 + factor`` (a positive factor zooms out, a negative one zooms in)."""

    def __init__(self, height_factor: Any, width_factor: Any = None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: Optional[int] = None,
                 fill_value: float = 0.0, **kwargs: Any):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_lower, self.height_upper = _factor_range(height_factor, "height_factor",
                                                             "RandomZoom")
        if width_factor is not None:
            self.width_lower, self.width_upper = _factor_range(width_factor, "width_factor",
                                                               "RandomZoom")
        if self.height_lower < -1.0 or self.height_upper < -1.0:
            raise ValueError("`height_factor` argument must have values larger than -1. "
                             f"Received: height_factor={height_factor}")

    def _transforms(self, images: torch.Tensor) -> torch.Tensor:
        batch, height, width = images.shape[0], images.shape[1], images.shape[2]
        zoom_h = self._uniform((batch,), 1.0 + self.height_lower, 1.0 + self.height_upper,
                               images.device)
        if self.width_factor is not None:
            zoom_w = self._uniform((batch,), 1.0 + self.width_lower, 1.0 + self.width_upper,
                                   images.device)
        else:
            zoom_w = zoom_h
        return image_ops.zoom_matrix(zoom_w, zoom_h, height, width)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return config


class RandomContrast(_RandomLayer):
    """``(x - mean) * f + mean`` per channel, f in ``[1 - lower, 1 + upper]``, clipped to
    [0, 255] (Keras 2)."""

    def __init__(self, factor: Any, seed: Optional[int] = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        if isinstance(factor, (tuple, list)):
            self.lower, self.upper = float(factor[0]), float(factor[1])
        else:
            self.lower = self.upper = float(factor)
        if self.lower < 0.0 or self.upper < 0.0 or self.lower > 1.0:
            raise ValueError("`factor` argument cannot have negative values or values greater "
                             f"than 1.Received: factor={factor}")

    def call(self, inputs: torch.Tensor, training: Optional[bool] = True) -> torch.Tensor:
        _check_image_rank(self, inputs)
        if not training:
            return inputs
        images = inputs if inputs.is_floating_point() else inputs.float()
        # Keras 2 (tf.image.random_contrast): one factor per call.
        factor = self._uniform((), 1.0 - self.lower, 1.0 + self.upper, images.device)
        mean = images.mean(dim=(-3, -2), keepdim=True)  # (batch, 1, 1, channels)
        return ((images - mean) * factor + mean).clamp(0, 255)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "seed": self.seed})
        return config


class RandomBrightness(_RandomLayer):
    """Add ``delta * (value_range[1] - value_range[0])`` per image, clipped to
    ``value_range``."""

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255),
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        error = ("The `factor` argument should be a number (or a list of two numbers) in the "
                 "range [-1.0, 1.0]. ")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or any(abs(f) > 1.0 for f in factor):
                raise ValueError(error + f"Got {factor}")
            self._factor = sorted(float(f) for f in factor)
        elif isinstance(factor, (int, float)):
            if abs(factor) > 1.0:
                raise ValueError(error + f"Got {factor}")
            self._factor = [-abs(float(factor)), abs(float(factor))]
        else:
            raise ValueError(error + f"Got {factor}")
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError("The `value_range` argument should be a list of two numbers. "
                             f"Got {value_range}")
        self._value_range = sorted(value_range)

    def call(self, inputs: torch.Tensor, training: Optional[bool] = True) -> torch.Tensor:
        _check_image_rank(self, inputs)
        if not training:
            return inputs
        images = inputs if inputs.is_floating_point() else inputs.float()
        shape = (images.shape[0], 1, 1, 1) if images.dim() == 4 else (1, 1, 1)
        delta = self._uniform(shape, self._factor[0], self._factor[1], images.device)
        low, high = self._value_range
        return (images + delta * (high - low)).clamp(low, high)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": list(self._factor), "value_range": list(self._value_range),
                       "seed": self.seed})
        return config


class RandomCrop(_RandomLayer):
    """Crop a random ``(height, width)`` window when training; at inference (or for
    smaller images) resize with Keras's ``smart_resize``, as Keras 2."""

    def __init__(self, height: int, width: int, seed: Optional[int] = None, **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.height = height
        self.width = width

    def call(self, inputs: torch.Tensor, training: Optional[bool] = True) -> torch.Tensor:
        _check_image_rank(self, inputs)
        images = inputs if inputs.is_floating_point() else inputs.float()
        h_diff = images.shape[-3] - self.height
        w_diff = images.shape[-2] - self.width
        if not (training and h_diff >= 0 and w_diff >= 0):
            return _batched(lambda x: image_ops.smart_resize(x, (self.height, self.width)),
                            images)
        # One offset per call (tf.image.random_crop crops the batch with one window).
        top = int(self._uniform((), 0, h_diff + 1, torch.device("cpu")).floor().clamp(max=h_diff))
        left = int(self._uniform((), 0, w_diff + 1, torch.device("cpu")).floor().clamp(max=w_diff))
        return images[..., top:top + self.height, left:left + self.width, :]

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = list(input_shape)
        shape[-3], shape[-2] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"height": self.height, "width": self.width, "seed": self.seed})
        return config
