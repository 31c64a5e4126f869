"""Keras 3's ``MaxNumBoundingBoxes``: pad or truncate a batch of bounding boxes to a fixed
count, so ragged box lists batch into dense tensors."""
from __future__ import annotations

from typing import Any, Dict

import torch
import torch.nn.functional as F

from torchkeras.layers.augmentation_base import ImageAugmentationLayer, float_images

__all__ = ["MaxNumBoundingBoxes"]


class MaxNumBoundingBoxes(ImageAugmentationLayer):
    """``{"images", "bounding_boxes": {"boxes", "labels"}}`` with exactly ``max_number``
    boxes per image (extra boxes dropped, missing ones filled with ``fill_value``)."""

    _USE_BASE_FACTOR = False
    _SUPPORTS_BOUNDING_BOXES = True

    def __init__(self, max_number: int, fill_value: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def transform_images(self, images: Any, transformation: Any = None,
                         training: bool = True) -> torch.Tensor:
        return float_images(images)

    def transform_bounding_boxes(self, bounding_boxes: Dict[str, Any], transformation: Any,
                                 training: bool = True) -> Dict[str, Any]:
        boxes = torch.as_tensor(bounding_boxes["boxes"])  # (batch, num_boxes, 4)
        labels = torch.as_tensor(bounding_boxes["labels"])  # (batch, num_boxes)
        pad = max(self.max_number - boxes.shape[1], 0)
        boxes = F.pad(boxes[:, :self.max_number], (0, 0, 0, pad), value=self.fill_value)
        labels = F.pad(labels[:, :self.max_number], (0, pad), value=self.fill_value)
        result = dict(bounding_boxes)
        result["boxes"], result["labels"] = boxes, labels
        return result

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"max_number": self.max_number})
        return config
