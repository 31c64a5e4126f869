"""Keras 3's projective augmentations: ``RandomShear`` and ``RandomPerspective``, warped
with TensorFlow's ``ImageProjectiveTransformV3`` arithmetic (``image_ops``)."""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras.layers import image_ops
from torchkeras.layers.augmentation_base import (ImageAugmentationLayer, batch_size_of,
                                                 float_images)

__all__ = ["RandomPerspective", "RandomShear"]


def _shear_factor(factor: Any, name: str) -> tuple:
    error = ("The `factor` argument should be a number (or a list of two numbers) in the "
             "range [0, 1.0]. ")

    def check(value: float) -> None:
        if value > 1.0 or value < 0.0:
            raise ValueError(error + f"Received: input_number={value}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(error + f"Received: {name}={factor}")
        # abs(): Keras 3 rejects its own get_config pair (-f, f); torchkeras round-trips it.
        check(abs(factor[0]))
        check(abs(factor[1]))
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)):
        check(factor)
        return (-abs(factor), abs(factor))
    raise ValueError(error + f"Received: {name}={factor}")


def shear_matrix(shear: torch.Tensor) -> torch.Tensor:
    """(batch, 8) transforms for (batch, 2) shear factors ``(x, y)``."""
    ones, zeros = torch.ones_like(shear[:, 0]), torch.zeros_like(shear[:, 0])
    return torch.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros], 1)


def homography_matrix(start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """(batch, 8) projective transforms mapping ``end`` points to ``start`` points."""
    rows, target = [], []
    one, zero = torch.ones_like(end[:, 0, 0]), torch.zeros_like(end[:, 0, 0])
    for i in range(4):
        ex, ey = end[:, i, 0], end[:, i, 1]
        sx, sy = start[:, i, 0], start[:, i, 1]
        rows.append(torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1))
        rows.append(torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1))
        target += [sx, sy]
    coefficients = torch.stack(rows, dim=1).double()  # (batch, 8, 8)
    solution = torch.linalg.solve(coefficients, torch.stack(target, -1).double()[..., None])
    return solution.reshape(-1, 8).float()


class RandomShear(ImageAugmentationLayer):
    """Shear along x and/or y by factors drawn in ``x_factor`` / ``y_factor`` (random sign)."""

    _USE_BASE_FACTOR = False

    def __init__(self, x_factor: Any = 0.0, y_factor: Any = 0.0,
                 interpolation: str = "bilinear", fill_mode: str = "reflect",
                 fill_value: float = 0.0, data_format: Optional[str] = None,
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.x_factor = _shear_factor(x_factor, "x_factor")
        self.y_factor = _shear_factor(y_factor, "y_factor")
        if fill_mode not in image_ops.FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one "
                                      f"{image_ops.FILL_MODES}.")
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                      "one ('nearest', 'bilinear').")
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, Any]]:
        if not training:
            return None
        images = self._images_of(data)
        batch = batch_size_of(data)
        invert = self._uniform((batch, 1), 0, 1, images.device)
        invert = torch.where(invert > 0.5, -torch.ones_like(invert), torch.ones_like(invert))
        shear_y = self._uniform((batch, 1), self.y_factor[0], self.y_factor[1], images.device)
        shear_x = self._uniform((batch, 1), self.x_factor[0], self.x_factor[1], images.device)
        return {"shear_factor": torch.cat([shear_x, shear_y], dim=1) * invert,
                "input_shape": tuple(images.shape)}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        shear = torch.as_tensor(transformation["shear_factor"], device=images.device).float()
        return image_ops.projective_transform(images, shear_matrix(shear), self.interpolation,
                                              self.fill_mode, self.fill_value)

    def transform_segmentation_masks(self, segmentation_masks: Any, transformation: Any,
                                     training: bool = True) -> Any:
        masks = float_images(segmentation_masks)
        if not training or transformation is None:
            return masks
        shear = torch.as_tensor(transformation["shear_factor"], device=masks.device).float()
        return image_ops.projective_transform(masks, shear_matrix(shear), "nearest",
                                              self.fill_mode, self.fill_value)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"x_factor": self.x_factor, "y_factor": self.y_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                       "seed": self.seed, "fill_value": self.fill_value,
                       "data_format": self.data_format})
        return config


class RandomPerspective(ImageAugmentationLayer):
    """Move the four corners by up to ``scale / 2`` of the image size (constant fill)."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any = 1.0, scale: float = 1.0, interpolation: str = "bilinear",
                 fill_value: float = 0.0, seed: Optional[int] = None,
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        if scale < 0.0 or scale > 1.0:
            raise ValueError("The `scale` argument should be a number in the range [0,1]. "
                             f"Received: scale={scale}")
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                      "one ('nearest', 'bilinear').")
        self.scale = scale
        self.fill_value = fill_value
        self.interpolation = interpolation

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, Any]]:
        if not training:
            return None
        images = self._images_of(data)
        batch = batch_size_of(data)
        height, width = images.shape[-3], images.shape[-2]
        probability = self._uniform((batch,), self.factor[0], self.factor[1], images.device)
        threshold = self._uniform((batch,), 0.0, 1.0, images.device)
        factor = self._uniform((batch, 4, 2), -0.5 * self.scale, 0.5 * self.scale,
                               images.device)
        start = torch.tensor([[[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1],
                               [width - 1, height - 1]]], device=images.device)
        start = start.repeat(batch, 1, 1)  # (batch, 4, 2)
        return {"apply_perspective": threshold < probability, "start_points": start,
                "end_points": start + start * factor, "input_shape": tuple(images.shape)}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        start = torch.as_tensor(transformation["start_points"], device=images.device).float()
        end = torch.as_tensor(transformation["end_points"], device=images.device).float()
        apply = torch.as_tensor(transformation["apply_perspective"], device=images.device)
        warped = image_ops.projective_transform(images, homography_matrix(start, end),
                                                self.interpolation, "constant",
                                                self.fill_value)
        return torch.where(apply.bool()[:, None, None, None], warped, images)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale,
                       "interpolation": self.interpolation, "fill_value": self.fill_value,
                       "seed": self.seed})
        return config
