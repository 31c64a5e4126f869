"""Keras 3's batch-mixing and erasing augmentations: MixUp, CutMix, RandomErasing.

MixUp and CutMix mix each image with another one of the batch (a random permutation) and,
for dict inputs ``{"images", "labels"}``, the labels with the same weights.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from torchkeras.layers.augmentation_base import (ImageAugmentationLayer, batch_size_of,
                                                 factor_pair, float_images)

__all__ = ["CutMix", "MixUp", "RandomErasing"]


def _box_masks(shape: Sequence[int], x0: torch.Tensor, x1: torch.Tensor, y0: torch.Tensor,
               y1: torch.Tensor) -> torch.Tensor:
    """(batch, h, w, channels) booleans: pixels inside ``[x0, x1) x [y0, y1)``."""
    height, width, channels = shape[-3], shape[-2], shape[-1]
    grid_y, grid_x = torch.meshgrid(torch.arange(height, dtype=torch.float32, device=x0.device),
                                    torch.arange(width, dtype=torch.float32, device=x0.device),
                                    indexing="ij")
    grid_y, grid_x = grid_y[None, :, :, None], grid_x[None, :, :, None]  # (1, h, w, 1)
    x0, x1, y0, y1 = (v[:, None, None, None] for v in (x0, x1, y0, y1))
    masks = (grid_x >= x0) & (grid_x < x1) & (grid_y >= y0) & (grid_y < y1)
    return masks.expand(-1, -1, -1, channels)


class MixUp(ImageAugmentationLayer):
    """``w x + (1 - w) x[perm]`` with ``w ~ Beta(alpha, alpha)`` per image."""

    _USE_BASE_FACTOR = False

    def __init__(self, alpha: float = 0.2, data_format: Optional[str] = None,
                 seed: Optional[int] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.alpha = alpha

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Dict[str, torch.Tensor]:
        images = self._images_of(data)
        batch = batch_size_of(data)
        return {"mix_weight": self._beta((batch,), self.alpha, images.device),
                "permutation_order": self._randperm(batch, images.device)}

    def transform_images(self, images: Any, transformation: Any = None,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training:
            return images
        weight = torch.as_tensor(transformation["mix_weight"], device=images.device,
                                 dtype=images.dtype).reshape(-1, 1, 1, 1)
        order = torch.as_tensor(transformation["permutation_order"],
                                device=images.device).long()
        return weight * images + (1.0 - weight) * images[order]

    def transform_labels(self, labels: Any, transformation: Any,
                         training: bool = True) -> Any:
        if not training:
            return labels
        labels = float_images(labels)
        weight = torch.as_tensor(transformation["mix_weight"], device=labels.device,
                                 dtype=labels.dtype).reshape(-1, 1)
        order = torch.as_tensor(transformation["permutation_order"],
                                device=labels.device).long()
        return weight * labels + (1.0 - weight) * labels[order]

    def transform_segmentation_masks(self, segmentation_masks: Any, transformation: Any,
                                     training: bool = True) -> Any:
        return self.transform_images(segmentation_masks, transformation, training)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"alpha": self.alpha, "seed": self.seed})
        return config


def _crop_bounds(layer: ImageAugmentationLayer, batch: int, length: int,
                 ratio: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    crop = ratio * length
    start = layer._uniform((batch,), 0, 1, ratio.device) * (length - crop)
    return start, start + crop


class CutMix(ImageAugmentationLayer):
    """Paste a random box of another image of the batch; labels mix by the box area."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any = 1.0, seed: Optional[int] = None,
                 data_format: Optional[str] = None, **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, torch.Tensor]]:
        if not training:
            return None
        images = self._images_of(data)
        if images.dim() == 3:
            return None
        batch, height, width = images.shape[0], images.shape[1], images.shape[2]
        alpha = float(self._uniform((), self.factor[0], self.factor[1], torch.device("cpu")))
        weight = self._beta((batch,), alpha + 1e-6, images.device)
        ratio = torch.sqrt(1.0 - weight)
        x0, x1 = _crop_bounds(self, batch, width, ratio)
        y0, y1 = _crop_bounds(self, batch, height, ratio)
        masks = _box_masks(images.shape, x0, x1, y0, y1)
        mix_weight = 1.0 - (x1 - x0) * (y1 - y0) / (width * height)
        return {"permutation_order": self._randperm(batch, images.device),
                "batch_masks": masks, "mix_weight": mix_weight[:, None, None, None]}

    def transform_images(self, images: Any, transformation: Any = None,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        order = torch.as_tensor(transformation["permutation_order"],
                                device=images.device).long()
        masks = torch.as_tensor(transformation["batch_masks"], device=images.device).bool()
        if masks.shape[-1] != images.shape[-1]:  # e.g. one-channel segmentation masks
            masks = masks[..., :1]
        return torch.where(masks, images[order], images)

    def transform_labels(self, labels: Any, transformation: Any,
                         training: bool = True) -> Any:
        if not training or transformation is None:
            return labels
        labels = float_images(labels)
        order = torch.as_tensor(transformation["permutation_order"],
                                device=labels.device).long()
        weight = torch.as_tensor(transformation["mix_weight"], device=labels.device,
                                 dtype=labels.dtype).reshape(-1, 1)
        return weight * labels + (1.0 - weight) * labels[order]

    def transform_segmentation_masks(self, segmentation_masks: Any, transformation: Any,
                                     training: bool = True) -> Any:
        return self.transform_images(segmentation_masks, transformation, training)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "seed": self.seed})
        return config


class RandomErasing(ImageAugmentationLayer):
    """Replace a random box (area fraction in ``scale``) with ``fill_value`` or noise."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor: Any = 1.0, scale: Any = (0.02, 0.33),
                 fill_value: Any = None, value_range: Sequence[float] = (0, 255),
                 seed: Optional[int] = None, data_format: Optional[str] = None,
                 **kwargs: Any):
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self._set_factor(factor)
        self.scale = factor_pair(scale, self._FACTOR_BOUNDS, "scale")
        self.fill_value = fill_value
        self.value_range = value_range

    def _fill(self, images: torch.Tensor) -> torch.Tensor:
        fill = self.fill_value
        error = "The `fill_value` argument should be a number (or a list of three numbers) "
        if fill is None:
            values = self._normal(images.shape, images.device) * self.value_range[1]
        elif isinstance(fill, (tuple, list)):
            if len(fill) != 3:
                raise ValueError(error)
            values = torch.tensor(fill, dtype=torch.float32,
                                  device=images.device).expand(images.shape)
        elif isinstance(fill, (int, float)):
            values = torch.full(images.shape, float(fill), device=images.device)
        else:
            raise ValueError(error)
        return values.clamp(self.value_range[0], self.value_range[1])

    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Optional[Dict[str, torch.Tensor]]:
        if not training:
            return None
        images = self._images_of(data)
        if images.dim() == 3:
            images = images.unsqueeze(0)
        batch, height, width = images.shape[0], images.shape[1], images.shape[2]
        weight = torch.sqrt(self._uniform((batch, 2), self.scale[0], self.scale[1],
                                          images.device))
        x0, x1 = _crop_bounds(self, batch, width, weight[:, 0])
        y0, y1 = _crop_bounds(self, batch, height, weight[:, 1])
        masks = _box_masks(images.shape, x0, x1, y0, y1)
        probability = self._uniform((batch,), self.factor[0], self.factor[1], images.device)
        threshold = self._uniform((batch,), 0.0, 1.0, images.device)
        return {"apply_erasing": threshold < probability, "batch_masks": masks,
                "fill_value": self._fill(images)}

    def transform_images(self, images: Any, transformation: Any = None,
                         training: bool = True) -> torch.Tensor:
        images = float_images(images)
        if not training or transformation is None:
            return images
        masks = torch.as_tensor(transformation["batch_masks"], device=images.device).bool()
        apply = torch.as_tensor(transformation["apply_erasing"], device=images.device).bool()
        fill = torch.as_tensor(transformation["fill_value"], device=images.device,
                               dtype=images.dtype)
        erased = torch.where(masks, fill, images)
        return torch.where(apply[:, None, None, None], erased, images)

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"factor": self.factor, "scale": self.scale,
                       "fill_value": self.fill_value, "value_range": self.value_range,
                       "seed": self.seed})
        return config
