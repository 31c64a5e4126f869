"""``keras.applications.vgg19``: VGG19 (see :mod:`.vgg`)."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from torchkeras.applications.vgg import VGG, decode_predictions, preprocess_input
from torchkeras.engine.model import Model

__all__ = ["VGG19", "preprocess_input", "decode_predictions"]


def VGG19(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
          input_shape: Optional[Sequence[Optional[int]]] = None, pooling: Optional[str] = None,
          classes: int = 1000, classifier_activation: Any = "softmax",
          name: str = "vgg19") -> Model:
    """VGG19 (inputs: ``vgg19.preprocess_input``, caffe mode)."""
    return VGG((2, 2, 4, 4, 4), "vgg19", include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name)
