"""ResNet50V2/101V2/152V2 (He et al. 2016, pre-activation), as Keras's."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from torchkeras.applications import imagenet_utils
from torchkeras.applications.resnet import ResNet, stack2
from torchkeras.engine.model import Model

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "preprocess_input",
           "decode_predictions"]


def _v2(blocks: Sequence[int]) -> Callable[[Any], Any]:
    def stack_fn(x: Any) -> Any:
        x = stack2(x, 64, blocks[0], name="conv2")
        x = stack2(x, 128, blocks[1], name="conv3")
        x = stack2(x, 256, blocks[2], name="conv4")
        return stack2(x, 512, blocks[3], stride1=1, name="conv5")
    return stack_fn


def ResNet50V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
               input_shape: Optional[Sequence[Optional[int]]] = None,
               pooling: Optional[str] = None, classes: int = 1000,
               classifier_activation: Any = "softmax",
               name: str = "resnet50v2") -> Model:
    """ResNet50V2 (inputs in [-1, 1]: ``resnet_v2.preprocess_input``)."""
    return ResNet(_v2((3, 4, 6, 3)), True, True, "resnet50v2", include_top, weights,
                  input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ResNet101V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Optional[Sequence[Optional[int]]] = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax",
                name: str = "resnet101v2") -> Model:
    """ResNet101V2 (inputs in [-1, 1]: ``resnet_v2.preprocess_input``)."""
    return ResNet(_v2((3, 4, 23, 3)), True, True, "resnet101v2", include_top, weights,
                  input_tensor, input_shape, pooling, classes, classifier_activation, name)


def ResNet152V2(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Optional[Sequence[Optional[int]]] = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax",
                name: str = "resnet152v2") -> Model:
    """ResNet152V2 (inputs in [-1, 1]: ``resnet_v2.preprocess_input``)."""
    return ResNet(_v2((3, 8, 36, 3)), True, True, "resnet152v2", include_top, weights,
                  input_tensor, input_shape, pooling, classes, classifier_activation, name)


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Scale pixels from [0, 255] to [-1, 1] (mode ``'tf'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
