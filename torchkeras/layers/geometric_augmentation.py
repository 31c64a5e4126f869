"""Keras 3's geometric augmentations: ``RandomShear`` and ``RandomPerspective`` (warped with
TensorFlow's ``ImageProjectiveTransformV3`` arithmetic, ``image_ops``) and
``RandomElasticTransform`` (Keras 3's ``map_coordinates`` sampling)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import torch

from torchkeras.layers import image_ops
from torchkeras.layers.augmentation_base import (ImageAugmentationLayer, batch_size_of,
                                                 factor_pair, float_images)
from torchkeras.ops import image as image_ops_public

__all__ = ["RandomElasticTransform", "RandomPerspective", "RandomShear"]


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


_ELASTIC_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _map_index(index: torch.Tensor, size: int, fill_mode: str) -> Tuple[torch.Tensor,
                                                                          torch.Tensor]:
    """Keras 3's ``map_coordinates`` index fixing: (safe integer index, valid mask)."""
    if fill_mode == "constant":
        return index.clamp(0, size - 1), (index >= 0) & (index < size)
    if fill_mode == "nearest":
        return index.clamp(0, size - 1), torch.ones_like(index, dtype=torch.bool)
    if fill_mode == "wrap":
        return torch.remainder(index, size), torch.ones_like(index, dtype=torch.bool)
    index = index.abs()
    mod = torch.remainder(index, 2 * size)
    under = mod < size
    index = torch.where(under, mod, 2 * size - mod)
    if fill_mode == "reflect":
        index = torch.where(~under, index - 1, index)
    return index.clamp(0, size - 1), torch.ones_like(index, dtype=torch.bool)


def map_coordinates_2d(images: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor,
                       interpolation: str, fill_mode: str, fill_value: float) -> torch.Tensor:
    """Sample (batch, h, w, c) images at float (batch, h, w) ``rows``/``cols`` (Keras 3's
    ``map_coordinates`` with order 0 or 1, per image and channel)."""
    batch, height, width, channels = images.shape
    if interpolation == "nearest":
        taps_r = [(torch.round(rows).long(), torch.ones_like(rows))]
        taps_c = [(torch.round(cols).long(), torch.ones_like(cols))]
    else:
        r0, c0 = torch.floor(rows), torch.floor(cols)
        taps_r = [(r0.long(), 1 - (rows - r0)), (r0.long() + 1, rows - r0)]
        taps_c = [(c0.long(), 1 - (cols - c0)), (c0.long() + 1, cols - c0)]
    flat = images.reshape(batch, height * width, channels)
    out = torch.zeros_like(images)
    for r_index, r_weight in taps_r:
        r_safe, r_valid = _map_index(r_index, height, fill_mode)
        for c_index, c_weight in taps_c:
            c_safe, c_valid = _map_index(c_index, width, fill_mode)
            index = (r_safe * width + c_safe).reshape(batch, -1, 1).expand(-1, -1, channels)
            values = torch.gather(flat, 1, index).reshape(batch, height, width, channels)
            if fill_mode == "constant":
                values = torch.where((r_valid & c_valid)[..., None], values,
                                     torch.full_like(values, float(fill_value)))
            out = out + (r_weight * c_weight)[..., None] * values
    return out


class RandomElasticTransform(ImageAugmentationLayer):
    """Displace pixels along a smoothed random field (alpha, sigma scaled by the size)."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any = 1.0, scale: Any = 1.0, interpolation: str = "bilinear",
                 fill_mode: str = "reflect", fill_value: float = 0.0,
                 value_range: Any = (0, 255), seed: Optional[int] = None,
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.scale = factor_pair(scale, self._FACTOR_BOUNDS, "scale")
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(f"Unknown `interpolation` {interpolation}. Expected of "
                                      "one ('nearest', 'bilinear').")
        if fill_mode not in _ELASTIC_FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one "
                                      f"{set(_ELASTIC_FILL_MODES)}.")
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, Any]]:
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        images = self._images_of(data)
        batch = batch_size_of(data)
        height, width = images.shape[-3], images.shape[-2]
        probability = self._uniform((batch,), self.factor[0], self.factor[1], images.device)
        threshold = self._uniform((batch,), 0.0, 1.0, images.device)
        distortion = float(self._uniform((), self.scale[0], self.scale[1], images.device))
        # Keras 3 draws dx and dy with the same stateless seed: one field for both axes.
        noise = self._normal((batch, height, width), images.device)
        return {"apply_transform": threshold < probability, "distortion_factor": distortion,
                "noise": noise}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        height, width = images.shape[1], images.shape[2]
        factor = float(transformation["distortion_factor"])
        alpha = max(height, width) * 0.1 * factor
        sigma = min(height, width) * 0.05 * factor
        size = 6 * int(sigma) | 1
        noise = torch.as_tensor(transformation["noise"], device=images.device) * sigma
        field = image_ops_public.gaussian_blur(noise[..., None], (size, size), (sigma, sigma),
                                               data_format="channels_last")[..., 0]
        ys = torch.arange(height, dtype=images.dtype, device=images.device)[None, :, None]
        xs = torch.arange(width, dtype=images.dtype, device=images.device)[None, None, :]
        warped = map_coordinates_2d(images, ys + alpha * field, xs + alpha * field,
                                    self.interpolation, self.fill_mode, self.fill_value)
        apply = torch.as_tensor(transformation["apply_transform"], device=images.device)
        images = torch.where(apply.bool()[:, None, None, None], warped, images)
        return images.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale,
                       "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "value_range": self.value_range,
                       "seed": self.seed})
        return config
