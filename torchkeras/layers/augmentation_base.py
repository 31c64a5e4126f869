"""Keras 3's image augmentation protocol (``BaseImagePreprocessingLayer``).

A layer draws one ``transformation`` per call with ``get_random_transformation(data)``
and applies it with ``transform_images`` (and ``transform_labels`` /
``transform_segmentation_masks`` for dict inputs ``{"images", "labels",
"segmentation_masks"}``), so a recorded transformation replays exactly. Inputs are
channels_last internally (channels_first is transposed around the call); ``training``
defaults to True for a standalone call and is False in ``predict``/``evaluate``, where the
images come back unchanged (cast to the compute dtype), as in Keras 3.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from torchkeras.backend.config import image_data_format
from torchkeras.layers.image_augmentation import _RandomLayer

__all__: list = []  # base class only: the layers live in the *_augmentation modules

Transformation = Any


def factor_pair(factor: Any, bounds: Tuple[float, float], name: str = "factor",
                owner: str = "") -> Tuple[float, float]:
    """Keras 3's ``_set_factor``: a number f means ``(max(-f, low), f)``, a pair is sorted."""
    error = (f"The `{name}` argument should be a number (or a list of two numbers) in the "
             f"range [{bounds[0]}, {bounds[1]}]. Received: factor={factor}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ValueError(error)
        lower, upper = sorted(factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        if factor < bounds[0] or factor > bounds[1]:
            raise ValueError(error)
        factor = abs(factor)
        lower, upper = max(-factor, bounds[0]), factor
    else:
        raise ValueError(error)
    return lower, upper


def check_value_range(value_range: Any) -> list:
    """A sorted ``[low, high]`` pair (Keras 3's ``_set_value_range``)."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError("The `value_range` argument should be a list of two numbers. "
                         f"Received: value_range={value_range}")
    return sorted(value_range)


def transform_value_range(images: torch.Tensor, original: Sequence[float],
                          target: Sequence[float]) -> torch.Tensor:
    """Map values linearly from ``original`` to ``target`` (identity when equal)."""
    if original[0] == target[0] and original[1] == target[1]:
        return images
    images = images.float()
    images = (images - float(original[0])) / (float(original[1]) - float(original[0]))
    return images * (float(target[1]) - float(target[0])) + float(target[0])


class ImageAugmentationLayer(_RandomLayer):
    """Base of the Keras 3 augmentation layers: seeded draws, dict inputs, value ranges."""

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS: Tuple[float, float] = (-1, 1)
    _SUPPORTS_BOUNDING_BOXES = False  # layers that define transform_bounding_boxes: True

    def __init__(self, factor: Any = None, bounding_box_format: Optional[str] = None,
                 data_format: Optional[str] = None, seed: Optional[int] = None,
                 **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = data_format or image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError("The `data_format` argument must be one of {'channels_first', "
                             f"'channels_last'}}. Received: data_format={data_format}")
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(f"Layer {type(self).__name__} does not take a `factor` "
                             f"argument. Received: factor={factor}")

    def _set_factor(self, factor: Any) -> None:
        self.factor = factor_pair(factor, self._FACTOR_BOUNDS, owner=type(self).__name__)

    # --- random draws (torch, seedable) -------------------------------------------------
    def _generator_seed(self) -> Optional[int]:
        """A fresh integer seed from the layer's generator (None when unseeded)."""
        if self.seed is None:
            return None
        if self._generator is None:
            self._generator = torch.Generator().manual_seed(int(self.seed))
        return int(torch.randint(0, 2 ** 62, (), generator=self._generator))

    def _randperm(self, n: int, device: torch.device) -> torch.Tensor:
        seed = self._generator_seed()
        if seed is None:
            return torch.randperm(n, device=device)
        return torch.randperm(n, generator=torch.Generator().manual_seed(seed)).to(device)

    def _beta(self, shape: Sequence[int], alpha: float, device: torch.device) -> torch.Tensor:
        concentration = torch.full(tuple(shape), float(alpha))
        seed = self._generator_seed()
        if seed is None:
            return torch.distributions.Beta(concentration, concentration).sample().to(device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            return torch.distributions.Beta(concentration, concentration).sample().to(device)

    def _normal(self, shape: Sequence[int], device: torch.device) -> torch.Tensor:
        seed = self._generator_seed()
        if seed is None:
            return torch.randn(tuple(shape), device=device)
        generator = torch.Generator().manual_seed(seed)
        return torch.randn(tuple(shape), generator=generator).to(device)

    # --- the Keras 3 protocol -------------------------------------------------------------
    def get_random_transformation(self, data: Any, training: bool = True,
                                  seed: Any = None) -> Transformation:
        return None

    def transform_images(self, images: Any, transformation: Transformation,
                         training: bool = True) -> torch.Tensor:
        raise NotImplementedError

    def transform_labels(self, labels: Any, transformation: Transformation,
                         training: bool = True) -> Any:
        return labels

    def transform_bounding_boxes(self, bounding_boxes: Dict[str, Any],
                                 transformation: Transformation,
                                 training: bool = True) -> Dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} does not transform bounding boxes.")

    def transform_segmentation_masks(self, segmentation_masks: Any,
                                     transformation: Transformation,
                                     training: bool = True) -> Any:
        return segmentation_masks

    def _as_images(self, images: Any) -> torch.Tensor:
        images = torch.as_tensor(images)
        if images.dim() not in (3, 4):
            raise ValueError("Expected image tensor to have rank 3 (single image) or 4 (batch "
                             f"of images). Received: data.shape={tuple(images.shape)}")
        return images

    def _images_of(self, data: Any) -> torch.Tensor:
        return self._as_images(data["images"] if isinstance(data, dict) else data)

    def _to_last(self, images: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_first":
            return images.movedim(-3, -1)
        return images

    def _from_last(self, images: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_first":
            return images.movedim(-1, -3)
        return images

    def call(self, data: Any, training: Optional[bool] = True) -> Any:
        training = bool(training)
        if isinstance(data, dict):
            data = dict(data)
            if "bounding_boxes" in data and not self._SUPPORTS_BOUNDING_BOXES:
                raise NotImplementedError(
                    f"{type(self).__name__}: `bounding_boxes` inputs are not supported in "
                    "torchkeras yet; pass images, labels and segmentation_masks.")
            images = self._to_last(self._as_images(data["images"]))
            single = images.dim() == 3
            batch = images.unsqueeze(0) if single else images
            inputs = dict(data, images=batch)
            if single and "labels" in data:
                inputs["labels"] = torch.as_tensor(data["labels"]).unsqueeze(0)
            transformation = self.get_random_transformation(inputs, training=training)
            out = self.transform_images(batch, transformation, training=training)
            data["images"] = self._from_last(out.squeeze(0) if single else out)
            if "bounding_boxes" in data:
                data["bounding_boxes"] = self.transform_bounding_boxes(
                    data["bounding_boxes"], transformation, training=training)
            if "labels" in data:
                labels = self.transform_labels(inputs["labels"] if single
                                               else torch.as_tensor(data["labels"]),
                                               transformation, training=training)
                data["labels"] = labels.squeeze(0) if single else labels
            if "segmentation_masks" in data:
                masks = self._to_last(torch.as_tensor(data["segmentation_masks"]))
                masks = masks.unsqueeze(0) if single else masks
                masks = self.transform_segmentation_masks(masks, transformation,
                                                          training=training)
                data["segmentation_masks"] = self._from_last(masks.squeeze(0) if single
                                                             else masks)
            return data
        images = self._to_last(self._as_images(data))
        single = images.dim() == 3
        batch = images.unsqueeze(0) if single else images
        transformation = self.get_random_transformation(batch, training=training)
        out = self.transform_images(batch, transformation, training=training)
        return self._from_last(out.squeeze(0) if single else out)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.pop("rng_type", None)
        config["data_format"] = self.data_format
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


def batch_size_of(data: Any) -> int:
    images = data["images"] if isinstance(data, dict) else data
    return 1 if images.dim() == 3 else int(images.shape[0])


def float_images(images: Any) -> torch.Tensor:
    """Images as a float32 tensor (Keras 3 casts to the compute dtype)."""
    images = torch.as_tensor(images)
    return images if images.dtype == torch.float32 else images.float()
