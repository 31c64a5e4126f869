"""VGG16 and VGG19 (Simonyan & Zisserman 2014), layer for layer as Keras's."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.engine.model import Model
from torchkeras.layers import Conv2D, Dense, Flatten, MaxPooling2D

__all__ = ["VGG", "preprocess_input", "decode_predictions"]

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
# name -> (md5 with top, md5 without top)
WEIGHTS_HASHES = {
    "vgg16": ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
    "vgg19": ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"),
}


def VGG(convs: Sequence[int], variant: str, include_top: bool = True,
        weights: Any = "imagenet", input_tensor: Any = None,
        input_shape: Optional[Sequence[Optional[int]]] = None,
        pooling: Optional[str] = None, classes: int = 1000,
        classifier_activation: Any = "softmax", name: Optional[str] = None) -> Model:
    """A VGG net with ``convs[i]`` 3x3 convolutions in block ``i + 1``; ``variant``
    (``'vgg16'``/``'vgg19'``) picks the weight file, ``name`` (Keras 3) names the model
    (default ``variant``)."""
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, 224, 32, include_top, weights)
    x = img_input
    for block, (filters, count) in enumerate(zip((64, 128, 256, 512, 512), convs), start=1):
        for i in range(1, count + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same",
                       name=f"block{block}_conv{i}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.finish(img_input, input_tensor, x, name or variant)
    suffix = "" if include_top else "_notop"
    file_name = f"{variant}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return _common.load_weights(model, weights, file_name, f"{_BASE}{variant}/{file_name}",
                                WEIGHTS_HASHES[variant][0 if include_top else 1])


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """RGB -> BGR, minus the ImageNet mean (mode ``'caffe'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
