"""InceptionV3 (Szegedy et al. 2016), layer for layer as Keras's, so its weight files load."""
from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, AveragePooling2D, BatchNormalization, Concatenate,
                               Conv2D, Dense, GlobalAveragePooling2D, MaxPooling2D)

__all__ = ["InceptionV3", "preprocess_input", "decode_predictions"]

_BASE = ("https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
         "inception_v3_weights_tf_dim_ordering_tf_kernels")
WEIGHTS_HASHES = ("9a0d58056eeedaa3f26cb7ebd46da564", "bcbd6486424b2319ff4ef7d526e38f63")


def _axis() -> int:
    return 1 if backend_config.image_data_format() == "channels_first" else 3


def conv2d_bn(x: Any, filters: int, num_row: int, num_col: int, padding: str = "same",
              strides: Tuple[int, int] = (1, 1), name: Optional[str] = None) -> Any:
    """Conv (no bias) -> BatchNormalization (no scale) -> ReLU."""
    bn_name, conv_name = (name + "_bn", name + "_conv") if name is not None else (None, None)
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
               name=conv_name)(x)
    x = BatchNormalization(axis=_axis(), scale=False, name=bn_name)(x)
    return Activation("relu", name=name)(x)


def _pool_branch(x: Any, filters: int) -> Any:
    return conv2d_bn(AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1)


def InceptionV3(include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                input_shape: Optional[Sequence[Optional[int]]] = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: str = "inception_v3") -> Model:
    """InceptionV3 (default input 299x299, at least 75x75; inputs in [-1, 1])."""
    _common.check_weights(weights, include_top, classes)
    img_input = _common.image_input(input_shape, input_tensor, 299, 75, include_top, weights)
    axis = _axis()
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):  # mixed 0-2: 35 x 35 x 256/288
        branch1x1 = conv2d_bn(x, 64, 1, 1)
        branch5x5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
        branch3x3dbl = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
        branch_pool = _pool_branch(x, pool_filters)
        x = Concatenate(axis=axis, name=f"mixed{i}")(
            [branch1x1, branch5x5, branch3x3dbl, branch_pool])
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")  # mixed 3
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = Concatenate(axis=axis, name="mixed3")([branch3x3, branch3x3dbl, branch_pool])
    for i, width in ((4, 128), (5, 160), (6, 160), (7, 192)):  # mixed 4-7: 17 x 17 x 768
        branch1x1 = conv2d_bn(x, 192, 1, 1)
        branch7x7 = conv2d_bn(conv2d_bn(conv2d_bn(x, width, 1, 1), width, 1, 7), 192, 7, 1)
        branch7x7dbl = conv2d_bn(x, width, 1, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 1, 7)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
        branch_pool = _pool_branch(x, 192)
        x = Concatenate(axis=axis, name=f"mixed{i}")(
            [branch1x1, branch7x7, branch7x7dbl, branch_pool])
    branch3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2),  # mixed 8
                          padding="valid")
    branch7x7x3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = Concatenate(axis=axis, name="mixed8")([branch3x3, branch7x7x3, branch_pool])
    for i in range(2):  # mixed 9-10: 8 x 8 x 2048
        branch1x1 = conv2d_bn(x, 320, 1, 1)
        branch3x3 = conv2d_bn(x, 384, 1, 1)
        branch3x3 = Concatenate(axis=axis, name=f"mixed9_{i}")(
            [conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)])
        branch3x3dbl = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
        branch3x3dbl = Concatenate(axis=axis)(
            [conv2d_bn(branch3x3dbl, 384, 1, 3), conv2d_bn(branch3x3dbl, 384, 3, 1)])
        branch_pool = _pool_branch(x, 192)
        x = Concatenate(axis=axis, name=f"mixed{9 + i}")(
            [branch1x1, branch3x3, branch3x3dbl, branch_pool])
    if include_top:
        x = GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.finish(img_input, input_tensor, x, name)
    suffix = "" if include_top else "_notop"
    return _common.load_weights(model, weights, f"inception_v3_weights_tf_dim_ordering_tf_"
                                f"kernels{suffix}.h5", f"{_BASE}{suffix}.h5",
                                WEIGHTS_HASHES[0 if include_top else 1])


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Scale pixels from [0, 255] to [-1, 1] (mode ``'tf'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
