"""MobileNet (v1, Howard et al. 2017), layer for layer as Keras's, so its weight files load."""
from __future__ import annotations

import logging
from typing import Any, Optional, Sequence

from torchkeras.applications import _common, imagenet_utils
from torchkeras.backend import config as backend_config
from torchkeras.engine.model import Model
from torchkeras.layers import (Activation, BatchNormalization, Conv2D, DepthwiseConv2D,
                               Dropout, GlobalAveragePooling2D, ReLU, Reshape, ZeroPadding2D)

__all__ = ["MobileNet", "preprocess_input", "decode_predictions"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_SIZES = (128, 160, 192, 224)
_ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.50: "5_0", 0.25: "2_5"}
# (pointwise filters, strides) of depthwise blocks 1-13
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def MobileNet(input_shape: Optional[Sequence[Optional[int]]] = None, alpha: float = 1.0,
              depth_multiplier: int = 1, dropout: float = 1e-3, include_top: bool = True,
              weights: Any = "imagenet", input_tensor: Any = None,
              pooling: Optional[str] = None, classes: int = 1000,
              classifier_activation: Any = "softmax", name: Optional[str] = None,
              **kwargs: Any) -> Model:
    """MobileNet; ``alpha`` scales the width. Inputs in [-1, 1] (``preprocess_input``).
    ``name`` (Keras 3) defaults to ``mobilenet_{alpha:0.2f}_{rows}``."""
    kwargs.pop("layers", None)
    if kwargs:
        raise ValueError(f"Unknown argument(s): {(kwargs,)}")
    _common.check_weights(weights, include_top, classes)
    channels_last = backend_config.image_data_format() == "channels_last"
    default_size = 224
    if input_shape is not None:
        rows, cols = (input_shape[0], input_shape[1]) if channels_last else input_shape[1:3]
        default_size = rows if rows == cols and rows in _SIZES else 224
    img_input = _common.image_input(input_shape, input_tensor, default_size, 32, include_top,
                                    weights)
    rows, cols = tuple(img_input.shape)[1:3] if channels_last else tuple(img_input.shape)[2:4]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be "
                             f"1.  Received depth_multiplier={depth_multiplier}")
        if alpha not in _ALPHA_TEXT:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of"
                             "`0.25`, `0.50`, `0.75` or `1.0` only.  "
                             f"Received alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            logging.getLogger("torchkeras").warning(
                "`input_shape` is undefined or non-square, or `rows` is not in [128, 160, "
                "192, 224]. Weights for input shape (224, 224) will be loaded as the default.")
    channel_axis = -1 if channels_last else 1
    x = Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2),
               name="conv1")(img_input)
    x = BatchNormalization(axis=channel_axis, name="conv1_bn")(x)
    x = ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = GlobalAveragePooling2D(keepdims=True)(x)
        x = Dropout(dropout, name="dropout")(x)
        x = Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = _common.pool(x, pooling)
    model = _common.finish(img_input, input_tensor, x,
                           name or f"mobilenet_{alpha:0.2f}_{rows}")
    file_name = (f"mobilenet_{_ALPHA_TEXT.get(alpha, '2_5')}_{rows}_tf"
                 + ("" if include_top else "_no_top") + ".h5")
    return _common.load_weights(model, weights, file_name, BASE_WEIGHT_PATH + file_name)


def _depthwise_conv_block(inputs: Any, pointwise_conv_filters: int, alpha: float,
                          depth_multiplier: int, stride: int, block_id: int) -> Any:
    """Depthwise 3x3 -> BN -> ReLU6 -> pointwise 1x1 -> BN -> ReLU6."""
    channel_axis = -1 if backend_config.image_data_format() == "channels_last" else 1
    x = inputs
    if stride != 1:
        x = ZeroPadding2D(((0, 1), (0, 1)), name="conv_pad_%d" % block_id)(x)
    x = DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid",
                        depth_multiplier=depth_multiplier, strides=(stride, stride),
                        use_bias=False, name="conv_dw_%d" % block_id)(x)
    x = BatchNormalization(axis=channel_axis, name="conv_dw_%d_bn" % block_id)(x)
    x = ReLU(6.0, name="conv_dw_%d_relu" % block_id)(x)
    x = Conv2D(int(pointwise_conv_filters * alpha), (1, 1), padding="same", use_bias=False,
               strides=(1, 1), name="conv_pw_%d" % block_id)(x)
    x = BatchNormalization(axis=channel_axis, name="conv_pw_%d_bn" % block_id)(x)
    return ReLU(6.0, name="conv_pw_%d_relu" % block_id)(x)


def preprocess_input(x: Any, data_format: Optional[str] = None) -> Any:
    """Scale pixels from [0, 255] to [-1, 1] (mode ``'tf'``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds: Any, top: int = 5) -> Any:
    """See :func:`torchkeras.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
