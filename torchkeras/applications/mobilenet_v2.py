"""MobileNetV2 (Sandler et al. 2018), layer for layer as Keras's, so its weight files load."""
from __future__ import annotations

import logging
from typing import Any, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Add, BatchNormalization, Conv2D, Dense, DepthwiseConv2D,
                               GlobalAveragePooling2D, ReLU, ZeroPadding2D)

__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)


def MobileNetV2(input_shape: Optional[Sequence[Optional[int]]] = None, alpha: float = 1.0,
                include_top: bool = True, weights: Any = "imagenet", input_tensor: Any = None,
                pooling: Optional[str] = None, classes: int = 1000,
                classifier_activation: Any = "softmax", name: Optional[str] = None,
                **kwargs: Any) -> Model:
    """MobileNetV2; ``alpha`` scales the width. Inputs in [-1, 1] (``preprocess_input``).
    ``name`` (Keras 3) defaults to ``mobilenetv2_{alpha:0.2f}_{rows}``."""
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    _common.check_weights(weights, include_top, classes)
    channels_last = backend_config.image_data_format() == "channels_last"
    shape = input_shape if input_shape is not None else (
        tuple(input_tensor.shape)[1:] if _common.is_keras_tensor(input_tensor) else None)
    rows = cols = None
    if shape is not None:
        rows, cols = (shape[0], shape[1]) if channels_last else (shape[1], shape[2])
    default_size = rows if rows == cols and rows in _SIZES else 224
    img_input = _common.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights)
    rows = tuple(img_input.shape)[1 if channels_last else 2]
    cols = tuple(img_input.shape)[2 if channels_last else 3]
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of "
                             "`0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
                             f"`alpha={alpha}`")
        if rows != cols or rows not in _SIZES:
            rows = 224
            logging.getLogger("torchkeras").warning(
                "`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, "
                "192, 224]. Weights for input shape (224, 224) will be loaded as the default.")
    channel_axis = -1 if channels_last else 1

    x = Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
               use_bias=False, name="Conv1")(img_input)
    x = BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = ReLU(6.0, name="Conv1_relu")(x)
    block_id = 0
    # (filters, first stride, expansion, repeats)
    for filters, stride, expansion, repeats in ((16, 1, 1, 1), (24, 2, 6, 2), (32, 2, 6, 3),
                                                (64, 2, 6, 4), (96, 1, 6, 3), (160, 2, 6, 3),
                                                (320, 1, 6, 1)):
        for i in range(repeats):
            x = _inverted_res_block(x, filters=filters, alpha=alpha,
                                    stride=stride if i == 0 else 1, expansion=expansion,
                                    block_id=block_id)
            block_id += 1
    # No alpha on the last conv (the paper): only a width above 1 widens it.
    last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = BatchNormalization(axis=channel_axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.finish(img_input, input_tensor, x,
                           name or f"mobilenetv2_{alpha:0.2f}_{rows}")
    file_name = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
                 + ("" if include_top else "_no_top") + ".h5")
    return _common.load_weights(model, weights, file_name, BASE_WEIGHT_PATH + file_name)


def _inverted_res_block(inputs: Any, expansion: int, stride: int, alpha: float, filters: int,
                        block_id: int) -> Any:
    """Expand (1x1) -> depthwise 3x3 -> project (1x1), with a residual when shapes allow."""
    channel_axis = -1 if backend_config.image_data_format() == "channels_last" else 1
    in_channels = tuple(inputs.shape)[channel_axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    bn = dict(axis=channel_axis, epsilon=1e-3, momentum=0.999)
    if block_id:
        x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                   activation=None, name=prefix + "expand")(x)
        x = BatchNormalization(name=prefix + "expand_BN", **bn)(x)
        x = ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=prefix + "pad")(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                        padding="same" if stride == 1 else "valid",
                        name=prefix + "depthwise")(x)
    x = BatchNormalization(name=prefix + "depthwise_BN", **bn)(x)
    x = ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
               activation=None, name=prefix + "project")(x)
    x = BatchNormalization(name=prefix + "project_BN", **bn)(x)
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=prefix + "add")([inputs, x])
    return x


def _make_divisible(v: float, divisor: int, min_value: Optional[int] = None) -> int:
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:  # rounding down must not lose more than 10%
        new_v += divisor
    return new_v


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Scale pixels from [0, 255] to [-1, 1] (mode ``'tf'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
