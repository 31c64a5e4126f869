"""Keras 3's colour augmentation layers (channels_last, batched torch kernels).

Each layer follows Keras 3.15's formulas: ``get_random_transformation`` draws per-image
factors (seedable torch draws), ``transform_images`` applies a given transformation.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from torchkeras.backend.config import epsilon
from torchkeras.layers.augmentation_base import (ImageAugmentationLayer, batch_size_of,
                                                 check_value_range, factor_pair,
                                                 float_images, transform_value_range)
from torchkeras.ops import image as image_ops

__all__ = ["AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization",
           "RandomColorDegeneration", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPosterization",
           "RandomSaturation", "RandomSharpness", "Solarization"]



class RandomGrayscale(ImageAugmentationLayer):
    """Convert each image to grayscale (kept with 3 channels) with probability ``factor``."""

    _USE_BASE_FACTOR = False

    def __init__(self, factor: float = 0.5, data_format: Optional[str] = None,
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> torch.Tensor:
        images = self._images_of(data)
        draw = self._uniform((batch_size_of(data),), 0, 1, images.device)
        return (draw < self.factor)[:, None, None, None]  # (batch, 1, 1, 1)

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        should_apply = torch.as_tensor(transformation, device=images.device).bool()
        gray = image_ops.rgb_to_grayscale(images)  # (batch, h, w, 1)
        gray = gray.expand_as(images) if images.shape[-1] == 3 else gray
        return torch.where(should_apply, gray, images)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor})
        return config


class RandomHue(ImageAugmentationLayer):
    """Shift the hue by ``±factor / 2`` of a full turn (per image)."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255),
                 data_format: Optional[str] = None, seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(factor=factor, data_format=data_format, seed=seed, **kwargs)
        self.value_range = value_range

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Dict[str, torch.Tensor]:
        images = self._images_of(data)
        batch = batch_size_of(data)
        invert = self._uniform((batch,), 0, 1, images.device)
        invert = torch.where(invert > 0.5, -torch.ones_like(invert), torch.ones_like(invert))
        factor = self._uniform((batch,), self.factor[0], self.factor[1], images.device)
        return {"factor": invert * factor * 0.5}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        images = transform_value_range(images, self.value_range, (0, 1))
        shift = torch.as_tensor(transformation["factor"], device=images.device,
                                dtype=images.dtype)[:, None, None]  # (batch, 1, 1)
        hsv = image_ops.rgb_to_hsv(images)
        hue = hsv[..., 0] + shift
        hue = torch.where(hue > 1.0, hue - 1.0, hue)
        hue = torch.where(hue < 0.0, hue + 1.0, hue)
        images = image_ops.hsv_to_rgb(torch.stack([hue, hsv[..., 1], hsv[..., 2]], dim=-1))
        images = images.clamp(0, 1)
        return transform_value_range(images, (0, 1), self.value_range)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config


class RandomSaturation(ImageAugmentationLayer):
    """Scale the saturation by ``f / (1 - f)`` with f drawn in ``factor`` (0.5: unchanged)."""

    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255),
                 data_format: Optional[str] = None, seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(factor=factor, data_format=data_format, seed=seed, **kwargs)
        self.value_range = check_value_range(value_range)

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Dict[str, torch.Tensor]:
        images = self._images_of(data)
        factor = self._uniform((batch_size_of(data),), self.factor[0], self.factor[1],
                               images.device)
        return {"factor": factor / (1 - factor + epsilon())}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        factor = torch.as_tensor(transformation["factor"], device=images.device,
                                 dtype=images.dtype)[:, None, None]  # (batch, 1, 1)
        hsv = image_ops.rgb_to_hsv(images)
        # As Keras 3: the saturation is clipped to value_range (not to [0, 1]).
        saturation = (hsv[..., 1] * factor).clamp(self.value_range[0], self.value_range[1])
        return image_ops.hsv_to_rgb(torch.stack([hsv[..., 0], saturation, hsv[..., 2]], -1))

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config


class RandomColorDegeneration(ImageAugmentationLayer):
    """Blend each image towards its grayscale version by a random ``factor``."""

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255),
                 data_format: Optional[str] = None, seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(factor=factor, data_format=data_format, seed=seed, **kwargs)
        self.value_range = check_value_range(value_range)

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Dict[str, torch.Tensor]:
        images = self._images_of(data)
        return {"factor": self._uniform((batch_size_of(data), 1, 1, 1), self.factor[0],
                                        self.factor[1], images.device)}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        factor = torch.as_tensor(transformation["factor"], device=images.device,
                                 dtype=images.dtype)  # (batch, 1, 1, 1)
        degenerate = image_ops.rgb_to_grayscale(images)  # (batch, h, w, 1)
        images = images + factor * (degenerate - images)
        return images.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config


class RandomSharpness(ImageAugmentationLayer):
    """Blend with a 3x3 smoothed image: ``x + (1 - 2 f) (smooth(x) - x)``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255),
                 data_format: Optional[str] = None, seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range(value_range)

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Dict[str, torch.Tensor]:
        images = self._images_of(data)
        return {"factor": self._uniform((batch_size_of(data),), self.factor[0],
                                        self.factor[1], images.device)}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        sharpness = torch.as_tensor(transformation["factor"], device=images.device,
                                    dtype=images.dtype).reshape(-1, 1, 1, 1) * 2
        a, b = 1.0 / 13.0, 5.0 / 13.0
        kernel = torch.tensor([[a, a, a], [a, b, a], [a, a, a]], dtype=images.dtype,
                              device=images.device)
        channels = images.shape[-1]
        nchw = images.permute(0, 3, 1, 2)  # (batch, channels, h, w)
        smoothed = F.conv2d(nchw, kernel.expand(channels, 1, 3, 3), padding=1,
                            groups=channels).permute(0, 2, 3, 1)
        images = images + (1.0 - sharpness) * (smoothed - images)
        return images.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config


def _solarization_factor(factor: Any, name: str) -> tuple:
    error = ("The `addition_factor` and `threshold_factor` arguments should be a number (or "
             "a list of two numbers) in the range [0, 1]. ")

    def check(value: float) -> None:
        if value > 1.0 or value < 0:
            raise ValueError(error + f"Received: input_number={value}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(error + f"Received: {name}={factor}")
        check(factor[0])
        check(factor[1])
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)):
        check(factor)
        return (0, factor)
    raise ValueError(error + f"Received: {name}={factor}")


class Solarization(ImageAugmentationLayer):
    """Add a random amount, then invert the pixels above a random threshold."""

    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor: Any = 0.0, threshold_factor: Any = 0.0,
                 value_range: Sequence[float] = (0, 255), seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor = _solarization_factor(addition_factor, "addition_factor")
        self.threshold_factor = _solarization_factor(threshold_factor, "threshold_factor")
        self.value_range = check_value_range(value_range)

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, torch.Tensor]]:
        if not training:
            return None
        images = self._images_of(data)
        shape = (batch_size_of(data), 1, 1, 1)
        return {"additions": self._uniform(shape, self.addition_factor[0],
                                           self.addition_factor[1] * 255, images.device),
                "thresholds": self._uniform(shape, self.threshold_factor[0],
                                            self.threshold_factor[1] * 255, images.device)}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        thresholds = torch.as_tensor(transformation["thresholds"], device=images.device)
        additions = torch.as_tensor(transformation["additions"], device=images.device)
        images = transform_value_range(images, self.value_range, (0, 255))
        results = (images + additions).clamp(0, 255)
        results = torch.where(results < thresholds, results, 255 - results)
        return transform_value_range(results, (0, 255), self.value_range)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"value_range": self.value_range,
                       "addition_factor": self.addition_factor,
                       "threshold_factor": self.threshold_factor, "seed": self.seed})
        return config


class AutoContrast(ImageAugmentationLayer):
    """Stretch each channel of each image to the full ``value_range`` (not random)."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range: Sequence[float] = (0, 255), **kwargs: Any):
        super().__init__(**kwargs)
        self.value_range = check_value_range(value_range)

    def transform_images(self, images: Any, transformation: Any = None,
                         training: bool = True) -> torch.Tensor:
        original = float_images(images)
        images = transform_value_range(original, self.value_range, (0, 255))
        low = images.amin(dim=(1, 2), keepdim=True)  # (batch, 1, 1, channels)
        high = images.amax(dim=(1, 2), keepdim=True)
        scale = 255.0 / (high - low)
        results = (images * scale - low * scale).clamp(0.0, 255.0)
        results = transform_value_range(results, (0, 255), self.value_range)
        return torch.where(torch.isnan(results), original, results)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"value_range": self.value_range})
        return config


class Equalization(ImageAugmentationLayer):
    """Histogram equalisation per channel, over the whole batch (as Keras 3)."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range: Sequence[float] = (0, 255), bins: int = 256,
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self.value_range = sorted(value_range)

    def _equalize_channel(self, channel: torch.Tensor) -> torch.Tensor:
        low, high = self.value_range
        scaled = channel
        if (low, high) != (0, 255):
            scaled = channel * (255.0 / (high - low)) + (0 - low * 255.0 / (high - low))
        index = (scaled * (self.bins - 1) / 255.0).to(torch.int32).clamp(0, self.bins - 1)
        hist = torch.bincount(index.reshape(-1).long(), minlength=self.bins)
        cdf = torch.cumsum(hist, 0)
        nonzero = torch.nonzero(cdf)
        cdf_min = cdf[nonzero[0, 0]] if nonzero.numel() else cdf[0]
        denominator = cdf[-1] - cdf_min
        denominator = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
        table = ((cdf - cdf_min).float() * 255 / denominator.float()).round().clamp(0, 255)
        indices = (scaled / 255.0 * (self.bins - 1)).clamp(0, self.bins - 1).to(torch.int64)
        equalized = table[indices]
        equalized = torch.where(torch.count_nonzero(hist) <= 1, scaled, equalized)
        if (low, high) != (0, 255):
            equalized = equalized * ((high - low) / 255.0) + low
        return equalized

    def transform_images(self, images: Any, transformation: Any = None,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        channels = [self._equalize_channel(images[..., i]) for i in range(images.shape[-1])]
        return torch.stack(channels, dim=-1)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"bins": self.bins, "value_range": self.value_range})
        return config


class RandomInvert(ImageAugmentationLayer):
    """``value_range[1] - x`` for each image with probability drawn in ``factor``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any = 1.0, value_range: Sequence[float] = (0, 255),
                 seed: Optional[int] = None, data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, torch.Tensor]]:
        if not training:
            return None
        images = self._images_of(data)
        batch = batch_size_of(data)
        probability = self._uniform((batch,), self.factor[0], self.factor[1], images.device)
        threshold = self._uniform((batch,), 0, 1, images.device)
        return {"apply_inversion": threshold < probability}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        apply = torch.as_tensor(transformation["apply_inversion"], device=images.device)
        return torch.where(apply.bool()[:, None, None, None], self.value_range[1] - images,
                           images)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config


class RandomPosterization(ImageAugmentationLayer):
    """Keep the ``factor`` most significant bits of each 8-bit channel value."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)
    _MAX_FACTOR = 8

    def __init__(self, factor: Any, value_range: Sequence[float] = (0, 255),
                 data_format: Optional[str] = None, seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range(value_range)

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Dict[str, torch.Tensor]:
        images = self._images_of(data)
        batch = batch_size_of(data)
        if self.factor[0] != self.factor[1]:
            # randint in [low, high): as Keras 3 (the upper bound is never drawn).
            draw = self._uniform((batch,), self.factor[0], self.factor[1], images.device)
            factor = draw.floor().clamp(max=self.factor[1] - 1).to(torch.uint8)
        else:
            factor = torch.full((batch,), int(self.factor[0]), dtype=torch.uint8,
                                device=images.device)
        return {"shift_factor": self._MAX_FACTOR - factor}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        shift = torch.as_tensor(transformation["shift_factor"], device=images.device)
        shift = shift.to(torch.int32).reshape(-1, 1, 1, 1)
        images = transform_value_range(images, self.value_range, (0, 255))
        # Keras casts to uint8 (truncation; wraps modulo 256 as TF's cast does).
        as_uint8 = torch.remainder(torch.trunc(images), 256).to(torch.int32)
        images = ((as_uint8 >> shift) << shift).float()
        return transform_value_range(images, (0, 255), self.value_range)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config


def _kernel_size_pair(value: Any, name: str) -> tuple:
    error = f"{name} must be an odd number. Received: {name}={value}"
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"The `{name}` argument should be a number (or a list of two "
                             f"numbers) Received: {name}={value}")
        if value[0] % 2 == 0 or value[1] % 2 == 0:
            raise ValueError(error)
        return tuple(value)
    if isinstance(value, (int, float)):
        if value % 2 == 0:
            raise ValueError(error)
        return (value, value)
    raise ValueError(error)


class RandomGaussianBlur(ImageAugmentationLayer):
    """Blur each image with probability drawn in ``factor`` (one sigma pair per batch)."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any = 1.0, kernel_size: Any = 3, sigma: Any = 1.0,
                 value_range: Sequence[float] = (0, 255), data_format: Optional[str] = None,
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.kernel_size = _kernel_size_pair(kernel_size, "kernel_size")
        self.sigma = factor_pair(sigma, self._FACTOR_BOUNDS, "sigma")
        self.value_range = value_range

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, torch.Tensor]]:
        if not training:
            return None
        images = self._images_of(data)
        batch = batch_size_of(data)
        probability = self._uniform((batch,), self.factor[0], self.factor[1], images.device)
        threshold = self._uniform((batch,), 0.0, 1.0, images.device)
        blur = self._uniform((2,), self.sigma[0], self.sigma[1], images.device) + 1e-6
        return {"should_apply_blur": threshold < probability, "blur_factor": blur}

    def transform_images(self, images: Any, transformation: Any,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        sigma = torch.as_tensor(transformation["blur_factor"], device=images.device)
        apply = torch.as_tensor(transformation["should_apply_blur"], device=images.device)
        blurred = image_ops.gaussian_blur(images, kernel_size=self.kernel_size, sigma=sigma,
                                          data_format="channels_last")
        images = torch.where(apply.bool()[:, None, None, None], blurred, images)
        return images.clamp(self.value_range[0], self.value_range[1])

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "kernel_size": self.kernel_size,
                       "sigma": self.sigma, "value_range": self.value_range,
                       "seed": self.seed})
        return config


def _symmetric_pad(x: torch.Tensor, pad_h: int, pad_w: int) -> torch.Tensor:
    """NumPy's ``mode='symmetric'`` padding at the end of the last two axes."""
    if pad_h:
        x = torch.cat([x, x.flip(-2)[..., :pad_h, :]], dim=-2)
    if pad_w:
        x = torch.cat([x, x.flip(-1)[..., :pad_w]], dim=-1)
    return x


class ContrastLimitedAdaptiveHistogramEqualization(ImageAugmentationLayer):
    """CLAHE: per-tile clipped histogram equalisation, bilinearly blended between tiles."""

    _USE_BASE_FACTOR = False

    def __init__(self, value_range: Sequence[float] = (0, 255), clip_limit: float = 4.0,
                 tile_grid_size: Sequence[int] = (8, 8), data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def transform_images(self, images: Any, transformation: Any = None,
                         training: bool = True) -> torch.Tensor:
        images = transform_value_range(float_images(images), self.value_range, (0, 255))
        return transform_value_range(self._clahe(images), (0, 255), self.value_range)

    def _clahe(self, images: torch.Tensor) -> torch.Tensor:
        batch, height, width, channels = images.shape
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
        padded = _symmetric_pad(images.permute(0, 3, 1, 2), tile_h * grid_h - height,
                                tile_w * grid_w - width).permute(0, 2, 3, 1)
        tiles = padded.reshape(batch, grid_h, tile_h, grid_w, tile_w, channels)
        tiles = tiles.permute(0, 1, 3, 5, 2, 4).reshape(batch, grid_h, grid_w, channels, -1)
        levels = tiles.to(torch.int32).clamp(0, 255).long()
        hists = F.one_hot(levels, 256).sum(dim=-2).float()  # (b, gh, gw, c, 256)
        area = tile_h * tile_w
        if self.clip_limit > 0:
            clipped = hists.clamp(0, self.clip_limit * area / 256.0)
            hists = clipped + (hists - clipped).sum(dim=-1, keepdim=True) / 256.0
        cdf = torch.cumsum(hists, dim=-1)
        cdf_min = cdf.amin(dim=-1, keepdim=True)
        denominator = area - cdf_min
        denominator = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
        cdf = ((cdf - cdf_min) * 255.0 / denominator).clamp(0, 255)
        cdf = torch.cat([cdf[:, :1], cdf, cdf[:, -1:]], dim=1)  # edge tiles repeated
        cdf = torch.cat([cdf[:, :, :1], cdf, cdf[:, :, -1:]], dim=2)  # (b, gh+2, gw+2, c, 256)

        def axis(size: int, tile: int, grid: int) -> Tuple[torch.Tensor, ...]:
            pos = (torch.arange(size, dtype=torch.float32) - tile / 2.0) / tile + 1.0
            low = torch.floor(pos)
            weight = pos - low
            return (low.clamp(0, grid + 1).long(), (low + 1).clamp(0, grid + 1).long(),
                    weight.to(images.device))
        y0, y1, wy = axis(tile_h * grid_h, tile_h, grid_h)
        x0, x1, wx = axis(tile_w * grid_w, tile_w, grid_w)
        pixels = padded.to(torch.int32).clamp(0, 255).long()  # (b, H, W, c)
        y0, y1, x0, x1 = (t.to(images.device) for t in (y0, y1, x0, x1))
        b = torch.arange(batch, device=images.device)[:, None, None, None]
        c = torch.arange(channels, device=images.device)[None, None, None, :]

        def look(ys: torch.Tensor, xs: torch.Tensor) -> torch.Tensor:
            return cdf[b, ys[None, :, None, None], xs[None, None, :, None], c, pixels]
        wy, wx = wy[None, :, None, None], wx[None, None, :, None]
        top = look(y0, x0) * (1.0 - wx) + look(y0, x1) * wx
        bottom = look(y1, x0) * (1.0 - wx) + look(y1, x1) * wx
        return (top * (1.0 - wy) + bottom * wy)[:, :height, :width, :]

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"value_range": self.value_range, "clip_limit": self.clip_limit,
                       "tile_grid_size": self.tile_grid_size, "data_format": self.data_format})
        return config
